"""Events: subscriptions, featured, types, admin toggles, bad input, statement counts."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from oxship.models import Event, EventSubscriber
from oxship.runtime import Runtime
from tests.events.conftest import make_event, when
from tests.factories.users import UserFactory


async def test_subscribe_and_unsubscribe(
    users: UserFactory, runtime: Runtime, client: httpx.AsyncClient
) -> None:
    organizer = await users.actor()
    fan = await users.actor()
    other = await users.actor()
    event = await make_event(organizer.client, "Subscribed event")
    url = f"/api/events/{event['slug']}/subscribe"
    assert (await client.post(url)).status_code == 401
    first = await fan.client.post(url)
    assert first.status_code == 200, first.text
    assert first.json()["data"] == {"subscriber_count": 1, "is_subscribed": True}
    again = await fan.client.post(url)
    assert again.status_code == 409
    second = await other.client.post(url)
    assert second.json()["data"] == {"subscriber_count": 2, "is_subscribed": True}
    left = await fan.client.delete(url)
    assert left.status_code == 200
    assert left.json()["data"] == {"subscriber_count": 1, "is_subscribed": False}
    assert (await fan.client.delete(url)).status_code == 404
    assert (await organizer.client.delete(url)).status_code == 404
    assert (await client.delete(url)).status_code == 401
    assert (await fan.client.post("/api/events/nope/subscribe")).status_code == 404
    async with runtime.sessionmaker() as session:
        rows = await session.scalar(select(func.count()).select_from(EventSubscriber))
        count = await session.scalar(
            select(Event.subscriber_count).where(Event.slug == event["slug"])
        )
    assert (rows, count) == (1, 1)


async def test_featured_route(users: UserFactory, client: httpx.AsyncClient) -> None:
    organizer = await users.actor()
    admin = await users.admin()
    past = await make_event(
        organizer.client, "Featured past", start_date=when(-5), end_date=when(-4)
    )
    later = await make_event(
        organizer.client, "Featured later", start_date=when(20), end_date=when(21)
    )
    soon = await make_event(organizer.client, "Featured soon", start_date=when(1), end_date=when(2))
    await make_event(organizer.client, "Not featured")
    gone = await make_event(organizer.client, "Featured gone")
    for event in (past, later, soon, gone):
        assert (await admin.client.post(f"/api/events/{event['slug']}/feature")).status_code == 200
    await organizer.client.delete(f"/api/events/{gone['slug']}")
    body = (await client.get("/api/events/featured")).json()
    assert [e["slug"] for e in body["data"]] == [soon["slug"], later["slug"], past["slug"]]
    assert body["pagination"]["total"] == 3
    paged = (await client.get("/api/events/featured", params={"per_page": 1})).json()
    assert [e["slug"] for e in paged["data"]] == [soon["slug"]]
    mine = (await organizer.client.get("/api/events/featured")).json()["data"]
    assert all(e["is_organizer"] for e in mine)


async def test_types_route(users: UserFactory, client: httpx.AsyncClient) -> None:
    organizer = await users.actor()
    await make_event(organizer.client, "Hack one")
    await make_event(organizer.client, "Hack two")
    await make_event(organizer.client, "A workshop", event_type="workshop")
    gone = await make_event(organizer.client, "Gone conference", event_type="conference")
    await organizer.client.delete(f"/api/events/{gone['slug']}")
    response = await client.get("/api/events/types")
    assert response.status_code == 200
    assert response.json()["data"] == [
        {"event_type": "hackathon", "count": 2},
        {"event_type": "conference", "count": 0},
        {"event_type": "competition", "count": 0},
        {"event_type": "showcase", "count": 0},
        {"event_type": "workshop", "count": 1},
    ]


@pytest.mark.parametrize("action", ["verify", "feature"])
async def test_admin_toggles(
    users: UserFactory, client: httpx.AsyncClient, runtime: Runtime, action: str
) -> None:
    organizer = await users.actor()
    admin = await users.admin()
    event = await make_event(organizer.client, f"Toggle {action}")
    url = f"/api/events/{event['slug']}/{action}"
    field = "is_verified" if action == "verify" else "is_featured"
    assert (await client.post(url)).status_code == 401
    assert (await organizer.client.post(url)).status_code == 403
    first = await admin.client.post(url)
    assert first.status_code == 200
    assert first.json()["data"] == {field: True}
    detail = (await client.get(f"/api/events/{event['slug']}")).json()["data"]
    assert detail[field] is True
    assert (await admin.client.post(url)).json()["data"] == {field: False}
    assert (await admin.client.post(f"/api/events/nope/{action}")).status_code == 404
    async with runtime.sessionmaker() as session:
        value = await session.scalar(
            select(getattr(Event, field)).where(Event.slug == event["slug"])
        )
    assert value is False


async def test_bad_input_is_never_a_500(users: UserFactory, client: httpx.AsyncClient) -> None:
    organizer = await users.actor()
    event = await make_event(organizer.client, "Robust event")
    slug = event["slug"]
    assert (
        await organizer.client.delete(f"/api/events/{slug}/projects/not-a-uuid")
    ).status_code == 422
    assert (
        await organizer.client.patch(f"/api/events/{slug}/projects/123", json={})
    ).status_code == 422
    bad_add = await organizer.client.post(
        f"/api/events/{slug}/projects", json={"project_id": "nope"}
    )
    assert bad_add.status_code == 422
    assert (await organizer.client.post(f"/api/events/{slug}/projects")).status_code == 422
    for params in ({"page": "two"}, {"per_page": "-1"}, {"sort": "bogus"}, {"track": "t" * 101}):
        response = await client.get(f"/api/events/{slug}/projects", params=params)
        assert response.status_code == 422, params
    for params in ({"search": "s" * 201}, {"category": "c" * 51}, {"featured": "yes please"}):
        assert (await client.get("/api/events", params=params)).status_code == 422, params
    assert (await client.get("/api/events/featured", params={"page": "x"})).status_code == 422
    long_slug = "x" * 5000
    assert (await client.get(f"/api/events/{long_slug}")).status_code in (404, 414)


@pytest.mark.parametrize("viewer", ["anonymous", "user"])
async def test_list_statement_count_does_not_grow_with_the_page(
    users: UserFactory, client: httpx.AsyncClient, query_count: Any, viewer: str
) -> None:
    organizer = await users.actor()
    fan = await users.actor()
    subscribed = set()
    for i in range(25):
        event = await make_event(organizer.client, f"Counted list event {i}")
        if i % 2:
            await fan.client.post(f"/api/events/{event['slug']}/subscribe")
            subscribed.add(event["slug"])
    reader = client if viewer == "anonymous" else fan.client
    # anonymous: total + page; a user: + the caller's session + the subscription overlay
    expected = 2 if viewer == "anonymous" else 4
    for per_page in (1, 20, 100):
        with query_count(expected):
            response = await reader.get("/api/events", params={"per_page": per_page})
        assert response.status_code == 200, response.text
        data = response.json()["data"]
        assert len(data) == min(per_page, 25)
        if viewer == "user":
            assert all(e["is_subscribed"] == (e["slug"] in subscribed) for e in data)
