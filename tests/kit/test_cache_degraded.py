"""An unreachable Redis is a cache miss, never an error: reads come from the database.

These need no Redis at all (the URL points at a closed port), so they run on every backend.
"""

from __future__ import annotations

import time

import httpx

from oxship.runtime import Runtime
from tests.factories.users import UserFactory
from tests.kit.conftest import AppClientMaker, CacheMaker, RuntimeMaker
from tests.kit.helpers import Source, cache_errors, closed_redis_url, unique_ns


async def test_get_or_load_serves_the_loader_when_redis_is_unreachable(
    make_cache: CacheMaker,
) -> None:
    errors = cache_errors()
    cache = await make_cache(redis_url=closed_redis_url())
    ns, source = unique_ns(), Source(b"from the database")
    started = time.perf_counter()
    for _ in range(3):
        assert await cache.get_or_load([ns], "/x?", 60, source.load) == b"from the database"
    assert time.perf_counter() - started < 0.5, "an unreachable Redis must not slow reads"
    assert cache_errors() > errors
    assert await cache.ping() is False


async def test_a_write_is_read_back_while_redis_is_unreachable(make_cache: CacheMaker) -> None:
    cache = await make_cache(redis_url=closed_redis_url())
    ns, source = unique_ns(), Source(b"old")
    assert await cache.get_or_load([ns], "/x?", 60, source.load) == b"old"
    source.value = b"new"
    await cache.bump([ns])  # no exception
    assert await cache.get_or_load([ns], "/x?", 60, source.load) == b"new"


async def _degraded(make_runtime: RuntimeMaker) -> Runtime:
    return await make_runtime(redis_url=closed_redis_url())


async def test_profiles_are_served_from_the_database_when_redis_is_unreachable(
    make_runtime: RuntimeMaker,
    app_client: AppClientMaker,
    users: UserFactory,
    password_hash: str,
) -> None:
    runtime = await _degraded(make_runtime)
    anonymous = app_client(runtime)
    owner = await UserFactory(runtime, lambda h: app_client(runtime, h), password_hash).actor()
    username = owner.user.username

    for _ in range(2):
        response = await anonymous.get(f"/api/users/{username}")
        assert response.status_code == 200
        assert response.json()["data"]["username"] == username
        assert response.headers["etag"]

    put = await owner.client.put("/api/users/profile", json={"display_name": "Still Works"})
    assert put.status_code == 200
    response = await anonymous.get(f"/api/users/{username}")
    assert response.status_code == 200
    assert response.json()["data"]["display_name"] == "Still Works"
    etag = response.headers["etag"]
    assert (
        await anonymous.get(f"/api/users/{username}", headers={"If-None-Match": etag})
    ).status_code == 304


async def test_ready_names_the_cache_when_redis_is_unreachable(
    make_runtime: RuntimeMaker, app_client: AppClientMaker
) -> None:
    client: httpx.AsyncClient = app_client(await _degraded(make_runtime))
    response = await client.get("/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["error"] == "unavailable"
    assert "cache" in body["message"]
    assert "database" not in body["message"]
    assert body["details"] == {"database": "ok", "cache": "fail"}
    assert (await client.get("/health")).status_code == 200
