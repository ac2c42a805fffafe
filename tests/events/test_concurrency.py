"""Entries and subscriptions under concurrency: one row each, counters equal to the rows."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from oxship.models import Event, EventProject, EventSubscriber
from oxship.runtime import Runtime
from tests.events.conftest import event_body, make_event
from tests.factories.projects import ProjectFactory
from tests.factories.users import UserFactory

pytestmark = pytest.mark.committed


async def test_concurrent_duplicate_adds_make_one_entry(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime
) -> None:
    organizer = await users.actor()
    maker = await users.actor()
    event = await make_event(organizer.client, "Race event")
    project_id = await projects.project_id(maker.user)
    url = f"/api/events/{event['slug']}/projects"
    body = {"project_id": str(project_id)}
    responses = await asyncio.gather(
        *(actor.client.post(url, json=body) for actor in [organizer, maker] * 4)
    )
    codes = sorted(r.status_code for r in responses)
    assert codes == [201] + [409] * 7, [r.text for r in responses]
    async with runtime.sessionmaker() as session:
        rows = await session.scalar(select(func.count()).select_from(EventProject))
        count = await session.scalar(select(Event.project_count))
    assert (rows, count) == (1, 1)


async def test_concurrent_subscriptions_count_every_row(
    users: UserFactory, runtime: Runtime
) -> None:
    organizer = await users.actor()
    event = await make_event(organizer.client, "Popular event")
    url = f"/api/events/{event['slug']}/subscribe"
    fans = [await users.actor() for _ in range(12)]
    repeat = fans[0]
    responses = await asyncio.gather(
        *(fan.client.post(url) for fan in fans), *(repeat.client.post(url) for _ in range(4))
    )
    codes = sorted(r.status_code for r in responses)
    assert codes == [200] * 12 + [409] * 4, [r.text for r in responses]
    async with runtime.sessionmaker() as session:
        rows = await session.scalar(select(func.count()).select_from(EventSubscriber))
        count = await session.scalar(select(Event.subscriber_count))
    assert (rows, count) == (12, 12)


async def test_concurrent_creates_of_one_name_make_one_event(
    users: UserFactory, runtime: Runtime
) -> None:
    organizer = await users.actor()

    responses = await asyncio.gather(
        *(organizer.client.post("/api/events", json=event_body("Same name")) for _ in range(6))
    )
    codes = sorted(r.status_code for r in responses)
    assert codes == [201] + [409] * 5, [r.text for r in responses]
    async with runtime.sessionmaker() as session:
        rows = await session.scalar(select(func.count()).select_from(Event))
    assert rows == 1
