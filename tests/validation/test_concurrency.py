"""Awards under concurrency: one badge per (validator, project), counters equal to the rows."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from oxship.models import Badge, Project, User
from oxship.runtime import Runtime
from tests.factories.projects import ProjectFactory
from tests.factories.users import UserFactory
from tests.validation.conftest import award, make_validator

pytestmark = pytest.mark.committed


async def test_ten_concurrent_awards_by_one_validator_make_one_badge(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime
) -> None:
    owner = await users.user()
    project_id = await projects.project_id(owner)
    validator = await make_validator(users, can_validate_all=True)

    responses = await asyncio.gather(
        *(award(validator.client, project_id, "gold") for _ in range(10))
    )

    codes = sorted(r.status_code for r in responses)
    assert codes == [201] + [409] * 9, [r.text for r in responses]
    async with runtime.sessionmaker() as session:
        rows = await session.scalar(select(func.count()).select_from(Badge))
        project = (
            await session.execute(
                select(Project.badge_count, Project.badge_points, Project.validation_score)
            )
        ).one()
        karma = await session.scalar(select(User.karma).where(User.id == validator.user.id))
        received = await session.scalar(select(User.badge_count).where(User.id == owner.id))
    assert rows == 1
    assert tuple(project) == (1, 15, 15.0)
    assert karma == 2.0
    assert received == 1


async def test_concurrent_awards_by_many_validators_all_count(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime
) -> None:
    owner = await users.user()
    project_id = await projects.project_id(owner)
    validators = [await make_validator(users, can_validate_all=True) for _ in range(6)]

    responses = await asyncio.gather(*(award(v.client, project_id, "stone") for v in validators))

    assert {r.status_code for r in responses} == {201}, [r.text for r in responses]
    async with runtime.sessionmaker() as session:
        rows = await session.scalar(select(func.count()).select_from(Badge))
        project = (
            await session.execute(
                select(Project.badge_count, Project.badge_points, Project.validation_score)
            )
        ).one()
    assert rows == 6
    assert tuple(project) == (6, 30, 30.0)
