"""Security headers on API and docs responses, HSTS only in production, CORS only for listed origins."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

ALLOWED = "https://app.example"
CORS = {"cors_origins": [ALLOWED]}
PRODUCTION = {
    "oxship_env": "production",
    "secret_key": "s" * 48,
    "allow_sqlite_in_production": True,
}
BASE_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
}


@pytest.mark.parametrize("path", ["/api/projects", "/api/users/nobody-here", "/health"])
async def test_api_responses_carry_the_security_headers(
    client: httpx.AsyncClient, path: str
) -> None:
    response = await client.get(path)

    assert response.status_code in {200, 404}
    for name, value in BASE_HEADERS.items():
        assert response.headers[name] == value
    assert (
        response.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
    )
    assert "strict-transport-security" not in response.headers  # development: no HSTS


async def test_docs_carry_the_headers_but_no_csp(client: httpx.AsyncClient) -> None:
    response = await client.get("/docs")

    assert response.status_code == 200
    assert "text/html" in response.headers["content-type"]
    for name, value in BASE_HEADERS.items():
        assert response.headers[name] == value
    assert "content-security-policy" not in response.headers  # the Swagger UI loads its assets


@pytest.mark.parametrize("settings_overrides", [PRODUCTION])
@pytest.mark.parametrize("path", ["/api/projects", "/docs", "/api/nothing-here"])
async def test_production_adds_hsts_everywhere(
    client: httpx.AsyncClient, settings_overrides: dict[str, Any], path: str
) -> None:
    response = await client.get(path)

    assert response.status_code in {200, 404}
    assert response.headers["strict-transport-security"] == "max-age=63072000; includeSubDomains"
    assert response.headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize("settings_overrides", [CORS])
async def test_cors_preflight_only_for_the_configured_origin(client: httpx.AsyncClient) -> None:
    ask = {
        "Access-Control-Request-Method": "PUT",
        "Access-Control-Request-Headers": "authorization",
    }

    allowed = await client.options("/api/users/profile", headers={"Origin": ALLOWED, **ask})
    denied = await client.options(
        "/api/users/profile", headers={"Origin": "https://evil.example", **ask}
    )

    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == ALLOWED
    assert "PUT" in allowed.headers["access-control-allow-methods"]
    assert denied.status_code == 400
    assert "access-control-allow-origin" not in denied.headers


@pytest.mark.parametrize("settings_overrides", [CORS])
async def test_cors_simple_request_only_for_the_configured_origin(
    client: httpx.AsyncClient,
) -> None:
    allowed = await client.get("/api/projects", headers={"Origin": ALLOWED})
    denied = await client.get("/api/projects", headers={"Origin": "https://evil.example"})

    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == ALLOWED
    assert "x-request-id" in allowed.headers["access-control-expose-headers"].lower()
    assert denied.status_code == 200  # the response is served, but browsers may not read it
    assert "access-control-allow-origin" not in denied.headers


async def test_no_origin_is_allowed_by_default(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/projects", headers={"Origin": ALLOWED})

    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers
