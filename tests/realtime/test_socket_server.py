"""The Socket.IO server against a real uvicorn: auth, rooms, and committed events."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import socketio

from tests.factories.projects import ProjectFactory
from tests.factories.users import UserFactory

pytestmark = pytest.mark.committed


async def test_anonymous_and_token_connections_and_bad_token_refused(
    live_url: str, listeners: Any, users: UserFactory
) -> None:
    anonymous = await listeners(live_url)
    assert anonymous.client.connected
    actor = await users.actor()
    authed = await listeners(live_url, actor.access)
    assert authed.client.connected

    refused = socketio.AsyncClient(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        await refused.connect(
            live_url, auth={"token": "not-a-token"}, transports=["websocket"], wait_timeout=5
        )


async def test_vote_reaches_project_subscribers_only(
    live_url: str, listeners: Any, users: UserFactory, projects: ProjectFactory
) -> None:
    owner = await users.user()
    pid = (await projects.project(owner))["id"]
    other = (await projects.project(owner))["id"]
    subscriber = await listeners(live_url)
    bystander = await listeners(live_url)
    assert await subscriber.client.call("subscribe", {"project_id": pid}) == {
        "ok": True,
        "room": f"project:{pid}",
    }
    await bystander.client.call("subscribe", {"project_id": other})
    voter = await users.actor()

    response = await voter.client.post("/api/votes", json={"project_id": pid, "vote_type": "up"})
    assert response.status_code == 200

    (event,) = await subscriber.wait_for("vote:updated")
    assert event["project_id"] == pid
    assert (event["upvotes"], event["downvotes"], event["vote_count"]) == (1, 0, 1)
    await asyncio.sleep(0.2)
    assert bystander.named("vote:updated") == []


async def test_notification_goes_to_its_user_only(
    live_url: str, listeners: Any, users: UserFactory, projects: ProjectFactory
) -> None:
    owner = await users.actor()
    pid = (await projects.project(owner.user))["id"]
    owner_socket = await listeners(live_url, owner.access)
    someone = await users.actor()
    someone_socket = await listeners(live_url, someone.access)
    commenter = await users.actor()

    response = await commenter.client.post(
        "/api/comments", json={"project_id": pid, "content": "Nice work"}
    )
    assert response.status_code == 201

    (note,) = await owner_socket.wait_for("new_notification")
    assert note["type"] == "comment"
    await asyncio.sleep(0.2)
    assert someone_socket.named("new_notification") == []


async def test_rejected_action_emits_nothing(
    live_url: str, listeners: Any, users: UserFactory, projects: ProjectFactory
) -> None:
    owner = await users.actor()
    pid = (await projects.project(owner.user))["id"]
    subscriber = await listeners(live_url)
    await subscriber.client.call("subscribe", {"project_id": pid})

    own_vote = await owner.client.post("/api/votes", json={"project_id": pid, "vote_type": "up"})
    assert own_vote.status_code == 403
    await asyncio.sleep(0.3)
    assert subscriber.named("vote:updated") == []
