"""The OpenAPI document describes each route's envelope (JSONBody must stay a JSONResponse)."""

from __future__ import annotations

import json
from typing import Any

import httpx
from starlette.responses import JSONResponse

from oxship.errors import STATUS_CODES
from oxship.kit.envelope import JSONBody


async def test_json_body_is_a_json_response() -> None:
    body = JSONBody({"a": 1})
    assert isinstance(body, JSONResponse)
    assert body.body == b'{"a":1}'
    assert body.headers["content-type"] == "application/json"


async def test_success_responses_document_their_model_not_a_string(
    client: httpx.AsyncClient,
) -> None:
    spec = (await client.get("/openapi.json")).json()
    undocumented: list[tuple[str, str]] = []
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            for status, response in op["responses"].items():
                schema: dict[str, Any] | None = (
                    response.get("content", {}).get("application/json", {}).get("schema")
                )
                if (
                    status.startswith("2")
                    and schema is not None
                    and "$ref" not in json.dumps(schema)
                ):
                    undocumented.append((method, path))
    assert undocumented == []
    health = spec["paths"]["/health"]["get"]["responses"]["200"]["content"]["application/json"]
    assert health["schema"] == {"$ref": "#/components/schemas/HealthOut"}
    me = spec["paths"]["/api/auth/me"]["get"]["responses"]["200"]["content"]["application/json"]
    envelope = spec["components"]["schemas"][me["schema"]["$ref"].rsplit("/", 1)[1]]
    assert set(envelope["properties"]) == {"status", "message", "data"}


async def test_every_api_operation_documents_each_error_status(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    # 405 comes from routing, not from an operation; every other error status can reach any route
    # (409 from a unique constraint, 413 from the body guard, 429/503 from the platform).
    expected = {str(code) for code in STATUS_CODES if code != 405} | {"500"}
    missing = {
        f"{method.upper()} {path}": sorted(expected - set(op["responses"]))
        for path, operations in spec["paths"].items()
        if path.startswith("/api/")
        for method, op in operations.items()
        if not expected <= set(op["responses"])
    }
    assert missing == {}


async def test_a_taken_username_is_a_documented_409(client: httpx.AsyncClient) -> None:
    body = {"email": "first@example.com", "username": "taken_name", "password": "password123"}
    assert (await client.post("/api/auth/register", json=body)).status_code == 201
    again = await client.post("/api/auth/register", json={**body, "email": "second@example.com"})
    assert again.status_code == 409
    assert again.json()["error"] == "conflict"
    spec = (await client.get("/openapi.json")).json()
    documented = spec["paths"]["/api/auth/register"]["post"]["responses"]
    assert documented["409"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorOut"
    }
