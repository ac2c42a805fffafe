"""Health, readiness, metrics, OpenAPI and the error envelope for routing failures."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI


async def test_health_is_ok(client: httpx.AsyncClient) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response.headers["x-content-type-options"] == "nosniff"
    assert len(response.headers["x-request-id"]) >= 16


async def test_request_id_is_echoed(client: httpx.AsyncClient) -> None:
    response = await client.get("/health", headers={"X-Request-ID": "abc-123"})
    assert response.headers["x-request-id"] == "abc-123"


async def test_ready_reports_each_dependency(client: httpx.AsyncClient) -> None:
    response = await client.get("/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "checks": {"database": "ok", "cache": "ok"}}


async def test_unknown_route_is_enveloped_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.json() == {"status": "error", "error": "not_found", "message": "Not found"}


async def test_wrong_method_is_enveloped_405(client: httpx.AsyncClient) -> None:
    response = await client.delete("/health")
    assert response.status_code == 405
    assert response.json()["error"] == "method_not_allowed"
    assert response.json()["status"] == "error"


async def test_malformed_json_is_enveloped_400(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/auth/login", content=b'{"email": ', headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json() == {
        "status": "error",
        "error": "bad_request",
        "message": "Malformed JSON body",
    }


async def test_missing_body_is_422_with_field(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/auth/login")
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "validation_error"
    assert body["details"] == [{"field": "body", "message": "Field required"}]


async def test_metrics_expose_routes_and_cache(client: httpx.AsyncClient) -> None:
    await client.get("/health")
    response = await client.get("/metrics")
    assert response.status_code == 200
    text = response.text
    assert (
        'oxship_http_request_duration_seconds_bucket{le="0.001",method="GET",route="/health"}'
        in text
    )
    assert 'oxship_http_requests_total{method="GET",route="/health",status="200"}' in text
    assert "oxship_cache_requests_total" in text
    assert "oxship_db_pool_connections" in text


# Actions whose whole input is the URL and the caller: documented without a request body.
BODILESS_ACTIONS = (
    "/logout",
    "/verify-email/request",
    "/feature",
    "/share",
    "/upvote",
    "/downvote",
    "/read",
    "/read-all",
    "/save/{project_id}",
    "/follow",
    "/subscribe",
    "/verify",
    "/pin",
    "/lock",
    "/start-review",
    "/remove",
    "/restore",
    "/unban",
    "/toggle-admin",
    "/mark-read",
    "/revoke",
    "/disconnect",
    "/verify-cert",
)


async def test_openapi_lists_every_route_with_schemas(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            assert "200" in op["responses"] or "201" in op["responses"], (method, path)
            ok = op["responses"].get("200") or op["responses"]["201"]
            assert ok.get("content"), (method, path)
            if method in {"post", "put", "patch"} and not path.endswith(BODILESS_ACTIONS):
                assert "requestBody" in op, (method, path)
    operation_ids = [op["operationId"] for ops in spec["paths"].values() for op in ops.values()]
    assert len(operation_ids) == len(set(operation_ids)), "duplicate operationId"
    docs = await client.get("/docs")
    assert docs.status_code == 200
    assert "swagger" in docs.text.lower()


async def test_unexpected_exception_is_a_500_envelope_without_trace(app: FastAPI) -> None:
    async def explode() -> None:
        raise RuntimeError("secret internals /etc/passwd")

    app.add_api_route("/explode", explode)
    raw = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, raise_app_exceptions=False), base_url="http://t"
    )
    async with raw:
        response = await raw.get("/explode")
    assert response.status_code == 500
    assert response.json() == {
        "status": "error",
        "error": "internal_error",
        "message": "Internal server error",
    }
    assert "secret" not in response.text
    assert response.headers["x-request-id"]


@pytest.mark.parametrize("settings_overrides", [{"cors_origins": ["https://app.example"]}])
async def test_cors_allows_configured_origins_only(client: httpx.AsyncClient) -> None:
    preflight = {"Access-Control-Request-Method": "POST"}
    allowed = await client.options(
        "/api/auth/login", headers={"Origin": "https://app.example", **preflight}
    )
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "https://app.example"
    denied = await client.options(
        "/api/auth/login", headers={"Origin": "https://evil.example", **preflight}
    )
    assert "access-control-allow-origin" not in denied.headers


async def test_security_headers_on_api_responses(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/users/nobody-here")
    assert response.status_code == 404
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "default-src 'none'" in response.headers["content-security-policy"]


@pytest.mark.parametrize("settings_overrides", [{"max_body_bytes": 2048}])
async def test_oversized_body_is_413(client: httpx.AsyncClient) -> None:
    big = {"email": "a@example.com", "password": "x" * 4000}
    response = await client.post("/api/auth/login", json=big)
    assert response.status_code == 413
    assert response.json()["error"] == "payload_too_large"


async def test_nul_characters_are_422_everywhere(client: httpx.AsyncClient) -> None:
    body = await client.post(
        "/api/auth/login", json={"email": "a\u0000b@example.com", "password": "pw12345678"}
    )
    assert body.status_code == 422
    assert body.json()["error"] == "validation_error"
    query = await client.get("/api/users/search", params={"q": "ab\x00c"})
    assert query.status_code == 422


async def test_network_errors_are_503_and_file_errors_stay_500(app: FastAPI) -> None:
    async def unreachable() -> None:
        raise ConnectionRefusedError(111, "Connect call failed")

    async def missing_file() -> None:
        raise FileNotFoundError("/nope")

    app.add_api_route("/unreachable", unreachable)
    app.add_api_route("/missing-file", missing_file)
    raw = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, raise_app_exceptions=False), base_url="http://t"
    )
    async with raw:
        down = await raw.get("/unreachable")
        bug = await raw.get("/missing-file")
    assert down.status_code == 503
    assert down.json()["error"] == "unavailable"
    assert bug.status_code == 500
    assert bug.json()["error"] == "internal_error"
