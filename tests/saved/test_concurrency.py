"""Saves under concurrency: one row per (user, project), `save_count` equal to the rows."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlalchemy import func, select

from oxship.models import Project, SavedProject
from oxship.runtime import Runtime
from tests.factories.projects import ProjectFactory
from tests.factories.users import UserFactory

pytestmark = pytest.mark.committed


async def _rows_and_count(runtime: Runtime, project_id: uuid.UUID) -> tuple[int, int]:
    async with runtime.sessionmaker() as session:
        rows = await session.scalar(
            select(func.count()).where(SavedProject.project_id == project_id)
        )
        count = await session.scalar(select(Project.save_count).where(Project.id == project_id))
    return int(rows or 0), int(count or 0)


async def test_concurrent_duplicate_saves_make_one_row_and_count_one(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime
) -> None:
    project_id = await projects.project_id(await users.user())
    saver = await users.actor()

    responses = await asyncio.gather(
        *(saver.client.post(f"/api/saved/save/{project_id}") for _ in range(10))
    )

    assert sorted(r.status_code for r in responses) == [201] + [409] * 9, [
        r.text for r in responses
    ]
    assert await _rows_and_count(runtime, project_id) == (1, 1)


async def test_concurrent_saves_of_distinct_users_all_count(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime
) -> None:
    project_id = await projects.project_id(await users.user())
    savers = [await users.actor() for _ in range(15)]

    responses = await asyncio.gather(
        *(s.client.post(f"/api/saved/save/{project_id}") for s in savers)
    )

    assert {r.status_code for r in responses} == {201}
    assert await _rows_and_count(runtime, project_id) == (15, 15)


async def test_concurrent_saves_and_unsaves_leave_the_count_equal_to_the_rows(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime
) -> None:
    project_id = await projects.project_id(await users.user())
    saver = await users.actor()
    calls = [
        saver.client.post(f"/api/saved/save/{project_id}")
        if i % 2 == 0
        else saver.client.delete(f"/api/saved/unsave/{project_id}")
        for i in range(12)
    ]

    responses = await asyncio.gather(*calls)

    assert {r.status_code for r in responses} <= {200, 201, 404, 409}
    rows, count = await _rows_and_count(runtime, project_id)
    assert rows in (0, 1)
    assert count == rows
