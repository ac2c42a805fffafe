"""List endpoints run a fixed number of SQL statements whatever their page size."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from oxship.runtime import Runtime
from tests.factories.projects import ProjectFactory
from tests.factories.users import UserFactory
from tests.validation.conftest import assign, award, make_validator

PAGE_SIZES = [1, 20, 100]


async def _projects(users: UserFactory, projects: ProjectFactory, n: int = 5) -> list[Any]:
    owner = await users.user()
    return [
        await projects.project_id(
            owner, categories=["AI"], screenshot_urls=[f"https://img.example.com/{i}.png"]
        )
        for i in range(n)
    ]


@pytest.mark.parametrize("per_page", PAGE_SIZES)
async def test_dashboard_statements(
    users: UserFactory,
    projects: ProjectFactory,
    runtime: Runtime,
    query_count: Callable[[int], Any],
    per_page: int,
) -> None:
    validator = await make_validator(users, can_validate_all=True)
    ids = await _projects(users, projects)
    for i, pid in enumerate(ids):
        await assign(runtime, validator.user, pid, priority=["urgent", "low"][i % 2])
    other = await make_validator(users, can_validate_all=True)
    assert (await award(other.client, ids[0], "gold")).status_code == 201
    # token session, total, rows, screenshots, badges, chains, caller votes and saves
    with query_count(7):
        response = await validator.client.get(
            "/api/validator/dashboard", params={"per_page": per_page}
        )
    assert response.status_code == 200
    assert len(response.json()["data"]) == min(per_page, 5)


@pytest.mark.parametrize("per_page", PAGE_SIZES)
async def test_validator_projects_statements(
    users: UserFactory,
    projects: ProjectFactory,
    query_count: Callable[[int], Any],
    per_page: int,
) -> None:
    validator = await make_validator(users, categories=["ai"])
    ids = await _projects(users, projects)
    assert (await award(validator.client, ids[0], "gold")).status_code == 201
    # token session, profile, total, rows, screenshots, badges, chains, votes and saves
    with query_count(8):
        response = await validator.client.get(
            "/api/validator/projects", params={"per_page": per_page, "validated": "all"}
        )
    assert response.status_code == 200
    assert len(response.json()["data"]) == min(per_page, 5)


@pytest.mark.parametrize("per_page", PAGE_SIZES)
async def test_admin_badge_list_statements(
    users: UserFactory,
    projects: ProjectFactory,
    query_count: Callable[[int], Any],
    per_page: int,
) -> None:
    ids = await _projects(users, projects)
    for pid in ids:
        validator = await make_validator(users, can_validate_all=True)
        assert (await award(validator.client, pid, "stone")).status_code == 201
    admin = await users.admin()
    # token session, total, rows
    with query_count(3):
        response = await admin.client.get("/api/admin/badges", params={"per_page": per_page})
    assert response.status_code == 200
    assert len(response.json()["data"]) == min(per_page, 5)


@pytest.mark.parametrize("per_page", PAGE_SIZES)
async def test_admin_validator_list_and_project_badges_statements(
    users: UserFactory,
    projects: ProjectFactory,
    client: httpx.AsyncClient,
    query_count: Callable[[int], Any],
    per_page: int,
) -> None:
    (pid,) = await _projects(users, projects, n=1)
    for _ in range(5):
        validator = await make_validator(users, can_validate_all=True)
        assert (await award(validator.client, pid, "stone")).status_code == 201
    admin = await users.admin()
    # token session, total, rows (profiles and badge counts joined)
    with query_count(3):
        response = await admin.client.get("/api/admin/validators", params={"per_page": per_page})
    assert len(response.json()["data"]) == min(per_page, 5)
    # anonymous, cold cache: the live check, total, rows
    with query_count(3):
        response = await client.get(f"/api/badges/{pid}", params={"per_page": per_page})
    assert len(response.json()["data"]) == min(per_page, 5)
    with query_count(0):
        assert (await client.get(f"/api/badges/{pid}", params={"per_page": per_page})).is_success
