"""Soft delete, the admin feature toggle, and banned owners: what every list and detail shows."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest

from oxship.kit.clock import utcnow
from oxship.models import User
from tests.factories.projects import ProjectFactory
from tests.factories.users import UserFactory
from tests.projects.conftest import ProjectRows, ids


async def _everywhere(
    client: httpx.AsyncClient, project: dict[str, Any], owner: User, member: User
) -> dict[str, bool]:
    """Where a project (in category `defi`, tagging `member`) shows up."""
    pid = project["id"]
    board = (await client.get("/api/projects/leaderboard")).json()["data"]
    lists = {
        "feed": ids(await client.get("/api/projects")),
        "feed_newest": ids(await client.get("/api/projects", params={"sort": "newest"})),
        "feed_filtered": ids(await client.get("/api/projects", params={"category": "defi"})),
        "search": ids(await client.get("/api/projects", params={"search": "findable"})),
        "user_projects": ids(await client.get(f"/api/users/{owner.id}/projects")),
        "tagged": ids(await client.get(f"/api/users/{member.id}/tagged-projects")),
        "featured": ids(await client.get("/api/projects/featured")),
        "rising": ids(await client.get("/api/projects/rising-stars")),
        "by_category": ids(await client.get("/api/projects/by-category/defi")),
        "most_requested": ids(await client.get("/api/projects/most-requested")),
        "leaderboard_top": [p["id"] for p in board["top_projects"]],
        "leaderboard_featured": [p["id"] for p in board["featured"]],
    }
    shown = {name: pid in found for name, found in lists.items()}
    detail = await client.get(f"/api/projects/{pid}")
    assert detail.status_code in (200, 404), detail.text
    shown["detail"] = detail.status_code == 200
    status = await client.get(f"/api/projects/{pid}/scoring-status")
    shown["scoring_status"] = status.status_code == 200
    return shown


async def _visible_project(
    users: UserFactory, rows: ProjectRows, admin_client: httpx.AsyncClient, owner: User
) -> tuple[dict[str, Any], User]:
    member = await users.user()
    project = await ProjectFactory(rows.runtime).project(
        owner,
        title="Findable project",
        categories=["DeFi"],
        team_members=[{"name": "M", "user_id": str(member.id)}],
    )
    await rows.craft(project["id"], upvotes=3, intro_request_count=2)
    featured = await admin_client.post(f"/api/projects/{project['id']}/feature")
    assert featured.status_code == 200, featured.text
    return project, member


@pytest.mark.parametrize("by", ["owner", "admin"])
async def test_soft_delete_removes_the_project_from_everything_at_once(
    users: UserFactory, client: httpx.AsyncClient, rows: ProjectRows, by: str
) -> None:
    owner = await users.actor(email_verified=True)
    admin = await users.admin()
    project, member = await _visible_project(users, rows, admin.client, owner.user)
    other = await ProjectFactory(rows.runtime).project(owner.user)
    assert all((await _everywhere(client, project, owner.user, member)).values())
    before = await rows.user(owner.user.id)
    assert before.project_count == 2
    assert before.karma == pytest.approx(
        (await rows.project(project["id"])).proof_score + other["proof_score"]
    )
    profile = (await client.get(f"/api/users/{owner.user.username}")).json()["data"]
    assert profile["project_count"] == 2

    deleter = owner if by == "owner" else admin
    response = await deleter.client.delete(f"/api/projects/{project['id']}")
    assert response.status_code == 200, response.text
    assert response.json()["data"] == {"deleted": True}

    shown = await _everywhere(client, project, owner.user, member)
    assert not any(shown.values()), shown
    after = await rows.user(owner.user.id)
    assert after.project_count == 1
    assert after.karma == pytest.approx(other["proof_score"])
    profile = (await client.get(f"/api/users/{owner.user.username}")).json()["data"]
    assert profile["project_count"] == 1
    assert profile["karma"] == pytest.approx(other["proof_score"])
    row = await rows.project(project["id"])
    assert row.is_deleted is True
    assert row.deleted_at is not None
    # the row is kept: a soft delete
    assert (await rows.vote_rows(project["id"])) == 0
    assert ids(await client.get(f"/api/users/{owner.user.id}/projects")) == [other["id"]]


async def test_delete_is_owner_or_admin_only_and_happens_once(
    users: UserFactory, client: httpx.AsyncClient, rows: ProjectRows
) -> None:
    owner = await users.actor()
    stranger = await users.actor()
    project = await ProjectFactory(rows.runtime).project(owner.user)
    url = f"/api/projects/{project['id']}"
    assert (await client.delete(url)).status_code == 401
    assert (await stranger.client.delete(url)).status_code == 403
    assert (await client.get(url)).status_code == 200
    assert (await owner.client.delete(url)).status_code == 200
    again = await owner.client.delete(url)
    assert again.status_code == 404
    assert (await rows.user(owner.user.id)).project_count == 0  # moved once
    assert (await owner.client.delete(f"/api/projects/{uuid.uuid4()}")).status_code == 404
    assert (await owner.client.delete("/api/projects/123")).status_code == 422


async def test_feature_toggle_sets_and_clears_and_notifies_once(
    users: UserFactory, client: httpx.AsyncClient, rows: ProjectRows
) -> None:
    owner = await users.actor()
    admin = await users.admin()
    project = await ProjectFactory(rows.runtime).project(owner.user, title="Feature me")
    url = f"/api/projects/{project['id']}"
    assert ids(await client.get("/api/projects/featured")) == []

    on = await admin.client.post(f"{url}/feature")
    assert on.status_code == 200, on.text
    data = on.json()["data"]
    assert data["is_featured"] is True
    assert data["featured_at"] is not None
    assert data["featured_at"].endswith("Z")
    assert data["trending_score"] == pytest.approx(project["trending_score"] + 1, abs=2e-6)
    assert data["proof_score"] == project["proof_score"]
    row = await rows.project(project["id"])
    assert row.featured_by == admin.user.id
    got = (await client.get(url)).json()["data"]
    assert got["is_featured"] is True
    assert got["featured_at"] == data["featured_at"]
    assert ids(await client.get("/api/projects/featured")) == [project["id"]]
    assert ids(await client.get("/api/projects", params={"featured": "true"})) == [project["id"]]

    notes = await rows.notifications(owner.user.id, "project_featured")
    assert len(notes) == 1
    assert notes[0].project_id == uuid.UUID(project["id"])
    assert notes[0].actor_id == admin.user.id
    assert "Feature me" in notes[0].message

    off = await admin.client.post(f"{url}/feature")
    assert off.status_code == 200, off.text
    data = off.json()["data"]
    assert data["is_featured"] is False
    assert data["featured_at"] is None
    assert data["trending_score"] == pytest.approx(project["trending_score"], abs=2e-6)
    assert (await rows.project(project["id"])).featured_by is None
    assert ids(await client.get("/api/projects/featured")) == []
    assert ids(await client.get("/api/projects", params={"featured": "false"})) == [project["id"]]
    assert len(await rows.notifications(owner.user.id, "project_featured")) == 1


async def test_admin_featuring_their_own_project_does_not_notify(
    users: UserFactory, rows: ProjectRows
) -> None:
    admin = await users.admin()
    project = await ProjectFactory(rows.runtime).project(admin.user)
    assert (await admin.client.post(f"/api/projects/{project['id']}/feature")).status_code == 200
    assert await rows.notifications(admin.user.id, "project_featured") == []


async def test_feature_is_admin_only(
    users: UserFactory, client: httpx.AsyncClient, rows: ProjectRows
) -> None:
    owner = await users.actor()
    admin = await users.admin()
    project = await ProjectFactory(rows.runtime).project(owner.user)
    url = f"/api/projects/{project['id']}/feature"
    assert (await client.post(url)).status_code == 401
    forbidden = await owner.client.post(url)
    assert forbidden.status_code == 403
    assert (await rows.project(project["id"])).is_featured is False
    assert await rows.notifications(owner.user.id, "project_featured") == []
    assert (await admin.client.post(f"/api/projects/{uuid.uuid4()}/feature")).status_code == 404
    await owner.client.delete(f"/api/projects/{project['id']}")
    assert (await admin.client.post(url)).status_code == 404


async def test_featured_lists_most_recently_featured_first(
    users: UserFactory, client: httpx.AsyncClient, rows: ProjectRows, projects: ProjectFactory
) -> None:
    owner = await users.user()
    admin = await users.admin()
    first, second, plain = [await projects.project(owner) for _ in range(3)]
    for p in (first, second):
        assert (await admin.client.post(f"/api/projects/{p['id']}/feature")).status_code == 200
    await rows.set_project(first["id"], featured_at=utcnow() + timedelta(minutes=1))
    await rows.recompute(first["id"])
    assert ids(await client.get("/api/projects/featured")) == [first["id"], second["id"]]
    assert ids(await client.get("/api/projects/featured", params={"limit": 1})) == [first["id"]]
    board = (await client.get("/api/projects/leaderboard")).json()["data"]
    assert [p["id"] for p in board["featured"]] == [first["id"], second["id"]]
    assert plain["id"] not in ids(await client.get("/api/projects/featured"))


async def test_banned_owners_projects_vanish_everywhere_and_return_when_unbanned(
    users: UserFactory, client: httpx.AsyncClient, rows: ProjectRows
) -> None:
    owner = await users.actor(email_verified=True)
    admin = await users.admin()
    project, member = await _visible_project(users, rows, admin.client, owner.user)
    shown = await _everywhere(client, project, owner.user, member)
    assert all(shown.values()), shown
    builders = (await client.get("/api/projects/leaderboard")).json()["data"]["top_builders"]
    assert str(owner.user.id) in [b["id"] for b in builders]

    await rows.ban(owner.user)
    shown = await _everywhere(client, project, owner.user, member)
    assert not any(shown.values()), shown
    builders = (await client.get("/api/projects/leaderboard")).json()["data"]["top_builders"]
    assert str(owner.user.id) not in [b["id"] for b in builders]
    # nobody can act on it either
    assert (await client.post(f"/api/projects/{project['id']}/view")).status_code == 404
    assert (await client.post(f"/api/projects/{project['id']}/share")).status_code == 404
    assert (await admin.client.post(f"/api/projects/{project['id']}/feature")).status_code == 404

    await rows.ban(owner.user, banned=False)
    shown = await _everywhere(client, project, owner.user, member)
    assert all(shown.values()), shown


async def test_deleted_owner_projects_vanish(
    users: UserFactory, client: httpx.AsyncClient, rows: ProjectRows, projects: ProjectFactory
) -> None:
    owner = await users.user()
    project = await projects.project(owner)
    await rows.set_user(owner.id, deleted_at=utcnow())
    assert (await client.get(f"/api/projects/{project['id']}")).status_code == 404
    assert ids(await client.get("/api/projects")) == []


async def test_the_feature_response_carries_the_admins_own_vote_and_save(
    users: UserFactory, rows: ProjectRows, projects: ProjectFactory
) -> None:
    admin = await users.admin()
    project = await projects.project(await users.user())
    await rows.vote(project["id"], admin.user, "down")
    await rows.save(project["id"], admin.user)
    response = await admin.client.post(f"/api/projects/{project['id']}/feature")
    data = response.json()["data"]
    assert data["user_vote"] == "down"
    assert data["is_saved"] is True
