"""The test kit (ARCHITECTURE §6): one database per run, a rollback per test, clients and factories.

With nothing set, tests run on SQLite and the in-process cache. With OXSHIP_TEST_DATABASE_URL and
OXSHIP_TEST_REDIS_URL they run on PostgreSQL and Redis, and fail (never skip) if those are down.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from oxship.app import create_app
from oxship.config import Settings
from oxship.db import create_engine
from oxship.kit.outbox import drain_background
from oxship.models import Base
from oxship.runtime import Runtime
from tests.factories.projects import ProjectFactory
from tests.factories.users import DEFAULT_PASSWORD, UserFactory
from tests.support.databases import (
    TEST_REDIS_URL,
    create_test_database,
    drop_test_database,
)
from tests.support.queries import QueryLog, assert_query_count
from tests.support.schema_check import check_response

FAST_HASH = {"password_hash_time_cost": 1, "password_hash_memory_kib": 1024}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "committed: run with real commits (no rollback); tables are emptied after"
    )


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database for this run (or xdist worker), dropped at the end."""
    url = create_test_database(Path(tmp_path_factory.mktemp("db")))
    yield url
    drop_test_database(url)


@pytest.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """The run's engine."""
    engine = create_engine(Settings(**FAST_HASH), url=database_url)
    yield engine
    await engine.dispose()


@pytest.fixture(scope="session")
def password_hash() -> str:
    """An argon2id hash of DEFAULT_PASSWORD with the test cost parameters."""
    return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(DEFAULT_PASSWORD)


def make_settings(database_url: str, **overrides: Any) -> Settings:
    """Test settings: fast hashing, a unique cache prefix, Redis when configured."""
    values: dict[str, Any] = {
        "database_url": database_url,
        "redis_url": TEST_REDIS_URL,
        "cache_prefix": f"oxtest:{uuid.uuid4().hex[:12]}",
        "rate_limit_register_ip": "1000/minute",
        "rate_limit_password_ip": "1000/minute",
        # Write and anonymous-read limits are off unless a test turns them on (tests/ratelimits).
        "rate_limit_votes": "",
        "rate_limit_comments": "",
        "rate_limit_posts": "",
        "rate_limit_messages": "",
        "rate_limit_follows": "",
        "rate_limit_reads_ip": "",
        "jobs_in_web": False,
        # GitHub linking is configured, against a closed local port: no test ever reaches github.com
        # (tests/github serves its own OAuth provider and points these at it).
        "github_client_id": "oxship-test-client",
        "github_client_secret": "oxship-test-secret",
        "github_authorize_url": "http://127.0.0.1:9/login/oauth/authorize",
        "github_token_url": "http://127.0.0.1:9/login/oauth/access_token",
        "github_api_url": "http://127.0.0.1:9",
        # Lists reflect every vote at once in tests; tests/votes/test_list_bumps.py sets a window.
        "cache_list_bump_window": 0.0,
        **FAST_HASH,
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    """Override in a test module (or parametrize) to change the app's settings."""
    return {}


@pytest.fixture
def settings(database_url: str, settings_overrides: dict[str, Any]) -> Settings:
    """The settings of this test's app."""
    return make_settings(database_url, **settings_overrides)


@pytest.fixture
async def sessionmaker(
    request: pytest.FixtureRequest, engine: AsyncEngine
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions inside one transaction rolled back after the test (or real ones if `committed`)."""
    if request.node.get_closest_marker("committed"):
        yield async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
        await _empty_tables(engine)
        return
    async with engine.connect() as conn:
        outer = await conn.begin()
        yield async_sessionmaker(
            bind=conn,
            expire_on_commit=False,
            autoflush=False,
            join_transaction_mode="create_savepoint",
        )
        await drain_background()
        await outer.rollback()


async def _empty_tables(engine: AsyncEngine) -> None:
    await drain_background()
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    async with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            await conn.execute(text(f"TRUNCATE {', '.join(tables)} CASCADE"))
        else:
            for table in tables:
                await conn.execute(text(f"DELETE FROM {table}"))


@pytest.fixture
async def runtime(
    request: pytest.FixtureRequest,
    settings: Settings,
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> AsyncIterator[Runtime]:
    """A started runtime on the test database (shared engine, test sessions)."""
    if request.node.get_closest_marker("committed"):
        rt = Runtime.build(settings, engine=engine)
    else:
        rt = Runtime.build(settings, engine=engine, sessionmaker=sessionmaker)
    await rt.start()
    yield rt
    if rt.redis is not None:  # leave nothing of this test in the shared Redis
        keys = [key async for key in rt.redis.scan_iter(match=f"{settings.cache_prefix}:*")]
        if keys:
            await rt.redis.delete(*keys)
    await rt.close()


@pytest.fixture
def app(runtime: Runtime) -> FastAPI:
    """The application under test."""
    return create_app(runtime=runtime)


ClientMaker = Callable[[dict[str, str] | None], httpx.AsyncClient]


@pytest.fixture
async def make_client(app: FastAPI) -> AsyncIterator[ClientMaker]:
    """Build clients over ASGI; each response is checked against its documented schema."""
    clients: list[httpx.AsyncClient] = []

    async def check(response: httpx.Response) -> None:
        await response.aread()
        check_response(app, response)

    def make(headers: dict[str, str] | None = None) -> httpx.AsyncClient:
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, client=("203.0.113.7", 50000)),
            base_url="http://testserver",
            headers=headers or {},
            event_hooks={"response": [check]},
        )
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()


@pytest.fixture
def client(make_client: ClientMaker) -> httpx.AsyncClient:
    """An anonymous client."""
    return make_client(None)


@pytest.fixture
def users(runtime: Runtime, make_client: ClientMaker, password_hash: str) -> UserFactory:
    """User factory: `await users.user()`, `await users.actor()`, `await users.admin()`."""
    return UserFactory(runtime, make_client, password_hash)


@pytest.fixture
def projects(runtime: Runtime) -> ProjectFactory:
    """Project factory: `await projects.project(owner, **fields)`."""
    return ProjectFactory(runtime)


@pytest.fixture
def query_count(engine: AsyncEngine) -> Callable[[int], Any]:
    """`with query_count(n): ...` fails unless exactly n SQL statements ran."""

    def make(expected: int) -> Any:
        return assert_query_count(engine, expected)

    return make


__all__ = ["QueryLog"]
