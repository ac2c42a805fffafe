"""Rooms and client events against a real uvicorn: subscribe/unsubscribe, feed, typing, chains."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.factories.projects import ProjectFactory
from tests.factories.users import UserFactory

pytestmark = pytest.mark.committed

QUIET = 0.2  # seconds to wait before asserting that an event did NOT arrive


async def _vote(users: UserFactory, project_id: str, vote_type: str = "up") -> None:
    voter = await users.actor()
    response = await voter.client.post(
        "/api/votes", json={"project_id": project_id, "vote_type": vote_type}
    )
    assert response.status_code == 200, response.text


async def test_unsubscribe_stops_delivery(
    live_url: str, listeners: Any, users: UserFactory, projects: ProjectFactory
) -> None:
    owner = await users.user()
    pid = (await projects.project(owner))["id"]
    leaving = await listeners(live_url)
    staying = await listeners(live_url)  # the sentinel: proves the second event was emitted
    for listener in (leaving, staying):
        await listener.client.call("subscribe", {"project_id": pid})

    await _vote(users, pid)
    await leaving.wait_for("vote:updated")
    await staying.wait_for("vote:updated")
    assert await leaving.client.call("unsubscribe", {"project_id": pid}) == {"ok": True}

    await _vote(users, pid, "down")
    second = (await staying.wait_for("vote:updated", count=2))[1]
    assert (second["upvotes"], second["downvotes"]) == (1, 1)
    await asyncio.sleep(QUIET)
    assert len(leaving.named("vote:updated")) == 1


BAD_PROJECT_IDS = [None, {}, {"project_id": "not-a-uuid"}, {"project_id": 42}, ["x"], "project"]


async def test_subscribe_with_a_bad_project_id_is_a_validation_error(
    live_url: str, listeners: Any
) -> None:
    socket = await listeners(live_url)
    for event in ("subscribe", "unsubscribe"):
        for data in BAD_PROJECT_IDS:
            ack = await socket.client.call(event, data, timeout=3)
            assert ack == {"ok": False, "error": "validation_error", "field": "project_id"}, (
                event,
                data,
            )


async def test_feed_gets_every_vote_once_even_when_also_in_the_project_room(
    live_url: str, listeners: Any, users: UserFactory, projects: ProjectFactory
) -> None:
    owner = await users.user()
    first = (await projects.project(owner))["id"]
    second = (await projects.project(owner))["id"]
    feed = await listeners(live_url)
    assert await feed.client.call("subscribe_feed") == {"ok": True, "room": "feed"}
    await feed.client.call("subscribe", {"project_id": first})  # in both rooms of `first`
    sentinel = await listeners(live_url)
    await sentinel.client.call("subscribe_feed")

    await _vote(users, first)
    await _vote(users, second)

    await sentinel.wait_for("vote:updated", count=2)
    await feed.wait_for("vote:updated", count=2)
    await asyncio.sleep(QUIET)
    received = sorted(event["project_id"] for event in feed.named("vote:updated"))
    assert received == sorted([first, second])  # exactly once each

    assert await feed.client.call("unsubscribe_feed") == {"ok": True}
    await _vote(users, second)
    await sentinel.wait_for("vote:updated", count=3)
    await asyncio.sleep(QUIET)
    assert len(feed.named("vote:updated")) == 2


async def test_typing_reaches_only_the_recipients_sockets(
    live_url: str, listeners: Any, users: UserFactory
) -> None:
    sender = await users.actor()
    recipient = await users.actor()
    bystander = await users.actor()
    sender_socket = await listeners(live_url, sender.access)
    recipient_sockets = [await listeners(live_url, recipient.access) for _ in range(2)]
    bystander_socket = await listeners(live_url, bystander.access)
    anonymous = await listeners(live_url)

    ack = await sender_socket.client.call("typing", {"recipient_id": str(recipient.user.id)})
    assert ack == {"ok": True}
    for socket in recipient_sockets:
        assert await socket.wait_for("typing") == [{"user_id": str(sender.user.id)}]
    await asyncio.sleep(QUIET)
    for socket in (sender_socket, bystander_socket, anonymous):
        assert socket.named("typing") == []

    refused = await anonymous.client.call("typing", {"recipient_id": str(recipient.user.id)})
    assert refused == {"ok": False, "error": "unauthorized"}
    for bad in ({}, {"recipient_id": "nope"}, {"recipient_id": str(sender.user.id)}):
        assert await sender_socket.client.call("typing", bad) == {
            "ok": False,
            "error": "validation_error",
            "field": "recipient_id",
        }
    await asyncio.sleep(QUIET)
    for socket in recipient_sockets:
        assert len(socket.named("typing")) == 1


async def test_subscribe_chain_is_not_found_until_chains_exist(
    live_url: str, listeners: Any, users: UserFactory
) -> None:
    actor = await users.actor()
    for socket in (await listeners(live_url), await listeners(live_url, actor.access)):
        assert await socket.client.call("subscribe_chain", {"slug": "some-chain"}) == {
            "ok": False,
            "error": "not_found",
        }
        assert await socket.client.call("subscribe_chain", {"slug": ""}) == {
            "ok": False,
            "error": "validation_error",
            "field": "slug",
        }


async def test_comment_added_reaches_project_subscribers(
    live_url: str, listeners: Any, users: UserFactory, projects: ProjectFactory
) -> None:
    owner = await users.user()
    pid = (await projects.project(owner))["id"]
    other = (await projects.project(owner))["id"]
    subscriber = await listeners(live_url)
    await subscriber.client.call("subscribe", {"project_id": pid})
    elsewhere = await listeners(live_url)
    await elsewhere.client.call("subscribe", {"project_id": other})
    commenter = await users.actor()

    response = await commenter.client.post(
        "/api/comments", json={"project_id": pid, "content": "Live comment"}
    )
    assert response.status_code == 201, response.text
    comment = response.json()["data"]

    (event,) = await subscriber.wait_for("comment:added")
    assert event["project_id"] == pid
    assert event["data"]["id"] == comment["id"]
    assert event["data"]["content"] == "Live comment"
    await asyncio.sleep(QUIET)
    assert elsewhere.named("comment:added") == []


async def test_vote_notification_goes_to_the_owner_only(
    live_url: str, listeners: Any, users: UserFactory, projects: ProjectFactory
) -> None:
    owner = await users.actor()
    pid = (await projects.project(owner.user))["id"]
    owner_sockets = [await listeners(live_url, owner.access) for _ in range(2)]
    voter = await users.actor()
    voter_socket = await listeners(live_url, voter.access)
    anonymous = await listeners(live_url)

    response = await voter.client.post("/api/votes", json={"project_id": pid, "vote_type": "up"})
    assert response.status_code == 200, response.text

    for socket in owner_sockets:
        (note,) = await socket.wait_for("new_notification")
        assert note["type"] == "vote"
    await asyncio.sleep(QUIET)
    assert voter_socket.named("new_notification") == []
    assert anonymous.named("new_notification") == []
