"""PostgreSQL stopped under load (`pg_ctl stop -m immediate`, a crash) and started again.

The server is `oxship serve --workers 2` (docs/deploy.md's processes on one machine) on a private
cluster. While the database is down every request is answered within 2 s: a 503 envelope, or a 200
from the response cache for reads; nothing hangs (no request goes unanswered, before, during or
after) and nothing is a 500. Once the database is back the
processes recover by themselves, and every comment acknowledged with a 201 is in the database.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx

from tests.faults.conftest import ServerMaker
from tests.faults.load import Load, create_project, missing_comments, read_paths, register, summary
from tests.faults.services import FAULT_MARKS, PostgresCluster, migrate, oxship_env
from tests.kit.conftest import RedisServer

pytestmark = FAULT_MARKS

OUTAGE = 4.0  # seconds the database stays down under load
ANSWER_LIMIT = 2.0  # seconds: the longest a request may take while the database is down
RECOVERY_LIMIT = 10.0  # seconds after the database is back within which writes succeed again


async def test_postgres_restart_under_load(
    private_postgres: PostgresCluster,
    private_redis: RedisServer,
    cache_prefix: str,
    oxship_servers: ServerMaker,
    http: httpx.AsyncClient,
    tmp_path: Path,
) -> None:
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    env = oxship_env(
        private_postgres.url,
        private_redis.url,
        cache_prefix,
        DB_POOL_SIZE="5",
        DB_MAX_OVERFLOW="5",
        PROMETHEUS_MULTIPROC_DIR=str(metrics_dir),
    )
    migrate(env)
    server = oxship_servers(env, workers=2)
    await server.wait_ready(http)
    owner = await register(http, server.url)
    writers = [await register(http, server.url) for _ in range(3)]
    project_id = await create_project(http, server.url, owner)

    load = Load(http, {"S": server.url}, read_paths(project_id, owner), project_id, writers)
    load.readers_per_server = 3
    load.start()
    try:
        await asyncio.sleep(1.5)
        await asyncio.to_thread(private_postgres.stop, "immediate")
        down = time.monotonic()
        ready = await http.get(f"{server.url}/ready")
        assert ready.status_code == 503
        assert ready.json()["details"]["database"] == "fail"
        await asyncio.sleep(OUTAGE)
        up_started = time.monotonic()
        await asyncio.to_thread(private_postgres.start)
        up = time.monotonic()
        recovered = await _first_success_after(load, up)
        await asyncio.sleep(1.0)
    finally:
        await load.stop()

    everything = load.outcomes
    outage = [o for o in everything if down <= o.started < up_started]
    slow = [o for o in outage if o.seconds > ANSWER_LIMIT]
    assert not slow, f"answers slower than {ANSWER_LIMIT} s during the outage: {summary(slow)}"
    unexpected = [o for o in everything if o.status not in (200, 201, 503)]
    assert not unexpected, f"neither 2xx nor 503: {summary(unexpected)}"
    unavailable = [o for o in everything if o.status == 503]
    assert all(o.error == "unavailable" for o in unavailable), summary(unavailable)

    outage_writes = [o for o in outage if o.kind == "write"]
    assert len(outage_writes) >= 10, summary(outage)
    assert all(o.status == 503 for o in outage_writes), summary(outage_writes)

    assert recovered - up < RECOVERY_LIMIT
    after = load.select(started_after=recovered + 0.5)
    assert after, "no request after the recovery"
    assert all(o.status in (200, 201) for o in after), summary(after)
    assert sum(1 for o in after if o.kind == "write") >= 3

    assert len(load.acked) == sum(1 for o in load.select(kind="write") if o.status == 201)
    assert await missing_comments(private_postgres.dsn, load.acked) == set()
    print(f"writes acknowledged {len(load.acked)}, recovered {recovered - up:.2f} s after start")


async def _first_success_after(load: Load, since: float) -> float:
    """When the first write started after `since` succeeded (waits up to RECOVERY_LIMIT)."""
    deadline = since + RECOVERY_LIMIT
    while time.monotonic() < deadline:
        done = [o for o in load.select(kind="write", started_after=since) if o.status == 201]
        if done:
            return min(o.ended for o in done)
        await asyncio.sleep(0.05)
    raise AssertionError(f"no write succeeded within {RECOVERY_LIMIT} s of the database restart")
