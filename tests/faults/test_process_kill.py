"""One of two `oxship serve` processes (same PostgreSQL and Redis) SIGKILLed under load.

The survivor answers every request sent to it, before and after the crash, and every comment
acknowledged by either process is in the database and in the thread the survivor serves.
"""

from __future__ import annotations

import asyncio
import time

import httpx

from tests.faults.conftest import ServerMaker, asyncpg_dsn
from tests.faults.load import Load, create_project, missing_comments, read_paths, register, summary
from tests.faults.services import FAULT_MARKS, migrate, oxship_env
from tests.kit.conftest import RedisServer

pytestmark = FAULT_MARKS

BEFORE = 2.0  # seconds of load on both processes before the kill
AFTER = 3.0  # seconds of load after it


async def test_killing_one_process_loses_nothing_acknowledged(
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
    owner = await register(http, b.url)
    writers = [await register(http, b.url) for _ in range(2)]
    project_id = await create_project(http, b.url, owner)

    load = Load(http, {"A": a.url, "B": b.url}, read_paths(project_id, owner), project_id, writers)
    load.start()
    try:
        await asyncio.sleep(BEFORE)
        a.kill()
        killed = time.monotonic()
        await asyncio.sleep(AFTER)
    finally:
        await load.stop()

    on_b = load.select(server="B")
    failed_on_b = [o for o in on_b if o.status not in (200, 201)]
    assert not failed_on_b, f"the survivor failed requests: {summary(failed_on_b)}"
    after_on_b = load.select(server="B", started_after=killed)
    assert sum(1 for o in after_on_b if o.kind == "write") >= 5, summary(after_on_b)
    assert sum(1 for o in after_on_b if o.kind == "read") >= 10, summary(after_on_b)

    acked_by_a = {i for i, server in load.acked.items() if server == "A"}
    assert acked_by_a, f"A acknowledged nothing before it was killed: {summary(load.outcomes)}"
    after_on_a = load.select(server="A", started_after=killed + 0.1)
    assert after_on_a, "no request was sent to the dead process"
    assert all(o.status is None for o in after_on_a), summary(after_on_a)

    assert await missing_comments(asyncpg_dsn(fresh_database), load.acked) == set()
    thread = await http.get(f"{b.url}/api/projects/{project_id}/comments")
    assert thread.status_code == 200
    served = {c["id"] for c in thread.json()["data"]}
    assert set(load.acked) <= served, "the survivor serves a thread missing acknowledged comments"
