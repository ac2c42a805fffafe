"""Admin actions under concurrency: each transition happens once and counters move once."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from oxship.models import AdminAction, Comment, Project, User
from oxship.runtime import Runtime
from tests.factories.projects import ProjectFactory
from tests.factories.users import UserFactory

pytestmark = pytest.mark.committed


async def test_concurrent_restores_move_the_count_once(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime
) -> None:
    admins = [await users.admin() for _ in range(4)]
    owner = await users.user()
    project_id = await projects.project_id(owner)
    assert (await admins[0].client.delete(f"/api/admin/projects/{project_id}")).status_code == 200

    responses = await asyncio.gather(
        *(a.client.post(f"/api/admin/projects/{project_id}/restore") for a in admins)
    )

    assert sorted(r.status_code for r in responses) == [200, 409, 409, 409]
    async with runtime.sessionmaker() as session:
        assert await session.scalar(select(User.project_count).where(User.id == owner.id)) == 1
        restored = await session.scalar(
            select(func.count())
            .select_from(AdminAction)
            .where(AdminAction.action == "project.restore")
        )
        assert restored == 1


async def test_concurrent_deletions_of_one_account_move_counters_once(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime
) -> None:
    admins = [await users.admin() for _ in range(3)]
    doomed = await users.actor()
    other = await users.user()
    project_id = await projects.project_id(other)
    for _ in range(3):
        response = await doomed.client.post(
            "/api/comments", json={"project_id": str(project_id), "content": "Nice one here"}
        )
        assert response.status_code == 201

    responses = await asyncio.gather(
        *(a.client.delete(f"/api/admin/users/{doomed.user.id}") for a in admins)
    )

    assert sorted(r.status_code for r in responses) == [200, 404, 404]
    async with runtime.sessionmaker() as session:
        count = await session.scalar(select(Project.comment_count).where(Project.id == project_id))
        live = await session.scalar(
            select(func.count()).select_from(Comment).where(Comment.is_deleted.is_(False))
        )
    assert (count, live) == (0, 0)
