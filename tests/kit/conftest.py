"""Fixtures of the kit tests: standalone caches, extra runtimes and apps, a private redis-server."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import subprocess
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from oxship.app import create_app
from oxship.kit.cache import ResponseCache
from oxship.kit.envelope import ErrorOut
from oxship.runtime import Runtime, create_redis
from tests.conftest import make_settings
from tests.kit.helpers import unique_prefix
from tests.support.databases import TEST_REDIS_URL
from tests.support.schema_check import check_response
from tests.support.servers import free_port

CacheMaker = Callable[..., Awaitable[ResponseCache]]


@pytest.fixture
async def make_cache() -> AsyncIterator[CacheMaker]:
    """Build started ResponseCaches (on the test Redis when configured); closed and cleaned after."""
    made: list[ResponseCache] = []

    async def make(
        *, redis_url: str | None = TEST_REDIS_URL, prefix: str | None = None, **kwargs: Any
    ) -> ResponseCache:
        redis = create_redis(redis_url) if redis_url else None
        cache = ResponseCache(redis=redis, prefix=prefix or unique_prefix(), **kwargs)
        made.append(cache)
        await cache.start()
        return cache

    yield make
    for cache in made:
        await cache.close()
    for cache in made:
        if cache.redis is not None:
            with contextlib.suppress(Exception):  # a stopped Redis has nothing to clean
                keys = [k async for k in cache.redis.scan_iter(match=f"{cache.prefix}:*")]
                if keys:
                    await cache.redis.delete(*keys)
            await cache.redis.aclose()


@pytest.fixture
async def cache(make_cache: CacheMaker) -> ResponseCache:
    """A started cache: local tier + the test Redis when configured, local tier only otherwise."""
    return await make_cache()


RuntimeMaker = Callable[..., Awaitable[Runtime]]


@pytest.fixture
async def make_runtime(
    database_url: str, engine: Any, sessionmaker: async_sessionmaker[AsyncSession]
) -> AsyncIterator[RuntimeMaker]:
    """More started runtimes (other "processes") on the test database; `**overrides` are settings."""
    made: list[Runtime] = []

    async def make(**overrides: Any) -> Runtime:
        rt = Runtime.build(
            make_settings(database_url, **overrides), engine=engine, sessionmaker=sessionmaker
        )
        made.append(rt)
        await rt.start()
        return rt

    yield make
    for rt in made:
        if rt.redis is not None:
            with contextlib.suppress(Exception):  # an unreachable Redis has nothing to clean
                prefix = rt.settings.cache_prefix
                keys = [k async for k in rt.redis.scan_iter(match=f"{prefix}:*")]
                if keys:
                    await rt.redis.delete(*keys)
        await rt.close()


AppClientMaker = Callable[..., httpx.AsyncClient]


@pytest.fixture
async def app_client() -> AsyncIterator[AppClientMaker]:
    """Clients over any app (or runtime); schema-checked like `client`, but a 503 is allowed."""
    clients: list[httpx.AsyncClient] = []

    def make(target: FastAPI | Runtime, headers: dict[str, str] | None = None) -> httpx.AsyncClient:
        app = target if isinstance(target, FastAPI) else create_app(runtime=target)

        async def check(response: httpx.Response) -> None:
            await response.aread()
            if response.status_code == 503:
                ErrorOut.model_validate(response.json())
            else:
                check_response(app, response)

        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, client=("203.0.113.9", 50000)),
            base_url="http://testserver",
            headers=headers or {},
            event_hooks={"response": [check]},
        )
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()


class RedisServer:
    """A private redis-server subprocess that a test may kill and restart on the same port."""

    def __init__(self, binary: str, workdir: Path) -> None:
        self.binary = binary
        self.workdir = workdir
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    async def start(self) -> None:
        """Start (or restart) the server and wait until it answers PING."""
        assert self.process is None, "already running"
        self.process = subprocess.Popen(  # noqa: ASYNC220
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 5.0
        while not await self._answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.kill()
                raise RuntimeError(f"redis-server did not start on port {self.port}")
            await asyncio.sleep(0.01)

    async def _answers(self) -> bool:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        except OSError:
            return False
        try:
            writer.write(b"PING\r\n")
            await writer.drain()
            return (await reader.readline()).startswith(b"+PONG")
        except OSError:
            return False
        finally:
            writer.close()

    def kill(self) -> None:
        """SIGKILL the server (an outage, not a shutdown) and reap it."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=5)
            self.process = None


@pytest.fixture
async def redis_server(tmp_path: Path) -> AsyncIterator[RedisServer]:
    """A started private redis-server (`--save "" --appendonly no`), killed at the end."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is not on PATH")
    server = RedisServer(binary, tmp_path)
    try:
        await server.start()
        yield server
    finally:
        server.kill()
