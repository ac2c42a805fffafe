"""ResponseCache in one process: the local LRU tier, versioned keys, single-flight and metrics.

The `cache` fixture runs on the test Redis when OXSHIP_TEST_REDIS_URL is set (local tier in front of
Redis) and on the local tier alone otherwise, so each behaviour here is checked in both modes.
"""

from __future__ import annotations

import asyncio
import time
from types import SimpleNamespace

import pytest

from oxship.kit.cache import ResponseCache
from oxship.kit.cache import local as local_module
from oxship.kit.cache.local import Cached, LocalTier
from tests.kit.conftest import CacheMaker
from tests.kit.helpers import Source, cache_count, unique_ns, wait_until


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """Drive LocalTier's notion of time (only that module's; asyncio keeps the real clock)."""
    fake = FakeClock()
    monkeypatch.setattr(local_module, "time", SimpleNamespace(monotonic=fake))
    return fake


# ---- the local tier ---------------------------------------------------------------------------


def body_of(tier: LocalTier, key: str) -> bytes | None:
    """The body the tier holds under `key`, if fresh."""
    cached = tier.get(key)
    return None if cached is None else cached.body


def test_local_tier_misses_then_hits() -> None:
    tier = LocalTier(max_entries=4, max_ttl=60)
    assert body_of(tier, "k") is None
    tier.set("k", Cached.of(b"body"), ttl=10)
    assert body_of(tier, "k") == b"body"
    assert body_of(tier, "other") is None
    tier.set("k", Cached.of(b"replaced"), ttl=10)
    assert body_of(tier, "k") == b"replaced"
    assert len(tier) == 1


def test_local_tier_entry_expires_after_its_ttl(clock: FakeClock) -> None:
    tier = LocalTier(max_entries=4, max_ttl=60)
    tier.set("k", Cached.of(b"body"), ttl=10)
    clock.now += 9.9
    assert body_of(tier, "k") == b"body"
    clock.now += 0.1
    assert body_of(tier, "k") is None
    assert len(tier) == 0, "an expired entry is dropped when found"


def test_local_tier_caps_ttl_at_its_max(clock: FakeClock) -> None:
    tier = LocalTier(max_entries=4, max_ttl=5)
    tier.set("k", Cached.of(b"body"), ttl=3_600)
    clock.now += 4.9
    assert body_of(tier, "k") == b"body"
    clock.now += 0.1
    assert body_of(tier, "k") is None


def test_local_tier_evicts_the_least_recently_used() -> None:
    tier = LocalTier(max_entries=2, max_ttl=60)
    tier.set("a", Cached.of(b"A"), ttl=10)
    tier.set("b", Cached.of(b"B"), ttl=10)
    assert body_of(tier, "a") == b"A"  # a is now the most recently used
    tier.set("c", Cached.of(b"C"), ttl=10)
    assert len(tier) == 2
    assert body_of(tier, "b") is None
    assert body_of(tier, "a") == b"A"
    assert body_of(tier, "c") == b"C"


def test_local_tier_of_size_zero_stores_nothing() -> None:
    tier = LocalTier(max_entries=0, max_ttl=60)
    tier.set("k", Cached.of(b"body"), ttl=10)
    assert body_of(tier, "k") is None
    assert len(tier) == 0


def test_local_tier_evicts_the_least_recent_to_stay_within_its_bytes() -> None:
    entry = 1_000 + 1 + local_module.ENTRY_OVERHEAD  # a 1,000-byte body under a one-letter key
    tier = LocalTier(max_entries=100, max_ttl=60, max_bytes=3 * entry)
    for key in "abc":
        tier.set(key, Cached.of(b"x" * 1_000), ttl=10)
    assert tier.size == 3 * entry
    assert body_of(tier, "a") is not None  # b is now the least recent
    tier.set("d", Cached.of(b"x" * 1_000), ttl=10)
    assert len(tier) == 3
    assert tier.size == 3 * entry
    assert body_of(tier, "b") is None
    assert all(body_of(tier, key) is not None for key in "acd")
    tier.set("a", Cached.of(b"x" * 2_000), ttl=10)  # replacing an entry counts only its new body
    assert tier.size <= 3 * entry
    assert body_of(tier, "a") == b"x" * 2_000
    assert body_of(tier, "c") is None, "the least recent made room for the bigger body"


def test_local_tier_skips_a_body_larger_than_its_budget() -> None:
    tier = LocalTier(max_entries=100, max_ttl=60, max_bytes=10_000)
    tier.set("small", Cached.of(b"s"), ttl=10)
    tier.set("huge", Cached.of(b"x" * 10_000), ttl=10)
    assert body_of(tier, "huge") is None
    assert body_of(tier, "small") == b"s", "a body that can never fit evicts nothing"


def test_local_tier_size_returns_to_zero() -> None:
    tier = LocalTier(max_entries=100, max_ttl=60, max_bytes=1 << 20)
    tier.set("a", Cached.of(b"A" * 50), ttl=10)
    tier.set("b", Cached.of(b"B" * 70), ttl=-1)  # already expired: dropped when found
    assert body_of(tier, "b") is None
    assert tier.size == 50 + 1 + local_module.ENTRY_OVERHEAD
    tier.clear()
    assert tier.size == 0


