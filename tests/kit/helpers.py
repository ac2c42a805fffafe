"""Helpers shared by the kit tests (fixtures live in conftest.py)."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable

import pytest

from oxship.kit.metrics import REGISTRY
from tests.support.databases import TEST_REDIS_URL
from tests.support.servers import free_port

NEEDS_REDIS = pytest.mark.skipif(
    TEST_REDIS_URL is None,
    reason="needs Redis: set OXSHIP_TEST_REDIS_URL (CI's PostgreSQL+Redis run sets it)",
)


def closed_redis_url() -> str:
    """A Redis URL whose port refuses connections."""
    return f"redis://127.0.0.1:{free_port()}/0"


def unique_prefix() -> str:
    """A cache prefix no other test uses."""
    return f"oxtest:{uuid.uuid4().hex[:12]}"


def unique_ns(name: str = "item") -> str:
    """A namespace whose metric family (`t<hex>`) belongs to one test only."""
    return f"t{uuid.uuid4().hex[:10]}:{name}"


def cache_count(namespace: str, result: str) -> float:
    """The value of oxship_cache_requests_total for a namespace's family and a result."""
    family = namespace.split(":", 1)[0]
    labels = {"namespace": family, "result": result}
    return REGISTRY.get_sample_value("oxship_cache_requests_total", labels) or 0.0


def cache_errors() -> float:
    """The value of oxship_cache_errors_total."""
    return REGISTRY.get_sample_value("oxship_cache_errors_total") or 0.0


class Source:
    """A stand-in for the database behind a cached response: a value and a call counter.

    `gate` (when set) holds every load until it is opened; `fail` makes loads raise it.
    """

    def __init__(self, value: bytes = b"v1") -> None:
        self.value = value
        self.calls = 0
        self.gate: asyncio.Event | None = None
        self.fail: BaseException | None = None

    async def load(self) -> bytes:
        self.calls += 1
        value = self.value
        if self.gate is not None:
            await self.gate.wait()
        if self.fail is not None:
            raise self.fail
        return value


async def wait_until(
    condition: Callable[[], bool], *, timeout: float = 2.0, what: str = "condition"
) -> None:
    """Poll `condition` every millisecond; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(0.001)
