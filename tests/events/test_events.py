"""Events: create, list (filters, sorts, cache, overlay), detail, update, delete."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import select, update

from oxship.models import Event
from oxship.runtime import Runtime
from tests.events.conftest import event_body, make_event, when
from tests.factories.users import UserFactory


async def test_create_returns_the_event_with_a_slug(users: UserFactory, runtime: Runtime) -> None:
    organizer = await users.actor()
    body = event_body(
        "  ETH Global Lisbon  ",
        tagline="  Build on Ethereum ",
        categories=["DeFi", "defi", "AI"],
        banner_url="https://img.example/banner.png",
        logo_url="https://img.example/logo.png",
        website_url="https://ethglobal.example",
        location="Lisbon",
        prize_pool=50000,
        start_date="2030-05-01T09:00:00+02:00",
        end_date="2030-05-03T18:00:00Z",
    )
    response = await organizer.client.post("/api/events", json=body)
    assert response.status_code == 201, response.text
    event = response.json()["data"]
    assert event["name"] == "ETH Global Lisbon"
    assert event["slug"] == "eth-global-lisbon"
    assert event["tagline"] == "Build on Ethereum"
    assert event["categories"] == ["DeFi", "AI"]
    assert event["start_date"] == "2030-05-01T07:00:00Z"
    assert event["end_date"] == "2030-05-03T18:00:00Z"
    assert event["prize_pool"] == 50000
    assert event["organizer"]["username"] == organizer.user.username
    assert event["is_organizer"] is True
    assert event["is_subscribed"] is False
    assert (event["view_count"], event["project_count"], event["subscriber_count"]) == (0, 0, 0)
    assert (event["is_featured"], event["is_verified"]) == (False, False)
    assert "name_key" not in event
    assert "is_deleted" not in event
    async with runtime.sessionmaker() as session:
        row = await session.scalar(select(Event).where(Event.slug == "eth-global-lisbon"))
    assert row is not None
    assert (row.name_key, row.creator_id) == ("eth global lisbon", organizer.user.id)


async def test_create_needs_a_user(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/events", json=event_body("Anonymous event"))
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"


@pytest.mark.parametrize(
    "fields",
    [
        {"name": "ab"},
        {"name": "x" * 201},
        {"description": "too short"},
        {"description": "d" * 10_001},
        {"tagline": "t" * 301},
        {"location": "l" * 201},
        {"event_type": "party"},
        {"event_type": None},
        {"start_date": "tomorrow"},
        {"start_date": when(5), "end_date": when(4)},
        {"banner_url": "ftp://x.example/a.png"},
        {"logo_url": "javascript:alert(1)"},
        {"website_url": "not a url"},
        {"prize_pool": -1},
        {"categories": [f"c{i}" for i in range(11)]},
        {"categories": ["c" * 51]},
        {"categories": [""]},
        {"name": "Nul\x00name"},
        {"start_date": "9999-12-31T23:00:00-05:00", "end_date": "9999-12-31T23:00:00-05:00"},
    ],
)
async def test_create_limits(users: UserFactory, fields: dict[str, Any]) -> None:
    organizer = await users.actor()
    body = {**event_body("Valid event name"), **fields}
    response = await organizer.client.post("/api/events", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["error"] == "validation_error"


async def test_create_missing_fields_and_bad_bodies(users: UserFactory) -> None:
    organizer = await users.actor()
    for field in ("name", "description", "event_type", "start_date", "end_date"):
        body = event_body("Missing field event")
        del body[field]
        assert (await organizer.client.post("/api/events", json=body)).status_code == 422
    assert (await organizer.client.post("/api/events")).status_code == 422
    assert (await organizer.client.post("/api/events", json=[])).status_code == 422
    response = await organizer.client.post(
        "/api/events", content=b"{bad", headers={"content-type": "application/json"}
    )
    assert response.status_code == 400


async def test_end_equal_to_start_and_date_only_are_accepted(users: UserFactory) -> None:
    organizer = await users.actor()
    same = when(3)
    event = await make_event(organizer.client, "One moment", start_date=same, end_date=same)
    assert event["start_date"] == event["end_date"]
    dated = await make_event(
        organizer.client, "Dated event", start_date="2031-01-01", end_date="2031-01-02"
    )
    assert dated["start_date"] == "2031-01-01T00:00:00Z"


async def test_duplicate_name_in_any_case_is_409_and_slugs_get_suffixes(
    users: UserFactory,
) -> None:
    organizer = await users.actor()
    await make_event(organizer.client, "Web3 Jam")
    for name in ("web3 jam", "WEB3 JAM", " Web3 Jam "):
        response = await organizer.client.post("/api/events", json=event_body(name))
        assert response.status_code == 409, response.text
        assert response.json()["error"] == "conflict"
    assert (await make_event(organizer.client, "Web3 Jam!"))["slug"] == "web3-jam-2"
    assert (await make_event(organizer.client, "Web3-Jam"))["slug"] == "web3-jam-3"
    assert (await make_event(organizer.client, "!!!"))["slug"] == "event"
    assert (await make_event(organizer.client, "???"))["slug"] == "event-2"


async def _slugs(client: httpx.AsyncClient, **params: Any) -> list[str]:
    response = await client.get("/api/events", params=params)
    assert response.status_code == 200, response.text
    return [item["slug"] for item in response.json()["data"]]


async def test_list_sorts(users: UserFactory, runtime: Runtime, client: httpx.AsyncClient) -> None:
    organizer = await users.actor()
    past = await make_event(organizer.client, "Past event", start_date=when(-10), end_date=when(-8))
    older = await make_event(
        organizer.client, "Older past", start_date=when(-30), end_date=when(-20)
    )
    live = await make_event(
        organizer.client, "Live event", start_date=when(-1), end_date=when(1), prize_pool=100
    )
    soon = await make_event(
        organizer.client, "Soon event", start_date=when(2), end_date=when(9), prize_pool=5000
    )
    later = await make_event(
        organizer.client, "Later event", start_date=when(20), end_date=when(21), prize_pool=0
    )
    async with runtime.sessionmaker() as session:
        for slug, subs, views in (
            ("soon-event", 5, 0),
            ("past-event", 5, 9),
            ("later-event", 7, 0),
        ):
            await session.execute(
                update(Event)
                .where(Event.slug == slug)
                .values(subscriber_count=subs, view_count=views)
            )
        await session.commit()
    upcoming = [live, soon, later, past, older]
    assert await _slugs(client) == [e["slug"] for e in upcoming]
    assert await _slugs(client, sort="upcoming") == [e["slug"] for e in upcoming]
    newest = [later, soon, live, older, past]
    assert await _slugs(client, sort="newest") == [e["slug"] for e in newest]
    popular = await _slugs(client, sort="popular")
    assert popular[:3] == [later["slug"], past["slug"], soon["slug"]]
    prize = await _slugs(client, sort="prize")
    assert prize[:3] == [soon["slug"], live["slug"], later["slug"]]
    assert set(prize[3:]) == {past["slug"], older["slug"]}
    assert await _slugs(client, sort="ending_soon") == [live["slug"], soon["slug"], later["slug"]]
    assert (await client.get("/api/events", params={"sort": "bogus"})).status_code == 422


async def test_list_filters(users: UserFactory, client: httpx.AsyncClient) -> None:
    organizer = await users.actor()
    admin = await users.admin()
    past = await make_event(
        organizer.client,
        "Past summit",
        event_type="conference",
        start_date=when(-10),
        end_date=when(-8),
        categories=["AI"],
    )
    live = await make_event(
        organizer.client,
        "Live jam",
        tagline="Ship 100% of it",
        start_date=when(-1),
        end_date=when(1),
        categories=["ai", "Games"],
    )
    soon = await make_event(
        organizer.client,
        "Soon showcase",
        event_type="showcase",
        description="Demo day for the under_dogs of web3.",
        categories=["Games"],
    )
    await admin.client.post(f"/api/events/{soon['slug']}/feature")
    await admin.client.post(f"/api/events/{past['slug']}/verify")

    assert await _slugs(client, upcoming="true") == [soon["slug"]]
    assert await _slugs(client, upcoming="false") == [live["slug"], past["slug"]]
    assert await _slugs(client, ongoing="true") == [live["slug"]]
    assert await _slugs(client, ongoing="false") == [soon["slug"], past["slug"]]
    assert await _slugs(client, past="true") == [past["slug"]]
    assert await _slugs(client, past="false") == [live["slug"], soon["slug"]]
    assert await _slugs(client, event_type="conference") == [past["slug"]]
    assert await _slugs(client, event_type="workshop") == []
    assert (await client.get("/api/events", params={"event_type": "party"})).status_code == 422
    assert set(await _slugs(client, category="AI")) == {past["slug"], live["slug"]}
    assert set(await _slugs(client, category=" games ")) == {live["slug"], soon["slug"]}
    assert await _slugs(client, category="gam") == []
    assert await _slugs(client, featured="true") == [soon["slug"]]
    assert await _slugs(client, featured="false") == [live["slug"], past["slug"]]
    assert await _slugs(client, verified="true") == [past["slug"]]
    assert await _slugs(client, verified="false") == [live["slug"], soon["slug"]]
    # search: name, tagline, description; case-insensitive; wildcards match literally
    assert await _slugs(client, search="SUMMIT") == [past["slug"]]
    assert await _slugs(client, search="100%") == [live["slug"]]
    assert await _slugs(client, search="under_dogs") == [soon["slug"]]
    assert await _slugs(client, search="%") == [live["slug"]]
    assert await _slugs(client, search="s%t") == []
    assert await _slugs(client, search="_") == [soon["slug"]]
    assert await _slugs(client, search="   ") == [live["slug"], soon["slug"], past["slug"]]
    combined = await _slugs(client, category="games", upcoming="true", featured="true")
    assert combined == [soon["slug"]]
    assert (await client.get("/api/events", params={"upcoming": "maybe"})).status_code == 422


async def test_list_pagination_and_deleted_events(
    users: UserFactory, client: httpx.AsyncClient
) -> None:
    organizer = await users.actor()
    made = [
        await make_event(
            organizer.client, f"Paged event {i}", start_date=when(i + 1), end_date=when(i + 2)
        )
        for i in range(3)
    ]
    await organizer.client.delete(f"/api/events/{made[1]['slug']}")
    body = (await client.get("/api/events", params={"per_page": 1, "page": 2})).json()
    assert body["pagination"] == {
        "page": 2,
        "per_page": 1,
        "total": 2,
        "total_pages": 2,
        "has_next": False,
        "has_prev": True,
    }
    assert [e["slug"] for e in body["data"]] == [made[2]["slug"]]
    for params in ({"page": "x"}, {"per_page": "0"}, {"per_page": "101"}, {"page": "0"}):
        response = await client.get("/api/events", params=params)
        assert response.status_code == 422, params


async def test_list_overlay_is_per_caller_and_not_leaked_through_the_cache(
    users: UserFactory, client: httpx.AsyncClient
) -> None:
    organizer = await users.actor()
    fan = await users.actor()
    stranger = await users.actor()
    mine = await make_event(organizer.client, "Overlay one")
    other = await make_event(fan.client, "Overlay two", start_date=when(11), end_date=when(12))
    assert (await fan.client.post(f"/api/events/{mine['slug']}/subscribe")).status_code == 200

    def flags(body: dict[str, Any]) -> dict[str, tuple[bool, bool]]:
        return {e["slug"]: (e["is_subscribed"], e["is_organizer"]) for e in body["data"]}

    seen_by_fan = flags((await fan.client.get("/api/events")).json())
    assert seen_by_fan == {mine["slug"]: (True, False), other["slug"]: (False, True)}
    seen_by_stranger = flags((await stranger.client.get("/api/events")).json())
    assert seen_by_stranger == {mine["slug"]: (False, False), other["slug"]: (False, False)}
    anonymous = await client.get("/api/events")
    assert flags(anonymous.json()) == seen_by_stranger
    assert anonymous.headers["cache-control"].startswith("public")
    assert (
        await client.get("/api/events", headers={"If-None-Match": anonymous.headers["etag"]})
    ).status_code == 304
    seen_by_organizer = flags((await organizer.client.get("/api/events")).json())
    assert seen_by_organizer == {mine["slug"]: (False, True), other["slug"]: (False, False)}


async def test_the_cached_list_follows_writes(
    users: UserFactory, client: httpx.AsyncClient
) -> None:
    organizer = await users.actor()
    assert await _slugs(client) == []
    event = await make_event(organizer.client, "Cached event")
    assert await _slugs(client) == [event["slug"]]
    await organizer.client.put(f"/api/events/{event['slug']}", json={"tagline": "New tagline"})
    listed = (await client.get("/api/events")).json()["data"]
    assert listed[0]["tagline"] == "New tagline"
    fan = await users.actor()
    await fan.client.post(f"/api/events/{event['slug']}/subscribe")
    assert (await client.get("/api/events")).json()["data"][0]["subscriber_count"] == 1
    await organizer.client.delete(f"/api/events/{event['slug']}")
    assert await _slugs(client) == []


async def test_detail_counts_views_and_personalises(
    users: UserFactory, runtime: Runtime, client: httpx.AsyncClient
) -> None:
    organizer = await users.actor()
    fan = await users.actor()
    event = await make_event(organizer.client, "Viewed event")
    slug = event["slug"]
    await fan.client.post(f"/api/events/{slug}/subscribe")
    anonymous = await client.get(f"/api/events/{slug}")
    assert anonymous.status_code == 200
    first = anonymous.json()["data"]
    second = (await fan.client.get(f"/api/events/{slug}")).json()["data"]
    third = (await organizer.client.get(f"/api/events/{slug}")).json()["data"]
    assert (first["view_count"], second["view_count"], third["view_count"]) == (1, 2, 3)
    assert (first["is_subscribed"], first["is_organizer"]) == (False, False)
    assert (second["is_subscribed"], second["is_organizer"]) == (True, False)
    assert (third["is_subscribed"], third["is_organizer"]) == (False, True)
    assert first["organizer"]["id"] == str(organizer.user.id)
    assert "no-store" in anonymous.headers["cache-control"]
    async with runtime.sessionmaker() as session:
        views = await session.scalar(select(Event.view_count).where(Event.slug == slug))
    assert views == 3
    missing = await client.get("/api/events/no-such-event")
    assert missing.status_code == 404
    assert missing.json()["error"] == "not_found"


async def test_update_permissions_and_rules(users: UserFactory, client: httpx.AsyncClient) -> None:
    organizer = await users.actor()
    other = await users.actor()
    admin = await users.admin()
    event = await make_event(organizer.client, "Editable event")
    slug = event["slug"]
    url = f"/api/events/{slug}"
    assert (await client.put(url, json={"tagline": "x"})).status_code == 401
    forbidden = await other.client.put(url, json={"tagline": "x"})
    assert forbidden.status_code == 403
    assert forbidden.json()["error"] == "forbidden"

    response = await organizer.client.put(
        url, json={"name": "Renamed Event", "tagline": "Fresh", "categories": ["Infra"]}
    )
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert (data["name"], data["slug"], data["tagline"]) == ("Renamed Event", slug, "Fresh")
    assert data["categories"] == ["Infra"]
    assert data["is_organizer"] is True
    assert data["description"] == event["description"]

    response = await admin.client.put(url, json={"prize_pool": 10.5, "tagline": None})
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert (data["prize_pool"], data["tagline"], data["is_organizer"]) == (10.5, None, False)

    # end ≥ start is checked against the merged values
    bad = await organizer.client.put(url, json={"end_date": when(1)})
    assert bad.status_code == 422
    assert bad.json()["details"][0]["field"] == "end_date"
    bad = await organizer.client.put(url, json={"start_date": when(13)})
    assert bad.status_code == 422
    both = await organizer.client.put(url, json={"start_date": when(30), "end_date": when(31)})
    assert both.status_code == 200
    for body in (
        {"name": None},
        {"description": None},
        {"event_type": None},
        {"start_date": None},
        {"name": "ab"},
        {"event_type": "party"},
        {"website_url": "nope"},
        {"categories": ["x"] * 11},
    ):
        assert (await organizer.client.put(url, json=body)).status_code == 422, body

    await make_event(other.client, "Taken name")
    clash = await organizer.client.put(url, json={"name": "TAKEN NAME"})
    assert clash.status_code == 409
    # renaming to its own name in another case is fine
    same = await organizer.client.put(url, json={"name": "RENAMED event"})
    assert same.status_code == 200
    assert same.json()["data"]["name"] == "RENAMED event"
    assert (await organizer.client.put("/api/events/nope", json={})).status_code == 404


async def test_soft_delete(users: UserFactory, runtime: Runtime, client: httpx.AsyncClient) -> None:
    organizer = await users.actor()
    other = await users.actor()
    admin = await users.admin()
    first = await make_event(organizer.client, "Doomed event")
    second = await make_event(organizer.client, "Admin doomed event")
    assert (await client.delete(f"/api/events/{first['slug']}")).status_code == 401
    assert (await other.client.delete(f"/api/events/{first['slug']}")).status_code == 403
    response = await organizer.client.delete(f"/api/events/{first['slug']}")
    assert response.status_code == 200
    assert response.json()["data"] == {"deleted": True}
    assert (await admin.client.delete(f"/api/events/{second['slug']}")).status_code == 200
    for event in (first, second):
        slug = event["slug"]
        assert (await client.get(f"/api/events/{slug}")).status_code == 404
        assert (await organizer.client.delete(f"/api/events/{slug}")).status_code == 404
        assert (await organizer.client.put(f"/api/events/{slug}", json={})).status_code == 404
        assert (await other.client.post(f"/api/events/{slug}/subscribe")).status_code == 404
        assert (await client.get(f"/api/events/{slug}/projects")).status_code == 404
    async with runtime.sessionmaker() as session:
        rows = (await session.scalars(select(Event).where(Event.slug == first["slug"]))).all()
    assert rows[0].is_deleted is True
    assert rows[0].deleted_at is not None
    # the name stays reserved
    again = await organizer.client.post("/api/events", json=event_body("Doomed event"))
    assert again.status_code == 409
