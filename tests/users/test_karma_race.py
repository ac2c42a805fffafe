"""A full karma recompute racing a vote's karma delta on another project of the same owner.

PostgreSQL, READ COMMITTED: the recompute's `UPDATE users … SET karma = (sum of proof scores)`
must not read its sum from a snapshot older than the vote it waited for, or the vote's delta is
lost (the drift `oxship reconcile` found after the benchmark's mixed workload).
"""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlalchemy import func, select, update

from oxship.models import Project, User
from oxship.runtime import Runtime
from oxship.users import repository as users_repository
from tests.factories.projects import ProjectFactory
from tests.factories.users import UserFactory

pytestmark = pytest.mark.committed


async def test_a_recompute_waiting_for_a_vote_counts_the_vote(
    runtime: Runtime, users: UserFactory, projects: ProjectFactory
) -> None:
    if runtime.engine.dialect.name != "postgresql":
        pytest.skip("SQLite runs one writer at a time: the race needs PostgreSQL (CI's PG pass)")
    owner = await users.user()
    voted = uuid.UUID((await projects.project(owner))["id"])
    await projects.project(owner)

    async with runtime.write_sessionmaker() as vote, runtime.write_sessionmaker() as recompute:
        # The vote: the project's proof moves by +3, the owner's karma by the same delta; open.
        await vote.execute(
            update(Project).where(Project.id == voted).values(proof_score=Project.proof_score + 3)
        )
        await users_repository.add_karma(vote, owner.id, 3.0)

        # The recompute starts meanwhile and has to wait for the owner's row.
        waiting = asyncio.create_task(users_repository.refresh_karma(recompute, owner.id))
        await asyncio.sleep(0.3)
        assert not waiting.done()
        await vote.commit()
        await waiting
        await recompute.commit()

    async with runtime.sessionmaker() as check:
        karma = await check.scalar(select(User.karma).where(User.id == owner.id))
        proofs = await check.scalar(
            select(func.sum(Project.proof_score)).where(Project.user_id == owner.id)
        )
    assert karma == pytest.approx(proofs)
