"""POST /{id}/view (unique per user, session id, or IP and day) and POST /{id}/share."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest

from oxship.kit import clock
from oxship.projects import service
from tests.factories.projects import ProjectFactory
from tests.factories.users import UserFactory
from tests.projects.conftest import ProjectRows, field_errors


async def _view(client: httpx.AsyncClient, pid: str, **body: Any) -> dict[str, Any]:
    response = await client.post(f"/api/projects/{pid}/view", json=body or None)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


async def test_one_view_per_user(users: UserFactory, projects: ProjectFactory) -> None:
    owner = await users.user()
    pid = (await projects.project(owner))["id"]
    alice = await users.actor()
    bob = await users.actor()
    assert await _view(alice.client, pid) == {"view_count": 1, "is_new_view": True}
    assert await _view(alice.client, pid) == {"view_count": 1, "is_new_view": False}
    # a user is counted as the user, whatever session id the client sends
    assert await _view(alice.client, pid, session_id="session-12345") == {
        "view_count": 1,
        "is_new_view": False,
    }
    assert await _view(bob.client, pid) == {"view_count": 2, "is_new_view": True}
    assert await _view(bob.client, pid) == {"view_count": 2, "is_new_view": False}


async def test_one_view_per_anonymous_session(
    client: httpx.AsyncClient, users: UserFactory, projects: ProjectFactory
) -> None:
    pid = (await projects.project(await users.user()))["id"]
    assert await _view(client, pid, session_id="sess-aaaa-1111") == {
        "view_count": 1,
        "is_new_view": True,
    }
    assert await _view(client, pid, session_id="sess-aaaa-1111") == {
        "view_count": 1,
        "is_new_view": False,
    }
    assert await _view(client, pid, session_id="sess-bbbb-2222") == {
        "view_count": 2,
        "is_new_view": True,
    }
    # without a session id the IP of the day counts, separately from the sessions
    assert (await _view(client, pid))["is_new_view"] is True
    assert await _view(client, pid) == {"view_count": 3, "is_new_view": False}


async def test_one_view_per_anonymous_ip_per_day(
    client: httpx.AsyncClient,
    client_at: Callable[[str], httpx.AsyncClient],
    users: UserFactory,
    projects: ProjectFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pid = (await projects.project(await users.user()))["id"]
    assert await _view(client, pid) == {"view_count": 1, "is_new_view": True}
    assert await _view(client, pid) == {"view_count": 1, "is_new_view": False}
    no_body = await client.post(f"/api/projects/{pid}/view")
    assert no_body.json()["data"] == {"view_count": 1, "is_new_view": False}
    empty = await client.post(f"/api/projects/{pid}/view", json={})
    assert empty.json()["data"] == {"view_count": 1, "is_new_view": False}

    elsewhere = client_at("198.51.100.23")
    assert await _view(elsewhere, pid) == {"view_count": 2, "is_new_view": True}
    assert await _view(elsewhere, pid) == {"view_count": 2, "is_new_view": False}

    tomorrow = clock.utcnow() + timedelta(days=1)
    monkeypatch.setattr(service, "utcnow", lambda: tomorrow)
    assert await _view(client, pid) == {"view_count": 3, "is_new_view": True}
    assert await _view(client, pid) == {"view_count": 3, "is_new_view": False}


async def test_views_reach_the_detail_and_are_not_counted_by_get(
    client: httpx.AsyncClient, users: UserFactory, projects: ProjectFactory, rows: ProjectRows
) -> None:
    pid = (await projects.project(await users.user()))["id"]
    for _ in range(3):
        assert (await client.get(f"/api/projects/{pid}")).json()["data"]["view_count"] == 0
    assert (await rows.project(pid)).view_count == 0
    await _view(client, pid, session_id="session-one-1")
    assert (await client.get(f"/api/projects/{pid}")).json()["data"]["view_count"] == 1
    assert (await rows.project(pid)).view_count == 1


@pytest.mark.parametrize(
    "session_id",
    ["short", "s" * 101, "has space in it", "semi;colon-1234", "émoji-session", 12345678],
)
async def test_bad_session_ids_are_422(
    client: httpx.AsyncClient, users: UserFactory, projects: ProjectFactory, session_id: Any
) -> None:
    pid = (await projects.project(await users.user()))["id"]
    response = await client.post(f"/api/projects/{pid}/view", json={"session_id": session_id})
    assert field_errors(response) == {"session_id"}


async def test_share_counts_every_share(
    client: httpx.AsyncClient, users: UserFactory, projects: ProjectFactory
) -> None:
    pid = (await projects.project(await users.user()))["id"]
    viewer = await users.actor()
    for expected in (1, 2):
        response = await client.post(f"/api/projects/{pid}/share")
        assert response.status_code == 200, response.text
        assert response.json()["data"] == {"share_count": expected}
    assert (await viewer.client.post(f"/api/projects/{pid}/share")).json()["data"] == {
        "share_count": 3
    }
    assert (await client.get(f"/api/projects/{pid}")).json()["data"]["share_count"] == 3


@pytest.mark.parametrize("action", ["view", "share"])
async def test_deleted_or_unknown_projects_are_404(
    client: httpx.AsyncClient, users: UserFactory, action: str
) -> None:
    owner = await users.actor()
    pid = (
        await owner.client.post(
            "/api/projects", json={"title": "Gone soon", "description": "d" * 60}
        )
    ).json()["data"]["id"]
    assert (await owner.client.delete(f"/api/projects/{pid}")).status_code == 200
    gone = await client.post(f"/api/projects/{pid}/{action}")
    assert gone.status_code == 404
    assert gone.json()["error"] == "not_found"
    assert (await client.post(f"/api/projects/{uuid.uuid4()}/{action}")).status_code == 404
    assert (await client.post(f"/api/projects/nope/{action}")).status_code == 422
