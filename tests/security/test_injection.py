"""Injection and oversized-input probes on every query parameter of every GET route."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from fastapi import FastAPI
from pydantic import TypeAdapter

from oxship.kit.envelope import ErrorOut
from tests.security.conftest import World

pytestmark = pytest.mark.committed

PROBES = {
    "sql": "' OR 1=1 --",
    "percent": "%",
    "underscore": "_",
    "backslash": "\\",
    "quote_union": 'x" UNION SELECT password_hash FROM users --',
    "unicode": "Ωmega 漢字 🚀 ‮rtl",
    "long": "a" * 10_000,
}
# Numbers, booleans, enums and ids are parsed before any SQL sees them: two probes are enough.
TYPED_PROBES = {k: PROBES[k] for k in ("sql", "long")}
_ERROR = TypeAdapter(ErrorOut)


def _is_free_text(schema: dict[str, Any]) -> bool:
    variants = schema.get("anyOf", [schema])
    for variant in variants:
        item = variant.get("items", variant)
        if item.get("type") == "string" and "enum" not in item and "format" not in item:
            return True
    return False


_PARAM = re.compile(r"\{(\w+)\}")


def _path_values(world: World) -> dict[str, str]:
    bob = world.bob.user
    return {
        "username": bob.username,
        "user_id": str(bob.id),
        "other_user_id": str(bob.id),
        "project_id": world.project_id,
        "comment_id": world.comment_id,
        "slug": world.chain_slug,
        "wallet_address": "0x" + "0" * 40,
        "category": "python",
    }


def _valid(name: str, schema: dict[str, Any], world: World) -> str:
    """A value that passes validation, for required parameters not under test."""
    if name == "project_id":
        return world.project_id
    if name == "q":
        return "secure"
    variants = schema.get("anyOf", [schema])
    first = next((v for v in variants if v.get("type") != "null"), schema)
    if "enum" in first:
        return str(first["enum"][0])
    kind = first.get("type")
    if kind in {"integer", "number"}:
        return str(max(int(first.get("minimum", 1)), 1))
    if kind == "boolean":
        return "true"
    if first.get("format") == "uuid":
        return str(uuid.uuid4())
    return "ab"


def _get_operations(app: FastAPI, world: World) -> list[tuple[str, list[dict[str, Any]]]]:
    values = _path_values(world)
    operations = []
    for path, methods in app.openapi()["paths"].items():
        op = methods.get("get")
        if not path.startswith("/api/") or op is None:
            continue
        params = [p for p in op.get("parameters", []) if p["in"] == "query"]
        concrete = _PARAM.sub(lambda m: values.get(m.group(1), str(uuid.uuid4())), path)
        if params:
            operations.append((concrete, params))
    return operations


async def test_every_query_parameter_survives_injection_and_oversized_probes(
    app: FastAPI, world: World
) -> None:
    operations = _get_operations(app, world)
    assert len(operations) >= 40  # the walk found the list routes
    caller = world.admin.client
    failures: list[str] = []
    checked = 0
    for path, params in operations:
        required = {
            p["name"]: _valid(p["name"], p["schema"], world) for p in params if p.get("required")
        }
        for param in params:
            probes = PROBES if _is_free_text(param["schema"]) else TYPED_PROBES
            for label, probe in probes.items():
                query = {**required, param["name"]: probe}
                response = await caller.get(path, params=query)
                checked += 1
                where = f"GET {path} {param['name']}={label}: {response.status_code}"
                if response.status_code >= 500:
                    failures.append(f"{where} {response.text[:200]}")
                elif response.status_code >= 400:
                    try:
                        _ERROR.validate_python(response.json())
                    except ValueError:
                        failures.append(f"{where} not an error envelope: {response.text[:200]}")
                elif label == "long":
                    failures.append(f"{where}: a 10,000-character value was accepted")
                if label == "long" and response.status_code == 422:
                    fields = [d["field"] for d in response.json()["details"]]
                    if param["name"] not in fields:
                        failures.append(f"{where}: 422 does not name the parameter: {fields}")
    assert checked > 300
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(
    ("path", "param", "real"),
    [
        ("/api/projects", "search", "secure"),
        ("/api/search", "q", "secure"),
        ("/api/users/search", "q", "bob"),
        ("/api/admin/users", "search", "bob"),
        ("/api/admin/projects", "search", "secure"),
        ("/api/chains", "search", "secure"),
        ("/api/investors/public", "search", "bob"),
    ],
)
async def test_wildcards_and_sql_in_search_match_literally(
    world: World, path: str, param: str, real: str
) -> None:
    """A real term finds rows; `%`, `_`, a quote and `OR 1=1` find none (they are not SQL)."""
    caller = world.admin.client
    found = await caller.get(path, params={param: real})
    assert found.status_code == 200, found.text
    assert _count(found.json()) >= 1
    for probe in ("%%", "'%", "' OR 1=1 --", "x' OR 'a'='a", "\\%"):
        response = await caller.get(path, params={param: probe})
        assert response.status_code == 200, (probe, response.text)
        assert _count(response.json()) == 0, (path, probe, response.json())


def _count(body: dict[str, Any]) -> int:
    data = body["data"]
    if isinstance(data, dict):  # /api/search?type=all: one list per kind
        return sum(len(v) for v in data.values() if isinstance(v, list))
    return len(data)
