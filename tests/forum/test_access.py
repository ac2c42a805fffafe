"""Who may read and write a chain's forum: private chains, read-only (suspended/banned) chains."""

from __future__ import annotations

from datetime import timedelta

import httpx

from oxship.kit.clock import utcnow
from tests.chains.conftest import make_chain
from tests.factories.users import UserFactory
from tests.forum.helpers import ForumRows, posts_url, reply_to, start_thread


async def test_private_chain_forum_is_404_to_outsiders(
    users: UserFactory, client: httpx.AsyncClient, rows: ForumRows
) -> None:
    owner = await users.actor()
    chain = await make_chain(owner.client, "Secret forum", is_public=False)
    fan, outsider, admin = await users.actor(), await users.actor(), await users.admin()
    await rows.follow(chain, fan.user.id)
    root = await start_thread(owner.client, chain)
    url = posts_url(chain)
    post_url = f"{url}/{root['id']}"

    for caller in (client, outsider.client):
        assert (await caller.get(url)).status_code == 404
        assert (await caller.get(post_url)).status_code == 404
        assert (await caller.get(f"{post_url}/replies")).status_code == 404
    thread = {"title": "Sneaky", "content": "x"}
    assert (await outsider.client.post(url, json=thread)).status_code == 404
    reply = {"content": "x", "parent_id": root["id"]}
    assert (await outsider.client.post(url, json=reply)).status_code == 404
    react = {"reaction_type": "upvote"}
    assert (await outsider.client.post(f"{post_url}/react", json=react)).status_code == 404
    assert (await outsider.client.put(post_url, json={"content": "x"})).status_code == 404
    assert (await outsider.client.delete(post_url)).status_code == 404
    assert (await outsider.client.post(f"{post_url}/lock")).status_code == 404
    assert await rows.reactions(root["id"]) == []

    for member in (owner, fan, admin):
        listed = await member.client.get(url)
        assert listed.status_code == 200
        assert listed.headers["cache-control"] == "private, no-store"
        assert [p["id"] for p in listed.json()["data"]] == [root["id"]]
        one = await member.client.get(post_url)
        assert one.status_code == 200
        assert one.headers["cache-control"] == "private, no-store"
        assert (await member.client.get(f"{post_url}/replies")).status_code == 200
        assert (await member.client.post(f"{post_url}/react", json=react)).status_code == 200
        await reply_to(member.client, chain, root)
    listed = (await fan.client.get(url)).json()["data"]
    assert (listed[0]["user_reaction"], listed[0]["is_author"]) == ("upvote", False)
    mine = (await owner.client.get(url)).json()["data"]
    assert (mine[0]["user_reaction"], mine[0]["is_author"]) == ("upvote", True)
    assert await rows.counters(root["id"]) == (3, 3, 3, 0)
    assert await rows.post_count(chain) == 4


async def test_read_only_chain_refuses_writes_until_the_suspension_ends(
    users: UserFactory, client: httpx.AsyncClient, rows: ForumRows
) -> None:
    owner = await users.actor()
    chain = await make_chain(owner.client, "Paused forum")
    fan, admin = await users.actor(), await users.admin()
    root = await start_thread(fan.client, chain)
    url = posts_url(chain)
    post_url = f"{url}/{root['id']}"
    react = {"reaction_type": "upvote"}

    await rows.set_chain(chain, status="suspended", suspended_until=utcnow() + timedelta(hours=1))
    for who in (fan, owner):
        assert (
            await who.client.post(url, json={"title": "New", "content": "x"})
        ).status_code == 403
        body = {"content": "x", "parent_id": root["id"]}
        assert (await who.client.post(url, json=body)).status_code == 403
        assert (await who.client.post(f"{post_url}/react", json=react)).status_code == 403
    assert (await fan.client.put(post_url, json={"content": "x"})).status_code == 403
    assert (await fan.client.delete(post_url)).status_code == 403
    assert (await owner.client.post(f"{post_url}/pin")).status_code == 403
    assert await rows.reactions(root["id"]) == []
    assert await rows.post_count(chain) == 1
    # Reading still works; admins may still write.
    assert (await client.get(url)).status_code == 200
    assert (await client.get(post_url)).status_code == 200
    assert (await admin.client.post(f"{post_url}/react", json=react)).status_code == 200
    await start_thread(admin.client, chain, title="Admin note")

    await rows.set_chain(chain, status="banned", suspended_until=None)
    assert (await fan.client.post(f"{post_url}/react", json=react)).status_code == 403

    await rows.set_chain(chain, status="suspended", suspended_until=utcnow() - timedelta(seconds=1))
    assert (await fan.client.post(f"{post_url}/react", json=react)).status_code == 200
    await reply_to(fan.client, chain, root)
    await start_thread(fan.client, chain, title="Back again")
    assert await rows.post_count(chain) == 4
