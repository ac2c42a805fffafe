"""Redis killed under load behind two `oxship serve` processes (A and B), then started again.

While it is down reads are served from PostgreSQL (no 5xx) and writes succeed; once it is back,
without restarting anything, the shared cache tier serves hits again, a write through A reaches a
Socket.IO client on B, and a change made through A during the outage is what B serves.
"""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from bench.report import cache_counts
from tests.faults.conftest import ServerMaker, asyncpg_dsn
from tests.faults.load import (
    Account,
    Load,
    create_project,
    missing_comments,
    read_paths,
    register,
    summary,
)
from tests.faults.services import FAULT_MARKS, migrate, oxship_env
from tests.kit.conftest import RedisServer
from tests.realtime.conftest import Listener

pytestmark = FAULT_MARKS

OUTAGE = 4.0  # seconds Redis stays down under load
RESUME_LIMIT = 20.0  # seconds after Redis returns within which caching and events must resume


async def _redis_hits(http: httpx.AsyncClient, base: str) -> float:
    """`oxship_cache_requests_total{result="hit_redis"}` of one process, all namespaces."""
    response = await http.get(f"{base}/metrics")
    assert response.status_code == 200
    return cache_counts(response.text).get("hit_redis", 0.0)


async def test_redis_outage_under_load(
    private_redis: RedisServer,
    fresh_database: str,
    cache_prefix: str,
    oxship_servers: ServerMaker,
    http: httpx.AsyncClient,
) -> None:
    env = oxship_env(fresh_database, private_redis.url, cache_prefix)
    migrate(env)
    a, b = oxship_servers(env), oxship_servers(env)
    await asyncio.gather(a.wait_ready(http), b.wait_ready(http))
    owner = await register(http, a.url)
    writers = [await register(http, a.url) for _ in range(2)]
    project_id = await create_project(http, a.url, owner)
    listener = Listener()
    await listener.connect(b.url, owner.token)
    assert (await listener.client.call("subscribe", {"project_id": project_id}))["ok"] is True

    load = Load(http, {"A": a.url, "B": b.url}, read_paths(project_id, owner), project_id, writers)
    load.start()
    try:
        await asyncio.sleep(1.5)
        await _event_from_a(listener)  # before the outage, A's writes reach B's socket

        private_redis.kill()
        down = time.monotonic()
        await asyncio.sleep(0.5)  # B's subscriber has seen the connection drop
        hits_during = await _redis_hits(http, b.url)
        ready = await http.get(f"{b.url}/ready")
        assert ready.status_code == 503
        assert ready.json()["details"] == {"database": "ok", "cache": "fail"}

        changed = await http.patch(
            f"{a.url}/api/projects/{project_id}",
            headers=owner.headers,
            json={"title": "Renamed while Redis was down"},
        )
        assert changed.status_code == 200, changed.text
        during = await http.get(f"{b.url}/api/projects/{project_id}")
        assert during.json()["data"]["title"] == "Renamed while Redis was down"
        await asyncio.sleep(max(0.0, down + OUTAGE - time.monotonic()))
        assert await _redis_hits(http, b.url) == hits_during, "a Redis hit while it was down"

        await private_redis.start()  # same port, empty
        up = time.monotonic()
        events_after = await _events_resume(http, a.url, owner, project_id, listener)
        cache_after = await _cache_resumes(http, a.url, b.url)
        fresh = await http.get(f"{b.url}/api/projects/{project_id}")
        assert fresh.json()["data"]["title"] == "Renamed while Redis was down"
        feed = await http.get(f"{b.url}/api/projects", params={"sort": "newest"})
        titles = {p["id"]: p["title"] for p in feed.json()["data"]}
        assert titles[project_id] == "Renamed while Redis was down"
        assert (await http.get(f"{b.url}/ready")).status_code == 200
        await asyncio.sleep(1.0)
    finally:
        await load.stop()
        await listener.client.disconnect()

    reads = load.select(kind="read")
    bad_reads = [o for o in reads if o.status != 200]
    assert not bad_reads, f"reads not answered 200: {summary(bad_reads)}"
    writes = load.select(kind="write")
    bad_writes = [o for o in writes if o.status != 201]
    assert not bad_writes, f"writes not answered 201: {summary(bad_writes)}"
    in_outage = load.select(started_after=down + 0.1, ended_before=up)
    assert {o.server for o in in_outage if o.kind == "write"} == {"A", "B"}
    assert {o.server for o in in_outage if o.kind == "read"} == {"A", "B"}
    assert len(load.acked) == len(writes)
    assert await missing_comments(asyncpg_dsn(fresh_database), load.acked) == set()
    print(
        f"after Redis returned: events in {events_after:.2f} s, Redis hits in {cache_after:.2f} s"
    )


async def _event_from_a(listener: Listener, timeout: float = 5.0) -> None:
    """Wait until B's socket received a `comment:added` of a comment written through A."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(e["data"]["content"].endswith("via A") for e in listener.named("comment:added")):
            return
        await asyncio.sleep(0.05)
    pytest.fail(f"no event from A reached B: {listener.named('comment:added')[:3]}")


async def _events_resume(
    http: httpx.AsyncClient, base: str, author: Account, project_id: str, listener: Listener
) -> float:
    """Seconds until a comment written through `base` reaches `listener` (on the other process).

    Events emitted while a process's Socket.IO manager is still reconnecting to Redis are lost
    (they are notifications, not state), so this writes again until one arrives.
    """
    started = time.monotonic()
    while time.monotonic() - started < RESUME_LIMIT:
        response = await http.post(
            f"{base}/api/comments",
            headers=author.headers,
            json={"project_id": project_id, "content": "after the outage"},
        )
        assert response.status_code == 201, response.text
        comment_id = response.json()["data"]["id"]
        deadline = time.monotonic() + 1.0
        while time.monotonic() < deadline:
            if any(e["data"]["id"] == comment_id for e in listener.named("comment:added")):
                return time.monotonic() - started
            await asyncio.sleep(0.02)
    pytest.fail(f"no event crossed from A to B within {RESUME_LIMIT} s of Redis returning")


async def _cache_resumes(http: httpx.AsyncClient, a: str, b: str) -> float:
    """Seconds until a page A put in Redis is a Redis hit on B.

    Each attempt reads a page no process has cached yet: a page B loaded itself while it was still
    backing off from Redis stays in its local tier, and B would never look it up in Redis again.
    """
    started = time.monotonic()
    while time.monotonic() - started < RESUME_LIMIT:
        bystander = await register(http, a)
        path = f"/api/users/{bystander.username}"
        assert (await http.get(f"{a}{path}")).status_code == 200
        before = await _redis_hits(http, b)
        assert (await http.get(f"{b}{path}")).status_code == 200
        if await _redis_hits(http, b) > before:
            return time.monotonic() - started
        await asyncio.sleep(0.2)
    pytest.fail(f"B served no Redis hit within {RESUME_LIMIT} s of Redis returning")