def test_local_tier_clear_drops_everything() -> None:
    tier = LocalTier(max_entries=4, max_ttl=60)
    tier.set("a", Cached.of(b"A"), ttl=10)
    tier.set("b", Cached.of(b"B"), ttl=10)
    tier.clear()
    assert len(tier) == 0
    assert body_of(tier, "a") is None


# ---- hits, misses and versions ----------------------------------------------------------------


async def test_a_miss_loads_once_then_hits(cache: ResponseCache) -> None:
    ns, source = unique_ns(), Source(b'{"n":1}')
    first = await cache.get_or_load([ns], "/x?", 60, source.load)
    source.value = b'{"n":2}'
    second = await cache.get_or_load([ns], "/x?", 60, source.load)
    assert first == second == b'{"n":1}'
    assert source.calls == 1


async def test_identities_and_namespaces_have_separate_entries(cache: ResponseCache) -> None:
    ns, other_ns = unique_ns(), unique_ns()
    a, b, c = Source(b"a"), Source(b"b"), Source(b"c")
    assert await cache.get_or_load([ns], "/x?page=1", 60, a.load) == b"a"
    assert await cache.get_or_load([ns], "/x?page=2", 60, b.load) == b"b"
    assert await cache.get_or_load([other_ns], "/x?page=1", 60, c.load) == b"c"
    assert (a.calls, b.calls, c.calls) == (1, 1, 1)


async def test_keys_carry_prefix_namespace_and_versions(cache: ResponseCache) -> None:
    key = cache.key_for(["profile:ann", "feed"], [3, 7], "/api/users/ann?")
    assert key.startswith(f"{cache.prefix}:profile:ann:v3.7:")
    assert key != cache.key_for(["profile:ann", "feed"], [3, 8], "/api/users/ann?")
    assert key != cache.key_for(["profile:ann", "feed"], [3, 7], "/api/users/bob?")


async def test_a_bump_makes_the_old_entry_unreachable_at_once(cache: ResponseCache) -> None:
    ns, source = unique_ns(), Source(b"old")
    assert await cache.get_or_load([ns], "/x?", 60, source.load) == b"old"
    before = await cache.versions([ns])

    source.value = b"new"
    await cache.bump([ns])

    # Read-your-writes: the very next read in this process sees the write.
    assert await cache.get_or_load([ns], "/x?", 60, source.load) == b"new"
    assert await cache.versions([ns]) == [before[0] + 1]
    assert source.calls == 2
    assert await cache.get_or_load([ns], "/x?", 60, source.load) == b"new"
    assert source.calls == 2


async def test_a_bump_leaves_other_namespaces_cached(cache: ResponseCache) -> None:
    bumped, untouched = unique_ns(), unique_ns()
    source = Source(b"kept")
    await cache.get_or_load([untouched], "/x?", 60, source.load)
    await cache.bump([bumped])
    assert await cache.get_or_load([untouched], "/x?", 60, source.load) == b"kept"
    assert source.calls == 1


async def test_an_entry_of_several_namespaces_dies_with_any_of_them(cache: ResponseCache) -> None:
    project, feed = unique_ns("project"), unique_ns("feed")
    source = Source(b"old")
    await cache.get_or_load([project, feed], "/x?", 60, source.load)
    source.value = b"new"
    await cache.bump([feed])
    assert await cache.get_or_load([project, feed], "/x?", 60, source.load) == b"new"
    assert source.calls == 2


async def test_bumping_a_namespace_twice_in_one_call_counts_once(cache: ResponseCache) -> None:
    ns = unique_ns()
    [before] = await cache.versions([ns])
    await cache.bump([ns, ns])
    assert await cache.versions([ns]) == [before + 1]
    await cache.bump([])
    assert await cache.versions([ns]) == [before + 1]


@pytest.mark.parametrize("redis_url", ["embedded", "default"])
async def test_known_versions_are_bounded_and_forgetting_revives_no_old_entry(
    make_cache: CacheMaker, redis_url: str
) -> None:
    kwargs = {"redis_url": None} if redis_url == "embedded" else {}
    cache = await make_cache(max_versions=4, **kwargs)
    ns, source = unique_ns(), Source(b"a")
    assert await cache.get_or_load([ns], "/x?", 60, source.load) == b"a"
    source.value = b"b"
    await cache.bump([ns])
    assert await cache.get_or_load([ns], "/x?", 60, source.load) == b"b"
    await cache.bump([unique_ns() for _ in range(6)])  # more than it keeps: ns is forgotten
    assert len(cache._versions) <= 4
    source.value = b"c"
    # "a" is still in the local tier under ns's first version: it must never be current again.
    assert await cache.get_or_load([ns], "/x?", 60, source.load) in (b"b", b"c")
    source.value = b"d"
    await cache.bump([ns])
    assert await cache.get_or_load([ns], "/x?", 60, source.load) == b"d"


