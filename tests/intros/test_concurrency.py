"""Exactly-once rules of introductions under concurrency (real commits)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from oxship.intros.jobs import run_expiry
from oxship.models import Conversation, DirectMessage, Intro, IntroRequest, JobRun
from oxship.runtime import Runtime
from tests.factories.projects import ProjectFactory
from tests.factories.users import UserFactory
from tests.intros.conftest import Investors, age, send_request

pytestmark = pytest.mark.committed


async def _count(runtime: Runtime, model: type) -> int:
    async with runtime.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_ten_concurrent_accepts_make_one_conversation(
    users: UserFactory, projects: ProjectFactory, investors: Investors, runtime: Runtime
) -> None:
    builder = await users.actor()
    project_id = await projects.project_id(builder.user)
    investor = await investors.actor()
    request = (await send_request(investor.client, project_id)).json()["data"]
    responses = await asyncio.gather(
        *(builder.client.post(f"/api/intro-requests/{request['id']}/accept") for _ in range(10))
    )
    codes = sorted(r.status_code for r in responses)
    assert codes == [200] + [409] * 9, [r.text for r in responses]
    assert await _count(runtime, Conversation) == 1
    assert await _count(runtime, DirectMessage) == 1
    assert await investors.accepted_count(investor) == 1


async def test_ten_concurrent_identical_requests_make_one_row(
    users: UserFactory, projects: ProjectFactory, investors: Investors, runtime: Runtime
) -> None:
    builder = await users.actor()
    project_id = await projects.project_id(builder.user)
    for plan in ("free", "professional"):
        investor = await investors.actor(plan=plan)
        responses = await asyncio.gather(
            *(send_request(investor.client, project_id) for _ in range(10))
        )
        codes = sorted(r.status_code for r in responses)
        assert codes == [201] + [409] * 9, [r.text for r in responses]
    assert await _count(runtime, IntroRequest) == 2


async def test_concurrent_free_plan_requests_stop_at_five(
    users: UserFactory, projects: ProjectFactory, investors: Investors, runtime: Runtime
) -> None:
    builder = await users.actor()
    ids = [await projects.project_id(builder.user) for _ in range(8)]
    investor = await investors.actor()
    responses = await asyncio.gather(*(send_request(investor.client, pid) for pid in ids))
    codes = sorted(r.status_code for r in responses)
    assert codes == [201] * 5 + [429] * 3, [r.text for r in responses]
    assert await _count(runtime, IntroRequest) == 5


async def test_two_concurrent_runs_of_one_period_expire_once(
    users: UserFactory, projects: ProjectFactory, investors: Investors, runtime: Runtime
) -> None:
    builder = await users.actor()
    investor = await investors.actor(plan="professional")
    for _ in range(3):
        await send_request(investor.client, await projects.project_id(builder.user))
    await age(runtime, IntroRequest, 45)
    now = datetime(2031, 3, 4, 10, 0, tzinfo=UTC)
    results = await asyncio.gather(run_expiry(runtime, now), run_expiry(runtime, now))
    done = [r for r in results if r is not None]
    assert done == [{"intro_requests": 3, "intros": 0, "period": "2031-03-04T10"}]
    assert results.count(None) == 1
    assert await _count(runtime, JobRun) == 1


async def test_concurrent_identical_intros_make_one_row(
    users: UserFactory, projects: ProjectFactory, investors: Investors, runtime: Runtime
) -> None:
    builder = await users.actor()
    project_id = await projects.project_id(builder.user)
    investor = await investors.actor()
    body = {
        "project_id": str(project_id),
        "recipient_id": str(investor.user.id),
        "requester_contact": "me@example.com",
    }
    responses = await asyncio.gather(
        *(builder.client.post("/api/intros/request", json=body) for _ in range(10))
    )
    assert sorted(r.status_code for r in responses) == [201] + [409] * 9
    assert await _count(runtime, Intro) == 1
    intro_id = next(r.json()["data"]["id"] for r in responses if r.status_code == 201)
    accepts = await asyncio.gather(
        *(investor.client.put(f"/api/intros/{intro_id}/accept") for _ in range(10))
    )
    assert sorted(r.status_code for r in accepts) == [200] + [409] * 9
    assert await investors.accepted_count(investor) == 1
