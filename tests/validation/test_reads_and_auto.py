"""Public badge reads (with their cache) and auto-assignment on project creation."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from sqlalchemy import select

from oxship.models import Notification, User
from oxship.runtime import Runtime
from tests.factories.projects import DESCRIPTION, ProjectFactory
from tests.factories.users import Actor, UserFactory
from tests.validation.conftest import assignments, award, make_validator


async def test_project_badges_are_public_with_validator_cards(
    users: UserFactory, projects: ProjectFactory, client: httpx.AsyncClient
) -> None:
    owner = await users.user()
    project_id = await projects.project_id(owner)
    first = await make_validator(users, can_validate_all=True, display_name="First One")
    second = await make_validator(users, can_validate_all=True)
    assert (await award(first.client, project_id, "gold")).status_code == 201

    response = await client.get(f"/api/badges/{project_id}")
    assert response.status_code == 200, response.text
    assert response.headers["etag"]
    (badge,) = response.json()["data"]
    assert badge["validator"] == {
        "id": str(first.user.id),
        "username": first.user.username,
        "display_name": "First One",
        "avatar_url": None,
    }
    cached = await client.get(
        f"/api/badges/{project_id}", headers={"If-None-Match": response.headers["etag"]}
    )
    assert cached.status_code == 304

    # An award bumps the cached list at once.
    assert (await award(second.client, project_id, "stone")).status_code == 201
    fresh = await client.get(f"/api/badges/{project_id}")
    assert [b["badge_type"] for b in fresh.json()["data"]] == ["stone", "gold"]
    assert fresh.json()["pagination"]["total"] == 2
    one = await client.get(f"/api/badges/{project_id}?per_page=1&page=2")
    assert [b["badge_type"] for b in one.json()["data"]] == ["gold"]

    # And so do an admin's edit and removal.
    admin = await users.admin()
    stone = fresh.json()["data"][0]["id"]
    await admin.client.patch(f"/api/admin/badges/{stone}", json={"badge_type": "silver"})
    edited = await client.get(f"/api/badges/{project_id}")
    assert [b["badge_type"] for b in edited.json()["data"]] == ["silver", "gold"]
    await admin.client.delete(f"/api/admin/badges/{stone}")
    assert [b["id"] for b in (await client.get(f"/api/badges/{project_id}")).json()["data"]] == [
        badge["id"]
    ]
    project = await client.get(f"/api/projects/{project_id}")
    assert [b["badge_type"] for b in project.json()["data"]["badges"]] == ["gold"]


async def test_project_badges_404_and_422(
    users: UserFactory, projects: ProjectFactory, client: httpx.AsyncClient
) -> None:
    owner = await users.actor()
    project_id = await projects.project_id(owner.user)
    assert (await client.get(f"/api/badges/{uuid.uuid4()}")).status_code == 404
    assert (await client.get("/api/badges/not-a-uuid")).status_code == 422
    assert (await client.get(f"/api/badges/{project_id}?per_page=0")).status_code == 422
    assert (await client.get(f"/api/badges/{project_id}")).status_code == 200
    assert (await owner.client.delete(f"/api/projects/{project_id}")).status_code == 200
    assert (await client.get(f"/api/badges/{project_id}")).status_code == 404


async def test_badge_types_list_is_public_and_follows_creation(
    users: UserFactory, client: httpx.AsyncClient
) -> None:
    first = await client.get("/api/badges/types")
    assert first.status_code == 200
    assert [t["name"] for t in first.json()["data"]] == [
        "stone",
        "silver",
        "gold",
        "platinum",
        "demerit",
    ]
    admin = await users.admin()
    created = await admin.client.post("/api/admin/badge-types", json={"name": "Hero", "points": 20})
    assert created.status_code == 201
    after = await client.get("/api/badges/types")
    assert after.json()["data"][-1]["name"] == "hero"


async def _create(actor: Actor, **fields: Any) -> dict[str, Any]:
    body = {"title": "A brand new project", "description": DESCRIPTION, **fields}
    response = await actor.client.post("/api/projects", json=body)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


async def test_project_creation_assigns_matching_validators(
    users: UserFactory, runtime: Runtime
) -> None:
    by_category = await make_validator(users, categories=["machine learning"])
    by_case = await make_validator(users, categories=["AI"])
    everything = await make_validator(users, can_validate_all=True)
    await make_validator(users, categories=["web"])  # no shared category
    await make_validator(users, categories=["ai"], is_active=False)  # inactive profile
    await make_validator(users, profile=False)  # no profile
    banned = await make_validator(users, can_validate_all=True)
    async with runtime.sessionmaker() as session:
        row = await session.get(User, banned.user.id)
        assert row is not None
        row.is_active = False
        await session.commit()
    owner_validator = await make_validator(users, can_validate_all=True)

    project = await _create(owner_validator, categories=["Ai", "Machine Learning"])

    rows = await assignments(runtime, project_id=uuid.UUID(project["id"]))
    assert {a.validator_id for a in rows} == {
        by_category.user.id,
        by_case.user.id,
        everything.user.id,
    }
    assert {(a.status, a.priority, a.priority_rank, a.assigned_by) for a in rows} == {
        ("pending", "normal", 2, None)
    }
    async with runtime.sessionmaker() as session:
        notes = (
            await session.scalars(
                select(Notification).where(Notification.type == "validator_assignment")
            )
        ).all()
    assert {n.user_id for n in notes} == {a.validator_id for a in rows}
    assert {str(n.project_id) for n in notes} == {project["id"]}

    dashboard = await by_case.client.get("/api/validator/dashboard")
    assert [a["project"]["id"] for a in dashboard.json()["data"]] == [project["id"]]


async def test_project_without_matches_creates_no_assignment(
    users: UserFactory, runtime: Runtime
) -> None:
    await make_validator(users, categories=["web"])
    owner = await users.actor()
    await _create(owner, categories=["Games"])
    await _create(owner)
    assert await assignments(runtime) == []
