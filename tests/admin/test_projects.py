"""Admin projects: list, edit, delete, restore, feature (API §3.22)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from oxship.models import Project, User
from oxship.runtime import Runtime
from tests.chains.conftest import make_chain
from tests.factories.projects import ProjectFactory
from tests.factories.users import Actor, UserFactory

PROJECTS = "/api/admin/projects"


@pytest.fixture
async def admin(users: UserFactory) -> Actor:
    return await users.admin()


async def test_list_includes_banned_owners_and_deleted_on_request(
    admin: Actor, users: UserFactory, projects: ProjectFactory
) -> None:
    owner = await users.actor()
    banned = await users.user()
    live = await projects.project_id(owner.user, title="Rocket Science Tool")
    hidden = await projects.project_id(banned, title="Banned owner project")
    ban = await admin.client.post(f"/api/admin/users/{banned.id}/ban", json={"reason": "spam"})
    assert ban.status_code == 200
    gone = await projects.project_id(owner.user, title="Deleted 100% thing")
    assert (await owner.client.delete(f"/api/projects/{gone}")).status_code == 200

    default = (await admin.client.get(PROJECTS)).json()
    assert {p["id"] for p in default["data"]} == {str(live), str(hidden)}
    assert all(p["is_deleted"] is False for p in default["data"])
    every = (await admin.client.get(PROJECTS, params={"include_deleted": "true"})).json()
    assert every["pagination"]["total"] == 3
    deleted = next(p for p in every["data"] if p["id"] == str(gone))
    assert deleted["is_deleted"] is True
    assert deleted["deleted_at"] is not None

    async def found(**params: Any) -> set[str]:
        body = (await admin.client.get(PROJECTS, params=params)).json()
        return {p["id"] for p in body["data"]}

    assert await found(search="rocket") == {str(live)}
    assert await found(search=banned.username) == {str(hidden)}
    assert await found(search="100%") == set()
    assert await found(search="100%", include_deleted="true") == {str(gone)}


@pytest.mark.parametrize("per_page", [1, 20, 100])
async def test_list_runs_fixed_statements(
    admin: Actor,
    users: UserFactory,
    projects: ProjectFactory,
    query_count: Callable[[int], Any],
    per_page: int,
) -> None:
    owner = await users.user()
    for i in range(3):
        await projects.project(owner, screenshot_urls=[f"https://img.example.com/{i}.png"])
    # token session, total, rows, screenshots, badges, chains
    with query_count(6):
        response = await admin.client.get(PROJECTS, params={"per_page": per_page})
    assert len(response.json()["data"]) == min(per_page, 3)


async def test_admin_edit_recomputes_and_is_audited(
    admin: Actor, users: UserFactory, projects: ProjectFactory, audit_entries: Any
) -> None:
    owner = await users.user()
    project = await projects.project(owner)

    response = await admin.client.put(
        f"{PROJECTS}/{project['id']}",
        json={"title": "Renamed by an admin", "demo_url": "https://demo.example.com"},
    )

    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["title"] == "Renamed by an admin"
    assert data["quality_score"] > project["quality_score"]
    (entry,) = await audit_entries("project.update")
    assert entry.data == {"fields": ["demo_url", "title"]}
    bad = await admin.client.put(f"{PROJECTS}/{project['id']}", json={"title": "x" * 500})
    assert bad.status_code == 422
    missing = await admin.client.put(f"{PROJECTS}/{owner.id}", json={"title": "Whatever title"})
    assert missing.status_code == 404


async def test_delete_and_restore_move_counters_once(
    admin: Actor,
    users: UserFactory,
    projects: ProjectFactory,
    client: httpx.AsyncClient,
    runtime: Runtime,
    audit_entries: Any,
) -> None:
    owner = await users.actor()
    voter = await users.actor()
    project_id = await projects.project_id(owner.user)
    await voter.client.post(f"/api/projects/{project_id}/upvote")
    chain = await make_chain(owner.client, "Restorable chain")
    await owner.client.post(
        f"/api/chains/{chain['slug']}/projects", json={"project_id": str(project_id)}
    )
    before = (await client.get(f"/api/projects/{project_id}")).json()["data"]
    async with runtime.sessionmaker() as session:
        karma_before = (await session.get(User, owner.user.id)).karma  # type: ignore[union-attr]

    assert (await admin.client.delete(f"{PROJECTS}/{project_id}")).status_code == 200
    assert (await client.get(f"/api/projects/{project_id}")).status_code == 404
    assert (await admin.client.delete(f"{PROJECTS}/{project_id}")).status_code == 404

    restored = await admin.client.post(f"{PROJECTS}/{project_id}/restore")
    assert restored.status_code == 200, restored.text
    data = restored.json()["data"]
    assert data["is_deleted"] is False
    assert data["proof_score"] == before["proof_score"]
    assert data["upvotes"] == 1
    assert data["chains"] == []  # a restored project does not re-join its chains
    assert (await client.get(f"/api/projects/{project_id}")).status_code == 200
    assert [p["id"] for p in (await client.get("/api/projects")).json()["data"]] == [
        str(project_id)
    ]
    again = await admin.client.post(f"{PROJECTS}/{project_id}/restore")
    assert again.status_code == 409
    async with runtime.sessionmaker() as session:
        user = await session.get(User, owner.user.id)
        assert user is not None
        assert user.project_count == 1
        assert user.karma == karma_before
        project = await session.get(Project, project_id)
        assert project is not None
        assert project.deleted_at is None
    assert [e.action for e in await audit_entries()] == ["project.delete", "project.restore"]


async def test_restore_refuses_unknown_live_and_deleted_owners(
    admin: Actor, users: UserFactory, projects: ProjectFactory
) -> None:
    owner = await users.user()
    project_id = await projects.project_id(owner)
    assert (await admin.client.post(f"{PROJECTS}/{owner.id}/restore")).status_code == 404
    assert (await admin.client.post(f"{PROJECTS}/{project_id}/restore")).status_code == 409
    assert (await admin.client.delete(f"/api/admin/users/{owner.id}")).status_code == 200
    assert (await admin.client.post(f"{PROJECTS}/{project_id}/restore")).status_code == 409


async def test_feature_toggles_and_notifies(
    admin: Actor, users: UserFactory, projects: ProjectFactory, audit_entries: Any
) -> None:
    owner = await users.actor()
    project_id = await projects.project_id(owner.user)

    on = await admin.client.post(f"{PROJECTS}/{project_id}/feature")
    off = await admin.client.post(f"{PROJECTS}/{project_id}/feature")

    assert on.json()["data"]["is_featured"] is True
    assert off.json()["data"]["is_featured"] is False
    notes = (await owner.client.get("/api/notifications")).json()["data"]
    assert [n["type"] for n in notes] == ["project_featured"]
    assert [e.action for e in await audit_entries()] == ["project.feature", "project.unfeature"]


async def test_a_banned_owners_project_can_be_deleted(
    admin: Actor,
    users: UserFactory,
    projects: ProjectFactory,
    client: httpx.AsyncClient,
    runtime: Runtime,
) -> None:
    owner = await users.actor()
    project_id = await projects.project_id(owner.user)
    chain = await make_chain(owner.client, "Chain of a banned owner")
    await owner.client.post(
        f"/api/chains/{chain['slug']}/projects", json={"project_id": str(project_id)}
    )
    await admin.client.post(f"/api/admin/users/{owner.user.id}/ban", json={"reason": "spam"})

    response = await admin.client.delete(f"{PROJECTS}/{project_id}")

    assert response.status_code == 200, response.text
    assert (await admin.client.delete(f"{PROJECTS}/{project_id}")).status_code == 404
    await admin.client.post(f"/api/admin/users/{owner.user.id}/unban")
    assert (await client.get(f"/api/projects/{project_id}")).status_code == 404
    assert (await client.get(f"/api/chains/{chain['slug']}")).json()["data"]["project_count"] == 0
    async with runtime.sessionmaker() as session:
        user = await session.get(User, owner.user.id)
        assert user is not None
        assert user.project_count == 0
        assert user.karma == 0
