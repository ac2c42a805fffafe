"""Control events: a user's sockets closed after commit, `leaderboard:updated` coalescing, queues."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from oxship.db import transaction
from oxship.kit.metrics import SOCKETS_DROPPED
from oxship.realtime import publisher
from oxship.realtime.server import LEADERBOARD_INTERVAL, BoundedQueue, RealtimeServer
from oxship.runtime import Runtime
from tests.conftest import make_settings
from tests.factories.projects import ProjectFactory
from tests.factories.users import UserFactory

pytestmark = pytest.mark.committed


class Boom(Exception):
    """Raised to roll a transaction back."""


async def _rolled_back(runtime: Runtime, action: Callable[[AsyncSession], None]) -> None:
    """Run `action` in a transaction that then fails (and so rolls back)."""
    async with transaction(runtime) as session:
        action(session)
        raise Boom


async def test_disconnect_user_closes_that_users_sockets_only(
    live_url: str, listeners: Any, users: UserFactory, runtime: Runtime
) -> None:
    banned = await users.actor()
    other = await users.actor()
    banned_sockets = [await listeners(live_url, banned.access) for _ in range(2)]
    other_socket = await listeners(live_url, other.access)
    anonymous = await listeners(live_url)

    async with transaction(runtime) as session:
        publisher.disconnect_user(session, banned.user.id)

    for socket in banned_sockets:
        await socket.wait_disconnected()
    await asyncio.sleep(0.2)
    assert other_socket.client.connected
    assert anonymous.client.connected


async def test_disconnect_user_in_a_rolled_back_transaction_does_nothing(
    live_url: str, listeners: Any, users: UserFactory, runtime: Runtime
) -> None:
    actor = await users.actor()
    socket = await listeners(live_url, actor.access)

    with pytest.raises(Boom):
        await _rolled_back(runtime, lambda s: publisher.disconnect_user(s, actor.user.id))

    await asyncio.sleep(0.3)
    assert socket.client.connected
    assert await socket.client.call("subscribe_feed") == {"ok": True, "room": "feed"}


async def test_leaderboard_updated_is_coalesced_to_once_per_second(
    live_url: str, listeners: Any, runtime: Runtime
) -> None:
    socket = await listeners(live_url)
    loop = asyncio.get_running_loop()
    started = loop.time()
    # Ten committed changes within ~0.5 s (what ten votes on ten projects amount to).
    for i in range(10):
        async with transaction(runtime) as session:
            publisher.leaderboard_changed(session, "projects", *(["users"] if i == 5 else []))
        await asyncio.sleep(0.04)
    assert loop.time() - started < 1.0

    # The first change goes out at once, the nine others in one event a second later.
    events = await socket.wait_for("leaderboard:updated", count=2, timeout=3)
    await asyncio.sleep(0.3)
    events = socket.named("leaderboard:updated")
    assert len(events) == 2, events
    assert events[0]["kinds"] == ["projects"]
    assert events[1]["kinds"] == ["projects", "users"]
    arrivals = [at for name, at in socket.times if name == "leaderboard:updated"]
    assert arrivals[1] - arrivals[0] >= LEADERBOARD_INTERVAL * 0.9, arrivals


async def test_a_rolled_back_leaderboard_change_emits_nothing(
    live_url: str, listeners: Any, runtime: Runtime
) -> None:
    socket = await listeners(live_url)
    with pytest.raises(Boom):
        await _rolled_back(runtime, lambda s: publisher.leaderboard_changed(s, "projects"))
    await asyncio.sleep(0.3)
    assert socket.named("leaderboard:updated") == []


def _dropped() -> float:
    return float(SOCKETS_DROPPED._value.get())


async def test_bounded_queue_drops_packets_past_the_limit_and_counts_them() -> None:
    queue = BoundedQueue(3)
    before = _dropped()
    for packet in range(5):
        await queue.put(packet)
    assert queue.qsize() == 3
    assert _dropped() - before == 2
    await queue.put(None)  # the writer's stop signal always goes in
    await queue.put(None)
    assert queue.qsize() == 5
    assert _dropped() - before == 2
    assert [queue.get_nowait() for _ in range(5)] == [0, 1, 2, None, None]


def test_every_socket_gets_a_bounded_queue_of_the_configured_limit(database_url: str) -> None:
    settings = make_settings(database_url, redis_url=None, realtime_queue_limit=17)
    server = RealtimeServer(settings, authenticate=lambda token: asyncio.sleep(0, None))
    queue = server.sio.eio.create_queue()
    assert isinstance(queue, BoundedQueue)
    assert queue.limit == 17


async def test_a_vote_announces_a_leaderboard_change(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime
) -> None:
    owner = await users.user()
    pid = (await projects.project(owner))["id"]
    voter = await users.actor()

    response = await voter.client.post("/api/votes", json={"project_id": pid, "vote_type": "up"})

    assert response.status_code == 200
    changes = [e for e in runtime.publisher.recent if e.name == "leaderboard:updated"]
    assert changes
    assert set(changes[-1].payload["kinds"]) == {"projects", "users"}
