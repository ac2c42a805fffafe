"""Rate limits: 429 with Retry-After past the limit, independent keys, fail-open storage, shared Redis."""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from fastapi import FastAPI

from oxship.auth.dependencies import RuntimeDep
from oxship.errors import RateLimited
from oxship.kit.envelope import JSONBody, ok
from oxship.kit.ratelimit import RateLimiter, validate_spec
from tests.kit.helpers import NEEDS_REDIS, closed_redis_url, unique_prefix
from tests.support.databases import TEST_REDIS_URL

LimiterMaker = Callable[..., RateLimiter]


@pytest.fixture
async def make_limiter() -> AsyncIterator[LimiterMaker]:
    """Build limiters (memory storage unless a Redis URL is given); their counters are reset after."""
    made: list[RateLimiter] = []

    def make(
        *, redis_url: str | None = None, prefix: str | None = None, enabled: bool = True
    ) -> RateLimiter:
        limiter = RateLimiter(
            redis_url=redis_url, prefix=prefix or unique_prefix(), enabled=enabled
        )
        made.append(limiter)
        return limiter

    yield make
    for limiter in made:
        await limiter.reset()


async def _hits_allowed(limiter: RateLimiter, spec: str, *key: str, attempts: int = 20) -> int:
    """How many hits pass before the first 429 (fails if none is refused)."""
    for allowed in range(attempts):
        try:
            await limiter.hit(spec, *key)
        except RateLimited:
            return allowed
    raise AssertionError(f"{attempts} hits of {spec} were all allowed")


async def test_the_hit_past_the_limit_is_429_with_retry_after(make_limiter: LimiterMaker) -> None:
    limiter = make_limiter()
    for _ in range(3):
        await limiter.hit("3/minute", "login", "ann")
    with pytest.raises(RateLimited) as refused:
        await limiter.hit("3/minute", "login", "ann", message="Slow down")
    error = refused.value
    assert error.status_code == 429
    assert error.message == "Slow down"
    assert isinstance(error.retry_after, int)
    assert 1 <= error.retry_after <= 60
    assert error.headers["Retry-After"] == str(error.retry_after)
    assert error.envelope() == {"status": "error", "error": "rate_limited", "message": "Slow down"}


async def test_identifiers_and_scopes_are_counted_separately(make_limiter: LimiterMaker) -> None:
    limiter = make_limiter()
    assert await _hits_allowed(limiter, "2/minute", "login", "ann") == 2
    assert await _hits_allowed(limiter, "2/minute", "login", "bob") == 2
    assert await _hits_allowed(limiter, "2/minute", "register", "ann") == 2
    assert await _hits_allowed(limiter, "2/minute", "login", "ann", "10.0.0.1") == 2


async def test_a_disabled_limiter_never_refuses(make_limiter: LimiterMaker) -> None:
    limiter = make_limiter(enabled=False)
    for _ in range(10):
        await limiter.hit("1/minute", "login", "ann")


async def test_reset_forgets_every_counter(make_limiter: LimiterMaker) -> None:
    limiter = make_limiter(redis_url=TEST_REDIS_URL)
    assert await _hits_allowed(limiter, "1/minute", "login", "ann") == 1
    await limiter.reset()
    await limiter.hit("1/minute", "login", "ann")


async def test_a_failing_storage_fails_open(
    make_limiter: LimiterMaker, caplog: pytest.LogCaptureFixture
) -> None:
    limiter = make_limiter(redis_url=closed_redis_url())
    caplog.set_level(logging.WARNING, logger="oxship.kit.ratelimit")
    for _ in range(5):
        await limiter.hit("1/minute", "login", "ann")
    assert any("allowing request" in r.getMessage() for r in caplog.records)


def test_limit_specs_are_validated() -> None:
    assert validate_spec("5/minute") == "5/minute"
    with pytest.raises(ValueError):  # noqa: PT011  (limits' own message)
        validate_spec("five per minute")


@NEEDS_REDIS
async def test_limiters_sharing_redis_share_counts(make_limiter: LimiterMaker) -> None:
    prefix = unique_prefix()
    first = make_limiter(redis_url=TEST_REDIS_URL, prefix=prefix)
    second = make_limiter(redis_url=TEST_REDIS_URL, prefix=prefix)
    elsewhere = make_limiter(redis_url=TEST_REDIS_URL)
    who = uuid.uuid4().hex
    await first.hit("3/minute", "login", who)
    await second.hit("3/minute", "login", who)
    await first.hit("3/minute", "login", who)
    with pytest.raises(RateLimited):
        await second.hit("3/minute", "login", who)
    with pytest.raises(RateLimited):
        await first.hit("3/minute", "login", who)
    # Another deployment (another prefix) on the same Redis keeps its own counts.
    await elsewhere.hit("3/minute", "login", who)


# ---- through HTTP -----------------------------------------------------------------------------


async def limited(runtime: RuntimeDep) -> JSONBody:
    """A throwaway route allowing 2 calls a minute per process-wide key."""
    await runtime.limiter.hit("2/minute", "test-route", "everyone")
    return ok({"ok": True})


@pytest.fixture
def limited_app(app: FastAPI) -> FastAPI:
    app.add_api_route("/test/limited", limited, methods=["POST"])
    return app


@pytest.mark.usefixtures("limited_app")
async def test_the_429_response_carries_retry_after(client: httpx.AsyncClient) -> None:
    assert (await client.post("/test/limited")).status_code == 200
    assert (await client.post("/test/limited")).status_code == 200
    response = await client.post("/test/limited")
    assert response.status_code == 429
    assert response.json()["error"] == "rate_limited"
    retry_after = response.headers["retry-after"]
    assert retry_after.isdigit()
    assert 1 <= int(retry_after) <= 60
