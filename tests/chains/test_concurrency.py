"""Follows under concurrency: `follower_count` equals the rows."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import func, select

from oxship.models import Chain, ChainFollower, ChainProject
from oxship.runtime import Runtime
from tests.chains.conftest import make_chain
from tests.factories.projects import ProjectFactory
from tests.factories.users import UserFactory

pytestmark = pytest.mark.committed


async def test_thirty_concurrent_follows_count_thirty(users: UserFactory, runtime: Runtime) -> None:
    owner = await users.actor()
    chain = await make_chain(owner.client, "Busy chain")
    fans = [await users.actor() for _ in range(30)]
    responses = await asyncio.gather(
        *(fan.client.post(f"/api/chains/{chain['slug']}/follow") for fan in fans)
    )
    assert {r.status_code for r in responses} == {200}, [r.text for r in responses]
    async with runtime.sessionmaker() as session:
        rows = await session.scalar(select(func.count()).select_from(ChainFollower))
        count = await session.scalar(select(Chain.follower_count))
    assert (rows, count) == (30, 30)


async def test_concurrent_duplicate_follows_make_one_row(
    users: UserFactory, runtime: Runtime
) -> None:
    owner = await users.actor()
    chain = await make_chain(owner.client, "Double chain")
    fan = await users.actor()
    responses = await asyncio.gather(
        *(fan.client.post(f"/api/chains/{chain['slug']}/follow") for _ in range(8))
    )
    assert sorted(r.status_code for r in responses) == [200] + [409] * 7
    async with runtime.sessionmaker() as session:
        count = await session.scalar(select(Chain.follower_count))
    assert count == 1


async def test_concurrent_adds_of_one_project_stop_at_five(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime
) -> None:
    owner = await users.actor()
    chains = [await make_chain(owner.client, f"Race chain {i}") for i in range(6)]
    maker = await users.actor()
    project_id = await projects.project_id(maker.user)
    responses = await asyncio.gather(
        *(
            maker.client.post(
                f"/api/chains/{chain['slug']}/projects", json={"project_id": str(project_id)}
            )
            for chain in chains
        )
    )
    codes = sorted(r.status_code for r in responses)
    assert codes == [201] * 5 + [409], [r.text for r in responses]
    async with runtime.sessionmaker() as session:
        rows = await session.scalar(select(func.count()).select_from(ChainProject))
        total = await session.scalar(select(func.sum(Chain.project_count)))
    assert (rows, total) == (5, 5)


async def test_detail_views_race_writes_without_errors(
    users: UserFactory, runtime: Runtime, client: Any
) -> None:
    owner = await users.actor()
    chain = await make_chain(owner.client, "Raced detail")
    fans = [await users.actor() for _ in range(10)]
    url = f"/api/chains/{chain['slug']}"
    responses = await asyncio.gather(
        *(client.get(url) for _ in range(10)),
        *(fan.client.post(f"{url}/follow") for fan in fans),
    )
    assert {r.status_code for r in responses} == {200}, [r.text for r in responses]
    async with runtime.sessionmaker() as session:
        views, followers = (
            await session.execute(select(Chain.view_count, Chain.follower_count))
        ).one()
    assert (views, followers) == (10, 10)
