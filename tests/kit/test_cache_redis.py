"""The cache across processes on a real Redis: bump broadcast, the shared tier, and a real outage.

Two ResponseCache instances (or two apps) sharing Redis and a prefix stand for two processes.
"""

from __future__ import annotations

import asyncio
import time

import pytest

from oxship.kit.cache import ResponseCache
from oxship.runtime import Runtime
from tests.factories.users import UserFactory
from tests.kit.conftest import AppClientMaker, CacheMaker, RedisServer, RuntimeMaker
from tests.kit.helpers import Source, cache_count, unique_ns, unique_prefix, wait_until
from tests.support.databases import TEST_REDIS_URL

pytestmark = pytest.mark.skipif(
    TEST_REDIS_URL is None,
    reason="needs Redis: set OXSHIP_TEST_REDIS_URL (CI's PostgreSQL+Redis run sets it)",
)

PROPAGATION_LIMIT = 0.1  # seconds: a bump must reach every other process within this


async def _pair(make_cache: CacheMaker, redis_url: str | None = None) -> list[ResponseCache]:
    prefix = unique_prefix()
    url = redis_url or TEST_REDIS_URL
    return [await make_cache(redis_url=url, prefix=prefix) for _ in range(2)]


async def _time_until_fresh(
    cache: ResponseCache, ns: str, source: Source, fresh: bytes, *, limit: float = 2.0
) -> float:
    """Read from `cache` every millisecond until it serves `fresh`; return the seconds it took."""
    started = time.perf_counter()
    while await cache.get_or_load([ns], "/x?", 600, source.load) != fresh:
        if time.perf_counter() - started > limit:
            raise AssertionError(f"still stale after {limit}s")
        await asyncio.sleep(0.001)
    return time.perf_counter() - started


async def test_a_bump_stops_another_process_serving_stale_within_100ms(
    make_cache: CacheMaker,
) -> None:
    writer, reader = await _pair(make_cache)
    ns = unique_ns()
    source = Source()
    delays = []
    for round_ in range(5):
        old, new = f"v{round_}".encode(), f"v{round_ + 1}".encode()
        source.value = old
        assert await reader.get_or_load([ns], "/x?", 600, source.load) == old
        source.value = new
        calls = source.calls
        assert await reader.get_or_load([ns], "/x?", 600, source.load) == old, "cached locally"
        assert source.calls == calls

        await writer.bump([ns])
        delays.append(await _time_until_fresh(reader, ns, source, new))
    assert max(delays) < PROPAGATION_LIMIT, delays


async def test_an_entry_stored_by_one_process_is_a_redis_hit_for_another(
    make_cache: CacheMaker,
) -> None:
    first, second = await _pair(make_cache)
    ns, source = unique_ns(), Source(b"shared")
    assert await first.get_or_load([ns], "/x?", 600, source.load) == b"shared"
    assert cache_count(ns, "miss") == 1

    assert await second.get_or_load([ns], "/x?", 600, source.load) == b"shared"
    assert source.calls == 1
    assert cache_count(ns, "hit_redis") == 1
    assert await second.get_or_load([ns], "/x?", 600, source.load) == b"shared"
    assert cache_count(ns, "hit_redis") == 1, "the second read is served by the local tier"
    assert cache_count(ns, "hit_local") == 1


async def test_redis_entries_expire_by_ttl_and_versions_live_in_redis(cache: ResponseCache) -> None:
    assert cache.redis is not None
    ns, source = unique_ns(), Source(b"x")
    await cache.get_or_load([ns], "/x?", 120, source.load)
    key = cache.key_for([ns], await cache.versions([ns]), "/x?")
    assert await cache.redis.get(key) == b"x"
    assert 0 < await cache.redis.ttl(key) <= 120
    assert await cache.redis.exists(f"{key}:lock") == 0, "the fill lock is released"
    await cache.bump([ns])
    assert await cache.redis.get(f"{cache.prefix}:ver:{ns}") == b"1"


