"""The anonymous read limit per client IP: it counts edge-served reads too, spares signed-in
callers, other addresses and non-API paths, keeps CORS headers on its 429, and can be turned off."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from fastapi import FastAPI

from oxship.kit.readlimit import FixedWindowCounter, ReadLimitMiddleware
from oxship.runtime import Runtime
from tests.factories.users import UserFactory
from tests.ratelimits.conftest import assert_rate_limited
from tests.warmer.conftest import make_warmer

limits = pytest.mark.parametrize
ClientAt = Callable[[str], httpx.AsyncClient]


@pytest.fixture
async def client_at(app: FastAPI) -> AsyncIterator[ClientAt]:
    """Anonymous clients connecting from a given IP address."""
    made: list[httpx.AsyncClient] = []

    def make(ip: str) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=app, client=(ip, 40000))
        made.append(httpx.AsyncClient(transport=transport, base_url="http://testserver"))
        return made[-1]

    yield make
    for client in made:
        await client.aclose()


@limits("settings_overrides", [{"rate_limit_reads_ip": "3/minute"}])
async def test_reads_past_the_limit_are_429_even_when_the_edge_would_answer(
    client: httpx.AsyncClient, client_at: ClientAt
) -> None:
    first = await client.get("/api/chains")
    assert first.status_code == 200
    assert "x-oxship-cache" not in first.headers
    for _ in range(2):
        cached = await client.get("/api/chains")
        assert cached.status_code == 200
        assert cached.headers["x-oxship-cache"] == "edge"
    refused = await client.get("/api/chains")
    assert_rate_limited(refused)
    assert "x-oxship-cache" not in refused.headers
    assert refused.headers["x-request-id"]  # the outer layer still wraps the refusal
    assert_rate_limited(await client.get("/api/projects"))  # the budget is per IP, not per URL

    elsewhere = client_at("198.51.100.20")
    assert (await elsewhere.get("/api/chains")).status_code == 200
    assert (await client.get("/health")).status_code == 200  # only /api/ is limited


@limits("settings_overrides", [{"rate_limit_reads_ip": "2/minute"}])
async def test_signed_in_callers_and_writes_are_not_counted(
    client: httpx.AsyncClient, users: UserFactory
) -> None:
    reader = await users.actor()  # same client IP as `client`
    for _ in range(4):
        assert (await reader.client.get("/api/chains")).status_code == 200
    for _ in range(3):  # anonymous writes are not reads
        assert (await client.post("/api/auth/login", json={})).status_code == 422
    for _ in range(2):
        assert (await client.get("/api/chains")).status_code == 200
    assert_rate_limited(await client.get("/api/chains"))
    assert (await reader.client.get("/api/chains")).status_code == 200


@limits(
    "settings_overrides",
    [{"rate_limit_reads_ip": "1/minute", "cors_origins": "https://app.example.com"}],
)
async def test_a_cross_origin_429_carries_the_cors_headers(client: httpx.AsyncClient) -> None:
    origin = {"Origin": "https://app.example.com"}
    assert (await client.get("/api/chains", headers=origin)).status_code == 200
    refused = await client.get("/api/chains", headers=origin)
    assert_rate_limited(refused)
    assert refused.headers["access-control-allow-origin"] == "https://app.example.com"
    assert "retry-after" in refused.headers["access-control-expose-headers"].lower()


@limits(
    "settings_overrides",
    [
        {"rate_limit_enabled": False, "rate_limit_reads_ip": "1/minute"},
        {"rate_limit_reads_ip": ""},
    ],
    ids=["switched-off", "empty-limit"],
)
async def test_the_read_limit_can_be_turned_off(app: FastAPI, client: httpx.AsyncClient) -> None:
    installed = {getattr(m.cls, "__name__", "") for m in app.user_middleware}
    assert "EdgeCacheMiddleware" in installed
    assert ReadLimitMiddleware.__name__ not in installed
    for _ in range(5):
        assert (await client.get("/api/chains")).status_code == 200


def test_the_counter_resets_at_the_window_edge_and_reports_the_wait() -> None:
    now = [120.0]
    counter = FixedWindowCounter(2, 60, clock=lambda: now[0])
    assert [counter.hit("a"), counter.hit("a"), counter.hit("b")] == [0, 0, 0]
    now[0] = 135.2
    assert counter.hit("a") == 45  # the window [120, 180) ends in 44.8 s
    now[0] = 179.9
    assert counter.hit("a") == 1
    now[0] = 180.0
    assert counter.hit("a") == 0


def test_the_counter_fails_open_past_its_key_budget() -> None:
    counter = FixedWindowCounter(1, 60, max_keys=2, clock=lambda: 0.0)
    assert counter.hit("a") == 0
    assert counter.hit("b") == 0
    assert counter.hit("a") > 0
    assert [counter.hit("c"), counter.hit("c")] == [0, 0]  # untracked: never refused


def test_the_counter_reads_a_limits_spec() -> None:
    counter = FixedWindowCounter.from_spec("600/minute")
    assert (counter.amount, counter.seconds) == (600, 60)


@limits("settings_overrides", [{"rate_limit_reads_ip": "2/minute"}])
async def test_the_cache_warmer_is_not_counted(
    app: FastAPI, runtime: Runtime, client: httpx.AsyncClient
) -> None:
    # The warmer requests its pages through the app from 127.0.0.1, like a local client.
    warmer = make_warmer(app, runtime)
    for _ in range(2):
        result = await warmer.warm(["/api/chains", "/api/projects"])
        assert result.statuses == {"/api/chains": 200, "/api/projects": 200}
    for _ in range(2):
        assert (await client.get("/api/chains")).status_code == 200
    assert_rate_limited(await client.get("/api/chains"))


@limits("settings_overrides", [{"rate_limit_reads_ip": "2/minute"}])
async def test_an_invalid_token_reads_as_anonymous_and_is_counted(
    client: httpx.AsyncClient, users: UserFactory
) -> None:
    junk = {"Authorization": "Bearer not-a-token"}
    basic = {"Authorization": "Basic Zm9vOmJhcg=="}
    assert (await client.get("/api/chains", headers=junk)).status_code == 200  # caller-aware route
    assert (
        await client.get("/api/leaderboard/users", headers=junk)
    ).status_code == 200  # no caller
    for path in ("/api/chains", "/api/leaderboard/users", "/api/projects"):
        assert_rate_limited(await client.get(path, headers=junk))
        assert_rate_limited(await client.get(path, headers=basic))
        assert_rate_limited(await client.get(path))
    reader = await users.actor()  # a valid token is not limited
    assert (await reader.client.get("/api/chains")).status_code == 200
