"""The kit hooks the warmer relies on: `ResponseCache.on_bump` and `warming()`."""

from __future__ import annotations

import asyncio

from oxship.kit.cache import ResponseCache, warming
from oxship.kit.metrics import REGISTRY
from oxship.runtime import Runtime


def _sample(metric: str, namespace: str, result: str) -> float:
    labels = {"namespace": namespace, "result": result}
    return REGISTRY.get_sample_value(metric, labels) or 0.0


async def test_on_bump_reports_each_bump_once_until_removed(runtime: Runtime) -> None:
    seen: list[list[str]] = []
    remove = runtime.cache.on_bump(seen.append)
    await runtime.cache.bump(["feed", "project:1", "feed"])
    await asyncio.sleep(0.2)  # our own announcement comes back on the channel: not reported twice
    remove()
    await runtime.cache.bump(["feed"])
    assert seen == [["feed", "project:1"]]


async def test_a_failing_listener_does_not_fail_the_bump(runtime: Runtime) -> None:
    def broken(_: list[str]) -> None:
        raise RuntimeError("boom")

    seen: list[list[str]] = []
    runtime.cache.on_bump(broken)
    runtime.cache.on_bump(seen.append)
    await runtime.cache.bump(["events"])
    assert seen == [["events"]]
    assert (await runtime.cache.versions(["events"]))[0] >= 1


async def test_lookups_while_warming_are_counted_apart() -> None:
    cache = ResponseCache(redis=None, prefix="oxtest-hooks")

    async def load() -> bytes:
        return b"{}"

    requests = "oxship_cache_requests_total"
    warmer = "oxship_cache_warmer_requests_total"
    before = (_sample(requests, "hooks", "miss"), _sample(warmer, "hooks", "miss"))
    with warming() as touched:
        assert await cache.get_or_load(["hooks", "hooks-extra"], "/x?", 60, load) == b"{}"
    assert touched == {"hooks", "hooks-extra"}
    assert _sample(requests, "hooks", "miss") == before[0]
    assert _sample(warmer, "hooks", "miss") == before[1] + 1
    hits = _sample(requests, "hooks", "hit_local")
    assert await cache.get_or_load(["hooks", "hooks-extra"], "/x?", 60, load) == b"{}"
    assert _sample(requests, "hooks", "hit_local") == hits + 1
