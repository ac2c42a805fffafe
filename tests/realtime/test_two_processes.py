"""Two `oxship serve` processes sharing PostgreSQL and Redis: a write on B reaches a socket on A."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from oxship.db import transaction
from oxship.realtime import publisher
from oxship.realtime.server import RealtimeServer
from oxship.runtime import Runtime
from tests.factories.users import DEFAULT_PASSWORD
from tests.support.databases import TEST_REDIS_URL
from tests.support.servers import free_port

pytestmark = [
    pytest.mark.committed,
    pytest.mark.skipif(
        TEST_REDIS_URL is None,
        reason="needs Redis and a database shared by two processes: "
        "CI's PostgreSQL + Redis run (OXSHIP_TEST_REDIS_URL set) executes it",
    ),
]

ROOT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT = 15.0


class Server:
    """One `python -m oxship serve` subprocess."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "oxship", "serve", "--port", str(self.port)],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    async def wait_ready(self, http: httpx.AsyncClient) -> None:
        deadline = asyncio.get_running_loop().time() + STARTUP_TIMEOUT
        while asyncio.get_running_loop().time() < deadline:
            if self.process.poll() is not None:
                break
            with contextlib.suppress(httpx.HTTPError):
                if (await http.get(f"{self.url}/health")).status_code == 200:
                    return
            await asyncio.sleep(0.1)
        raise AssertionError(f"server on {self.port} did not start:\n{self.log.read_text()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


@pytest.fixture
def servers(database_url: str, runtime: Runtime, tmp_path: Path) -> Iterator[tuple[Server, Server]]:
    """Processes A and B on the run's database, the test's Redis and the runtime's key prefix.

    Depending on `runtime` makes the test's tables emptied (committed) and its Redis keys deleted.
    """
    assert TEST_REDIS_URL is not None
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": TEST_REDIS_URL,
        "CACHE_PREFIX": runtime.settings.cache_prefix,
        "RATE_LIMIT_ENABLED": "false",
        "PASSWORD_HASH_TIME_COST": "1",
        "PASSWORD_HASH_MEMORY_KIB": "1024",
        "LOG_LEVEL": "WARNING",
        "JOBS_IN_WEB": "false",
    }
    started: list[Server] = []
    try:
        started.append(Server(env, tmp_path / "a.log"))
        started.append(Server(env, tmp_path / "b.log"))
        yield started[0], started[1]
    finally:
        for server in started:
            server.stop()


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10) as client:
        yield client


async def _register(http: httpx.AsyncClient, base: str) -> dict[str, Any]:
    name = f"u{uuid.uuid4().hex[:10]}"
    response = await http.post(
        f"{base}/api/auth/register",
        json={"email": f"{name}@example.com", "username": name, "password": DEFAULT_PASSWORD},
    )
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


def _bearer(account: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {account['tokens']['access']}"}


async def test_a_vote_through_b_reaches_a_subscriber_on_a(
    servers: tuple[Server, Server], http: httpx.AsyncClient, listeners: Any
) -> None:
    a, b = servers
    await asyncio.gather(a.wait_ready(http), b.wait_ready(http))
    owner = await _register(http, b.url)
    voter = await _register(http, b.url)
    created = await http.post(
        f"{b.url}/api/projects",
        headers=_bearer(owner),
        json={
            "title": "Two process project",
            "description": "A project description comfortably longer than fifty characters here.",
        },
    )
    assert created.status_code == 201, created.text
    pid = created.json()["data"]["id"]

    on_a = await listeners(a.url, voter["tokens"]["access"])  # B's token is valid on A
    assert (await on_a.client.call("subscribe", {"project_id": pid}))["ok"] is True

    voted = await http.post(
        f"{b.url}/api/votes", headers=_bearer(voter), json={"project_id": pid, "vote_type": "up"}
    )
    assert voted.status_code == 200, voted.text

    (event,) = await on_a.wait_for("vote:updated", timeout=5)
    assert event["project_id"] == pid
    assert (event["upvotes"], event["downvotes"], event["vote_count"]) == (1, 0, 1)


async def test_disconnect_user_from_another_process_closes_the_socket_on_a(
    servers: tuple[Server, Server], http: httpx.AsyncClient, listeners: Any, runtime: Runtime
) -> None:
    a, b = servers
    await asyncio.gather(a.wait_ready(http), b.wait_ready(http))
    banned = await _register(http, b.url)
    other = await _register(http, b.url)
    banned_socket = await listeners(a.url, banned["tokens"]["access"])
    other_socket = await listeners(a.url, other["tokens"]["access"])

    # The test process is a third server: its own RealtimeServer as the runtime's sink, sharing
    # Redis and the key prefix, so the disconnect travels publisher → outbox → Redis control → A.
    third = RealtimeServer(runtime.settings, authenticate=_nobody)
    runtime.publisher.sinks.append(third.deliver)
    await third.start(runtime.redis)
    try:
        async with transaction(runtime) as session:
            publisher.disconnect_user(session, banned["user"]["id"])
        await banned_socket.wait_disconnected(timeout=5)
        await asyncio.sleep(0.2)
        assert other_socket.client.connected
    finally:
        runtime.publisher.sinks.remove(third.deliver)
        await third.close()


async def _nobody(token: str) -> uuid.UUID | None:
    return None
