"""A banned or deleted user's sockets are closed after the commit (API §4), others stay."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.factories.users import UserFactory

pytestmark = pytest.mark.committed


@pytest.mark.parametrize("action", ["ban", "delete"])
async def test_banning_or_deleting_closes_the_users_sockets(
    live_url: str, listeners: Any, users: UserFactory, action: str
) -> None:
    admin = await users.admin()
    target = await users.actor()
    bystander = await users.actor()
    sockets = [await listeners(live_url, target.access) for _ in range(2)]
    other = await listeners(live_url, bystander.access)

    if action == "ban":
        response = await admin.client.post(
            f"/api/admin/users/{target.user.id}/ban", json={"reason": "abuse"}
        )
    else:
        response = await admin.client.delete(f"/api/admin/users/{target.user.id}")
    assert response.status_code == 200, response.text

    for socket in sockets:
        await socket.wait_disconnected()
    await asyncio.sleep(0.2)
    assert other.client.connected


async def test_a_refused_ban_closes_nothing(
    live_url: str, listeners: Any, users: UserFactory
) -> None:
    admin = await users.admin()
    peer = await users.admin()
    socket = await listeners(live_url, peer.access)

    response = await admin.client.post(f"/api/admin/users/{peer.user.id}/ban", json={"reason": "x"})

    assert response.status_code == 403
    await asyncio.sleep(0.3)
    assert socket.client.connected
