"""Cached forum views: fresh after every write, and never one caller's fields for another."""

from __future__ import annotations

import httpx

from tests.chains.conftest import make_chain
from tests.factories.users import UserFactory
from tests.forum.helpers import posts_url, reply_to, start_thread


async def test_cached_lists_follow_writes_and_keep_callers_apart(
    users: UserFactory, client: httpx.AsyncClient
) -> None:
    owner = await users.actor()
    chain = await make_chain(owner.client, "Cached forum")
    alice, bob = await users.actor(), await users.actor()
    url = posts_url(chain)
    first = await client.get(url)
    assert first.status_code == 200
    assert first.json()["data"] == []
    assert first.headers["cache-control"].startswith("public")
    etag = first.headers["etag"]
    assert (await client.get(url, headers={"If-None-Match": etag})).status_code == 304

    root = await start_thread(alice.client, chain)
    listed = await client.get(url)
    assert [p["id"] for p in listed.json()["data"]] == [root["id"]]
    assert listed.headers["etag"] != etag
    chains = (await client.get("/api/chains")).json()["data"]
    assert next(c for c in chains if c["id"] == chain["id"])["post_count"] == 1

    # Alice's view (author + her upvote) is cached per request, never shared.
    react = await alice.client.post(f"{url}/{root['id']}/react", json={"reaction_type": "upvote"})
    assert react.status_code == 200
    hers = await alice.client.get(url)
    assert hers.headers["cache-control"].startswith("private")
    assert (hers.json()["data"][0]["user_reaction"], hers.json()["data"][0]["is_author"]) == (
        "upvote",
        True,
    )
    for other in (bob.client, client):
        seen = (await other.get(url)).json()["data"][0]
        assert (seen["user_reaction"], seen["is_author"]) == (None, False)
        assert seen["upvote_count"] == 1
    detail_url = f"{url}/{root['id']}"
    assert (await client.get(detail_url)).json()["data"]["upvote_count"] == 1
    mine = (await alice.client.get(detail_url)).json()["data"]
    assert (mine["user_reaction"], mine["is_author"]) == ("upvote", True)
    assert (await bob.client.get(detail_url)).json()["data"]["user_reaction"] is None

    # Replies, edits, pins, locks and deletes show at once in every cached view.
    reply = await reply_to(bob.client, chain, root)
    detail = (await client.get(detail_url)).json()["data"]
    assert [r["id"] for r in detail["replies"]] == [reply["id"]]
    assert detail["comment_count"] == 1
    assert (await client.get(url)).json()["data"][0]["total_replies"] == 1
    replies_url = f"{detail_url}/replies"
    assert [r["id"] for r in (await client.get(replies_url)).json()["data"]] == [reply["id"]]
    edit = await bob.client.put(f"{url}/{reply['id']}", json={"content": "Edited reply"})
    assert edit.status_code == 200
    assert (await client.get(replies_url)).json()["data"][0]["content"] == "Edited reply"
    assert (await owner.client.post(f"{detail_url}/lock")).status_code == 200
    assert (await client.get(url)).json()["data"][0]["is_locked"] is True
    assert (await bob.client.delete(f"{url}/{reply['id']}")).status_code == 200
    assert (await client.get(replies_url)).json()["data"] == []
    assert (await client.get(detail_url)).json()["data"]["comment_count"] == 0