async def test_bump_soon_forgets_timestamps_older_than_its_window(make_cache: CacheMaker) -> None:
    cache = await make_cache(list_bump_window=0.05)
    names = [unique_ns("list") for _ in range(5_000)]
    await cache.bump_soon(names)
    await asyncio.sleep(0.06)
    [before] = await cache.versions([names[0]])
    await cache.bump_soon([names[0]])
    assert len(cache._soon_last) == 1, "the other 4,999 timestamps were a window old"
    assert await cache.versions([names[0]]) == [before + 1], "a forgotten namespace bumps at once"


async def test_a_disabled_cache_always_loads(make_cache: CacheMaker) -> None:
    cache = await make_cache(enabled=False)
    ns, source = unique_ns(), Source(b"x")
    for _ in range(3):
        assert await cache.get_or_load([ns], "/x?", 60, source.load) == b"x"
    assert source.calls == 3
    assert cache_count(ns, "bypass") == 3


# ---- single-flight ----------------------------------------------------------------------------


async def _start_concurrent(
    cache: ResponseCache, ns: str, source: Source, n: int
) -> list[asyncio.Task[bytes]]:
    """Start n concurrent reads of one cold key and wait until all are either loading or waiting.

    Every reader is counted once it has arrived: the loader counts those that load, and a reader
    that joins the in-flight load counts as a local hit before it waits.
    """
    tasks = [
        asyncio.create_task(cache.get_or_load([ns], "/cold?", 60, source.load)) for _ in range(n)
    ]
    await wait_until(
        lambda: source.calls + cache_count(ns, "hit_local") >= n, what="all readers to arrive"
    )
    return tasks


async def test_concurrent_misses_on_one_key_load_once(cache: ResponseCache) -> None:
    ns, source = unique_ns(), Source(b"computed once")
    source.gate = asyncio.Event()
    tasks = await _start_concurrent(cache, ns, source, 20)
    source.gate.set()
    results = await asyncio.gather(*tasks)
    assert results == [b"computed once"] * 20
    assert source.calls == 1
    assert cache_count(ns, "miss") == 1
    assert cache_count(ns, "hit_local") == 19


async def test_a_loader_error_reaches_every_waiter_and_is_not_cached(cache: ResponseCache) -> None:
    class Boom(Exception):
        pass

    ns, source = unique_ns(), Source(b"never")
    source.gate, source.fail = asyncio.Event(), Boom("database down")
    tasks = await _start_concurrent(cache, ns, source, 20)
    source.gate.set()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert source.calls == 1
    assert all(isinstance(r, Boom) for r in results), results

    # The next call is not poisoned: it loads again, promptly, and its value is cached.
    source.gate, source.fail, source.value = None, None, b"recovered"
    started = time.perf_counter()
    assert await cache.get_or_load([ns], "/cold?", 60, source.load) == b"recovered"
    assert time.perf_counter() - started < 0.2, "a failed load must not leave a lock behind"
    assert await cache.get_or_load([ns], "/cold?", 60, source.load) == b"recovered"
    assert source.calls == 2


async def test_a_cancelled_loader_does_not_cancel_its_waiters(cache: ResponseCache) -> None:
    ns, source = unique_ns(), Source(b"value")
    source.gate = asyncio.Event()
    leader = asyncio.create_task(cache.get_or_load([ns], "/cold?", 60, source.load))
    await wait_until(lambda: source.calls == 1, what="the leader to start loading")
    waiters = [
        asyncio.create_task(cache.get_or_load([ns], "/cold?", 60, source.load)) for _ in range(5)
    ]
    await wait_until(lambda: cache_count(ns, "hit_local") >= 5, what="the waiters to join")

    leader.cancel()  # e.g. its client went away
    await wait_until(lambda: source.calls == 2, what="a waiter to take the load over")
    source.gate.set()

    assert await asyncio.gather(*waiters) == [b"value"] * 5
    assert leader.cancelled()
    assert source.calls == 2


# ---- metrics ----------------------------------------------------------------------------------


async def test_metrics_count_misses_and_local_hits(cache: ResponseCache) -> None:
    ns, source = unique_ns(), Source(b"x")
    await cache.get_or_load([ns], "/x?", 60, source.load)
    assert (cache_count(ns, "miss"), cache_count(ns, "hit_local")) == (1, 0)
    await cache.get_or_load([ns], "/x?", 60, source.load)
    await cache.get_or_load([ns], "/x?", 60, source.load)
    assert (cache_count(ns, "miss"), cache_count(ns, "hit_local")) == (1, 2)
    assert cache_count(ns, "hit_redis") == 0
    await cache.bump([ns])
    await cache.get_or_load([ns], "/x?", 60, source.load)
    assert (cache_count(ns, "miss"), cache_count(ns, "hit_local")) == (2, 2)


async def test_metrics_label_by_namespace_family(cache: ResponseCache) -> None:
    family = unique_ns().split(":")[0]
    source = Source(b"x")
    await cache.get_or_load([f"{family}:1"], "/x?", 60, source.load)
    await cache.get_or_load([f"{family}:2"], "/x?", 60, source.load)
    assert cache_count(f"{family}:anything", "miss") == 2