async def test_a_cold_key_is_computed_by_one_process_while_another_waits(
    make_cache: CacheMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = await _pair(make_cache)
    assert second.redis is not None
    ns, source = unique_ns(), Source(b"computed by first")
    source.gate = asyncio.Event()
    loading = asyncio.create_task(first.get_or_load([ns], "/x?", 600, source.load))
    await wait_until(lambda: source.calls == 1, what="the first process to start loading")

    lock_attempts: list[object] = []
    real_set = second.redis.set

    async def recording_set(name: str, *args: object, **kwargs: object) -> object:
        result = await real_set(name, *args, **kwargs)  # type: ignore[arg-type]
        if str(name).endswith(":lock"):
            lock_attempts.append(result)
        return result

    monkeypatch.setattr(second.redis, "set", recording_set)
    other = Source(b"computed by second")
    waiting = asyncio.create_task(second.get_or_load([ns], "/x?", 600, other.load))
    await wait_until(lambda: bool(lock_attempts), what="the second process to try the lock")
    assert lock_attempts == [None], "the lock is held by the first process"
    source.gate.set()

    assert await loading == b"computed by first"
    assert await waiting == b"computed by first"
    assert other.calls == 0


async def test_a_bump_in_one_app_reaches_another_app_over_http(
    users: UserFactory,
    runtime: Runtime,
    make_runtime: RuntimeMaker,
    app_client: AppClientMaker,
) -> None:
    owner = await users.actor()
    username = owner.user.username
    other = await make_runtime(cache_prefix=runtime.settings.cache_prefix)
    reader = app_client(other)

    first = await reader.get(f"/api/users/{username}")
    assert first.status_code == 200
    etag = first.headers["etag"]
    assert (await reader.get(f"/api/users/{username}")).headers["etag"] == etag

    put = await owner.client.put("/api/users/profile", json={"display_name": "Seen Everywhere"})
    assert put.status_code == 200
    started = time.perf_counter()
    while True:
        response = await reader.get(f"/api/users/{username}")
        assert response.status_code == 200
        if response.json()["data"]["display_name"] == "Seen Everywhere":
            break
        assert time.perf_counter() - started < 2.0, "the other app still serves the old profile"
        await asyncio.sleep(0.001)
    elapsed = time.perf_counter() - started
    assert elapsed < PROPAGATION_LIMIT, elapsed
    assert response.headers["etag"] != etag


# ---- a real outage ----------------------------------------------------------------------------


async def _stop_and_bump(
    server: RedisServer, writer: ResponseCache, reader: ResponseCache, ns: str, source: Source
) -> None:
    """Kill Redis, then write: reads keep working and the writer reads its write."""
    server.kill()
    started = time.perf_counter()
    for cache in (writer, reader):
        await cache.get_or_load([ns], "/x?", 600, source.load)  # no exception
    source.value = b"after"
    await writer.bump([ns])  # no exception: remembered until Redis returns
    assert await writer.get_or_load([ns], "/x?", 600, source.load) == b"after"
    assert time.perf_counter() - started < 1.0, "a dead Redis must not stall reads"
    # The reader cannot hear the bump, but it stops trusting its local tier once its channel
    # is gone, so it reads through as well.
    await _time_until_fresh(reader, ns, source, b"after", limit=1.0)


async def test_a_real_outage_keeps_reads_working_and_replays_the_bump(
    make_cache: CacheMaker, redis_server: RedisServer
) -> None:
    writer, reader = await _pair(make_cache, redis_server.url)
    ns, source = unique_ns(), Source(b"before")
    assert await reader.get_or_load([ns], "/x?", 600, source.load) == b"before"
    assert await writer.get_or_load([ns], "/x?", 600, source.load) == b"before"

    await _stop_and_bump(redis_server, writer, reader, ns, source)

    await redis_server.start()  # same port, empty (no persistence)
    # From the first read after Redis is back, nobody serves the pre-bump entry.
    deadline = time.perf_counter() + 3.0
    while writer._pending_bumps or not reader._subscribed.is_set():
        for cache in (reader, writer):
            assert await cache.get_or_load([ns], "/x?", 600, source.load) == b"after"
        assert time.perf_counter() < deadline, "the caches did not reconnect"
        await asyncio.sleep(0.005)
    for cache in (reader, writer):
        assert await cache.get_or_load([ns], "/x?", 600, source.load) == b"after"
    assert await reader.versions([ns]) == [1], "the bump made during the outage was replayed"


async def test_a_bump_made_during_an_outage_outlives_a_redis_that_kept_its_data(
    make_cache: CacheMaker, redis_server: RedisServer
) -> None:
    writer, reader = await _pair(make_cache, redis_server.url)
    ns, source = unique_ns(), Source(b"before")
    assert await reader.get_or_load([ns], "/x?", 600, source.load) == b"before"
    assert writer.redis is not None
    await writer.redis.save()  # the restarted server reloads the pre-bump entry from disk

    await _stop_and_bump(redis_server, writer, reader, ns, source)

    await redis_server.start()
    await wait_until(lambda: not writer._pending_bumps, timeout=3.0, what="the bump replay")
    for cache in (reader, writer):
        assert await cache.get_or_load([ns], "/x?", 600, source.load) == b"after"
    # A process started after the outage never saw the old version and still reads fresh.
    late = await make_cache(redis_url=redis_server.url, prefix=writer.prefix)
    assert await late.get_or_load([ns], "/x?", 600, source.load) == b"after"


async def test_a_process_back_from_an_outage_drops_its_local_entries(
    make_cache: CacheMaker, redis_server: RedisServer
) -> None:
    writer, reader = await _pair(make_cache, redis_server.url)
    ns, source = unique_ns(), Source(b"before")
    assert await reader.get_or_load([ns], "/x?", 600, source.load) == b"before"

    await _stop_and_bump(redis_server, writer, reader, ns, source)
    await writer.close()  # the writer's process dies: its bump is never announced

    await redis_server.start()  # empty: versions restart from zero
    await wait_until(reader._subscribed.is_set, timeout=3.0, what="the reader to reconnect")
    for _ in range(3):
        assert await reader.get_or_load([ns], "/x?", 600, source.load) == b"after"


async def test_close_stops_the_listener_even_when_its_cancellation_races_a_command(
    make_cache: CacheMaker,
) -> None:
    # Stalling the loop right after start() lets the listener's start-up PING complete just as
    # close() cancels it: the moment Python 3.11's asyncio.wait_for (inside redis-py) drops a
    # cancellation. close() must still return.
    for _ in range(10):
        cache = await make_cache()
        time.sleep(0.005)  # noqa: ASYNC251  (a deliberate loop stall, not a wait)
        started = time.perf_counter()
        async with asyncio.timeout(2.0):  # inline: wait_for would delay close() by a loop turn
            await cache.close()
        assert time.perf_counter() - started < 1.0, "close() hung on a lost cancellation"
