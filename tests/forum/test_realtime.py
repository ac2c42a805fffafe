"""Forum events reach sockets subscribed to the chain, after commit."""

from __future__ import annotations

from typing import Any

import pytest

from tests.chains.conftest import make_chain
from tests.factories.users import UserFactory
from tests.forum.helpers import posts_url

pytestmark = pytest.mark.committed


async def test_forum_events_reach_the_chain_room(
    live_url: str, listeners: Any, users: UserFactory
) -> None:
    owner = await users.actor()
    chain = await make_chain(owner.client, "Live forum")
    socket = await listeners(live_url)
    ack = await socket.client.call("subscribe_chain", {"slug": chain["slug"]})
    assert ack == {"ok": True, "room": f"chain:{chain['id']}"}
    author = await users.actor()
    url = posts_url(chain)

    created = await author.client.post(url, json={"title": "Live thread", "content": "hi"})
    assert created.status_code == 201
    post = created.json()["data"]
    (event,) = await socket.wait_for("chain:post_created")
    assert event["chain_id"] == chain["id"]
    assert event["post_id"] == post["id"]
    assert event["parent_id"] is None
    assert event["data"]["title"] == "Live thread"
    assert event["data"]["is_author"] is False  # the shared payload carries no caller fields

    reply = await owner.client.post(url, json={"content": "welcome", "parent_id": post["id"]})
    assert reply.status_code == 201
    events = await socket.wait_for("chain:post_created", count=2)
    assert events[1]["parent_id"] == post["id"]

    react = await owner.client.post(f"{url}/{post['id']}/react", json={"reaction_type": "upvote"})
    assert react.status_code == 200
    (reacted,) = await socket.wait_for("chain:post_reacted")
    assert reacted == {
        "chain_id": chain["id"],
        "post_id": post["id"],
        "upvote_count": 1,
        "downvote_count": 0,
    }

    edited = await author.client.put(f"{url}/{post['id']}", json={"content": "hello"})
    assert edited.status_code == 200
    (updated,) = await socket.wait_for("chain:post_updated")
    assert updated["data"]["content"] == "hello"

    gone = await author.client.delete(f"{url}/{post['id']}")
    assert gone.status_code == 200
    (deleted,) = await socket.wait_for("chain:post_deleted")
    assert deleted == {"chain_id": chain["id"], "post_id": post["id"], "parent_id": None}


async def test_private_forum_events_stay_in_the_private_room(
    live_url: str, listeners: Any, users: UserFactory
) -> None:
    owner = await users.actor()
    chain = await make_chain(owner.client, "Quiet forum", is_public=False)
    mine = await listeners(live_url, owner.access)
    assert (await mine.client.call("subscribe_chain", {"slug": chain["slug"]}))["ok"] is True
    outsider = await listeners(live_url)
    refused = await outsider.client.call("subscribe_chain", {"slug": chain["slug"]})
    assert refused["ok"] is False
    created = await owner.client.post(posts_url(chain), json={"title": "Inner", "content": "x"})
    assert created.status_code == 201
    (event,) = await mine.wait_for("chain:post_created")
    assert event["post_id"] == created.json()["data"]["id"]
    assert outsider.named("chain:post_created") == []
