"""Fixtures of the fault tests: private Redis and PostgreSQL, a fresh database, oxship processes."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url

from tests.faults.services import OxshipServer, PostgresCluster
from tests.kit.conftest import RedisServer
from tests.support.databases import create_empty_database, drop_test_database

ServerMaker = Callable[..., OxshipServer]


@pytest.fixture
async def private_redis(tmp_path: Path) -> AsyncIterator[RedisServer]:
    """A redis-server of this test only (`--save "" --appendonly no`), killed at the end."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is not on PATH")
    server = RedisServer(binary, tmp_path)
    try:
        await server.start()
        yield server
    finally:
        server.kill()


@pytest.fixture
def private_postgres() -> Iterator[PostgresCluster]:
    """A started PostgreSQL cluster of this test only, removed at the end."""
    cluster = PostgresCluster()
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        cluster.remove()


@pytest.fixture
def fresh_database(tmp_path: Path) -> Iterator[str]:
    """An empty database on the run's PostgreSQL (dropped at the end): its SQLAlchemy URL."""
    url = create_empty_database(tmp_path, "faults")
    try:
        yield url
    finally:
        drop_test_database(url)


def asyncpg_dsn(url: str) -> str:
    """The plain `postgresql://` DSN of a SQLAlchemy URL."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture
def cache_prefix() -> str:
    """A Redis key prefix of this test's deployment."""
    return f"oxfault:{uuid.uuid4().hex[:10]}"


@pytest.fixture
def oxship_servers(tmp_path: Path) -> Iterator[ServerMaker]:
    """`oxship_servers(env, workers=1)` → a started `oxship serve`; all stopped at the end."""
    started: list[OxshipServer] = []

    def make(env: dict[str, str], *, workers: int = 1) -> OxshipServer:
        server = OxshipServer(env, tmp_path / f"oxship-{len(started)}.log", workers=workers)
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop()


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    """One HTTP client for the test's own requests and its load."""
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=32)
    async with httpx.AsyncClient(timeout=10, limits=limits) as client:
        yield client
