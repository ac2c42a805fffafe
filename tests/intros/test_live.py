"""Introduction events reach the one user concerned through a live server."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.factories.projects import ProjectFactory
from tests.factories.users import UserFactory
from tests.intros.conftest import Investors, send_request

pytestmark = pytest.mark.committed


async def test_intro_events_are_never_broadcast(
    live_url: str,
    listeners: Any,
    users: UserFactory,
    projects: ProjectFactory,
    investors: Investors,
) -> None:
    builder = await users.actor()
    project_id = await projects.project_id(builder.user)
    investor = await investors.actor()
    bystander = await users.actor()
    builder_socket = await listeners(live_url, builder.access)
    investor_socket = await listeners(live_url, investor.access)
    bystander_socket = await listeners(live_url, bystander.access)
    anonymous = await listeners(live_url)

    request = (await send_request(investor.client, project_id)).json()["data"]
    (received,) = await builder_socket.wait_for("intro:received")
    assert received["id"] == request["id"]
    accepted = await builder.client.post(f"/api/intro-requests/{request['id']}/accept")
    assert accepted.status_code == 200
    (event,) = await investor_socket.wait_for("intro:accepted")
    assert event["conversation_id"] == accepted.json()["data"]["conversation_id"]
    await investor_socket.wait_for("message:received")

    await asyncio.sleep(0.2)
    for socket in (bystander_socket, anonymous):
        assert not [name for name, _ in socket.events if name.startswith(("intro:", "message:"))]
    assert builder_socket.named("intro:accepted") == []
    assert investor_socket.named("intro:received") == []
