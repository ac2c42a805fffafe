"""`oxship serve --workers 2` under load: one worker SIGKILLed. The other answers every request
sent once the dead one's connections are closed, uvicorn's supervisor starts a replacement, and
every acknowledged comment is in the database.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from redis.asyncio import Redis

from bench.soak import workers_of
from tests.faults.conftest import ServerMaker, asyncpg_dsn
from tests.faults.load import Load, create_project, missing_comments, read_paths, register, summary
from tests.faults.services import FAULT_MARKS, migrate, oxship_env
from tests.kit.conftest import RedisServer

pytestmark = FAULT_MARKS

REPLACE_LIMIT = 60.0  # seconds: uvicorn notices a dead worker within its 30 s health-check timeout


async def _workers_become(
    supervisor: int, condition: str, check: Callable[[set[int]], bool]
) -> set[int]:
    """Poll the supervisor's workers until `check(pids)` holds; the pids then."""
    deadline = time.monotonic() + REPLACE_LIMIT
    while time.monotonic() < deadline:
        pids = set(workers_of(supervisor))
        if check(pids):
            print(f"workers {condition} after {REPLACE_LIMIT - deadline + time.monotonic():.1f} s")
            return pids
        await asyncio.sleep(0.2)
    raise AssertionError(f"workers never became {condition}: {workers_of(supervisor)}")


async def _both_started(redis_url: str) -> None:
    """Wait until both workers ran their startup: each subscribes to two channels (cache bumps,
    realtime control) before it serves."""
    client = Redis.from_url(redis_url)
    try:
        deadline = time.monotonic() + REPLACE_LIMIT
        while time.monotonic() < deadline:
            clients = await client.client_list()
            if sum(1 for c in clients if int(c.get("sub", 0)) > 0) >= 4:
                return
            await asyncio.sleep(0.2)
    finally:
        await client.aclose()
    raise AssertionError("the workers did not both start")


async def test_a_killed_worker_is_replaced_while_the_other_serves(
    private_redis: RedisServer,
    fresh_database: str,
    cache_prefix: str,
    oxship_servers: ServerMaker,
    http: httpx.AsyncClient,
    tmp_path: Path,
) -> None:
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    env = oxship_env(
        fresh_database, private_redis.url, cache_prefix, PROMETHEUS_MULTIPROC_DIR=str(metrics_dir)
    )
    migrate(env)
    server = oxship_servers(env, workers=2)
    await server.wait_ready(http)
    supervisor = server.process.pid
    old = await _workers_become(supervisor, "two", lambda pids: len(pids) == 2)
    await _both_started(private_redis.url)
    owner = await register(http, server.url)
    writers = [await register(http, server.url) for _ in range(2)]
    project_id = await create_project(http, server.url, owner)
    paths = read_paths(project_id, owner)

    load = Load(http, {"S": server.url}, paths, project_id, writers)
    load.start()
    try:
        await asyncio.sleep(1.5)
        victim, survivor = sorted(old)
        os.kill(victim, signal.SIGKILL)
        killed = time.monotonic()
        replaced = await _workers_become(
            supervisor,
            "replaced (a new one started)",
            lambda pids: len(pids) == 2 and victim not in pids,
        )
        await asyncio.sleep(2.0)
    finally:
        await load.stop()
    assert survivor in replaced
    # Requests the dead worker had accepted die with it (no response: never acknowledged). Every
    # request sent once the kernel had closed its connections is answered by the survivor.
    settled = load.select(started_after=killed + 0.5)
    failed = [o for o in settled if o.status not in (200, 201)]
    assert not failed, f"failed after a worker was killed: {summary(failed)}"
    assert sum(1 for o in settled if o.kind == "write") >= 5, summary(settled)
    early = [o for o in load.outcomes if o.started < killed + 0.5 and o.status not in (200, 201)]
    assert all(o.status is None for o in early), summary(early)

    assert await missing_comments(asyncpg_dsn(fresh_database), load.acked) == set()
