"""Every `/api/admin*` route of the app refuses anonymous callers (401) and plain users (403)."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest
from fastapi import FastAPI

from tests.factories.users import UserFactory
from tests.support.routes import api_routes

_PARAM = re.compile(r"{([^}:]+)(:[^}]+)?}")


def admin_calls(app: FastAPI) -> list[tuple[str, str]]:
    """(method, concrete path) of every admin route; ids filled with a UUID, others a slug."""
    calls: list[tuple[str, str]] = []
    for route in api_routes(app.routes):
        if not route.path.startswith("/api/admin"):
            continue

        def fill(match: re.Match[str]) -> str:
            name = match.group(1)
            return str(uuid.uuid4()) if name == "id" or name.endswith("_id") else "some-slug"

        path = _PARAM.sub(fill, route.path)
        calls.extend(
            (method, path) for method in sorted((route.methods or set()) - {"HEAD", "OPTIONS"})
        )
    return calls


async def test_every_admin_route_needs_an_admin(
    app: FastAPI, client: httpx.AsyncClient, users: UserFactory
) -> None:
    calls = admin_calls(app)
    # This package's own routes at least; the validation and investors packages add theirs.
    paths = {path for _, path in calls}
    assert "/api/admin/users" in paths
    assert "/api/admin/stats" in paths
    assert "/api/admin/audit-log" in paths
    plain = await users.actor(is_validator=True, is_investor=True)
    failures: list[tuple[str, str, str, object]] = []
    for method, path in calls:
        anonymous = await client.request(method, path, json={})
        if anonymous.status_code != 401:
            failures.append((method, path, "anonymous", anonymous.status_code))
        user = await plain.client.request(method, path, json={})
        if user.status_code != 403:
            failures.append((method, path, "user", user.status_code))
        elif user.json()["error"] != "forbidden":
            failures.append((method, path, "user body", user.text))
    assert not failures, failures


async def test_a_banned_admin_is_refused_too(users: UserFactory) -> None:
    admin = await users.admin(is_active=False)

    response = await admin.client.get("/api/admin/users")

    assert response.status_code == 401


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/feedback/admin"),
        ("PATCH", "/api/feedback/admin/{id}/status"),
        ("DELETE", "/api/feedback/admin/{id}"),
    ],
)
async def test_feedback_review_routes_need_an_admin(
    client: httpx.AsyncClient, users: UserFactory, method: str, path: str
) -> None:
    url = path.format(id=uuid.uuid4())
    plain = await users.actor()

    assert (await client.request(method, url, json={"status": "resolved"})).status_code == 401
    assert (await plain.client.request(method, url, json={"status": "resolved"})).status_code == 403
