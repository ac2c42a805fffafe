"""The public investor directory and its stats, on a crafted set of investors."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest

from oxship.kit.clock import utcnow
from tests.factories.users import Actor, UserFactory
from tests.investors.conftest import DIRECTORY, STATS, Rows, apply, approve


@dataclass
class Crowd:
    """Five visible investors A to E (and hidden ones), their emails."""

    ids: dict[str, str]  # letter → user id
    emails: list[str]

    def letters(self, data: list[dict[str, Any]]) -> list[str]:
        by_id = {v: k for k, v in self.ids.items()}
        return [by_id.get(d["user_id"], "?") for d in data]


@pytest.fixture
async def crowd(users: UserFactory, rows: Rows) -> Crowd:
    now = utcnow()
    specs: dict[str, dict[str, Any]] = {
        "A": {
            "name": "Alice Capital",
            "company_name": "Acme Fund",
            "investment_thesis": "Climate hardware",
            "investment_stages": ["seed"],
            "industries": ["AI", "Climate"],
            "geographic_focus": ["Europe"],
            "ticket_size_min": 10_000,
            "ticket_size_max": 100_000,
            "accepted_intro_count": 5,
            "decided_at": now - timedelta(days=5),
        },
        "B": {
            "investor_type": "organization",
            "name": "bob ventures",
            "company_name": "Bobco",
            "investment_thesis": "B2B SaaS with a 100% remote team",
            "investment_stages": ["series-a"],
            "industries": ["SaaS"],
            "geographic_focus": ["USA"],
            "ticket_size_min": 500_000,
            "ticket_size_max": 2_000_000,
            "open_to_requests": False,
            "accepted_intro_count": 10,
            "decided_at": now - timedelta(days=1),
        },
        "C": {
            "name": "Carol",
            "investment_stages": ["pre-seed", "seed"],
            "industries": ["ai"],
            "geographic_focus": ["Europe", "Asia"],
            "ticket_size_max": 50_000,
            "decided_at": now - timedelta(days=3),
        },
        "D": {
            "investor_type": "organization",
            "name": "Dan_Fund",
            "investment_stages": ["growth"],
            "industries": ["Fintech"],
            "geographic_focus": ["Asia"],
            "ticket_size_min": 5_000_000,
            "accepted_intro_count": 10,
            "decided_at": now - timedelta(days=2),
        },
        "E": {"name": "Eve", "accepted_intro_count": 1, "decided_at": now - timedelta(days=4)},
    }
    ids: dict[str, str] = {}
    emails: list[str] = []
    for letter, fields in specs.items():
        user = await users.user()
        await rows.investor(user, **fields)
        ids[letter] = str(user.id)
        emails.append(user.email)
    hidden: list[dict[str, Any]] = [
        {"is_public": False, "name": "Hidden Alice"},
        {"status": "pending", "name": "Pending Alice"},
        {"status": "revoked", "name": "Revoked Alice"},
        {"status": "rejected", "name": "Rejected Alice"},
    ]
    for fields in hidden:
        user = await users.user()
        await rows.investor(user, industries=["AI"], **fields)
        emails.append(user.email)
    banned = await users.user()
    await rows.investor(banned, name="Banned Alice", industries=["AI"])
    await rows.set_user(banned.id, is_active=False)
    deleted = await users.user()
    await rows.investor(deleted, name="Deleted Alice", industries=["AI"])
    await rows.set_user(deleted.id, deleted_at=utcnow())
    return Crowd(ids=ids, emails=emails)


async def _letters(client: httpx.AsyncClient, crowd: Crowd, params: Any) -> list[str]:
    response = await client.get(DIRECTORY, params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["pagination"]["total"] == len(body["data"])
    return crowd.letters(body["data"])


async def test_directory_lists_only_visible_investors_newest_first(
    client: httpx.AsyncClient, crowd: Crowd
) -> None:
    response = await client.get(DIRECTORY)

    assert response.status_code == 200
    body = response.json()
    assert crowd.letters(body["data"]) == ["B", "D", "C", "E", "A"]
    assert body["meta"] == {"filters": {}, "sort": "newest"}
    assert not any(email in response.text for email in crowd.emails)
    first = body["data"][-1]
    assert first["name"] == "Alice Capital"
    assert first["user"]["id"] == crowd.ids["A"]
    assert "email" not in first["user"]
    assert "reason" not in first
    assert "status" not in first


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("newest", ["B", "D", "C", "E", "A"]),
        ("most_active", ["B", "D", "A", "E", "C"]),
        ("ticket_size", ["B", "A", "C", "E", "D"]),
        ("alphabetical", ["A", "B", "C", "D", "E"]),
    ],
)
async def test_each_sort(
    client: httpx.AsyncClient, crowd: Crowd, sort: str, expected: list[str]
) -> None:
    response = await client.get(DIRECTORY, params={"sort": sort})

    assert response.status_code == 200
    letters = crowd.letters(response.json()["data"])
    if sort == "ticket_size":  # D and E have no maximum: both last, in a stable order
        assert letters[:3] == expected[:3]
        assert set(letters[3:]) == {"D", "E"}
    else:
        assert letters == expected
    assert response.json()["meta"]["sort"] == sort


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"type": "organization"}, {"B", "D"}),
        ({"type": "individual"}, {"A", "C", "E"}),
        ({"stage": "seed"}, {"A", "C"}),
        ({"stage": ["seed", "growth"]}, {"A", "C", "D"}),
        ({"industry": "AI"}, {"A", "C"}),
        ({"industry": " ai "}, {"A", "C"}),
        ({"industry": ["climate", "FINTECH"]}, {"A", "D"}),
        ({"industry": "biotech"}, set()),
        ({"geography": "asia"}, {"C", "D"}),
        ({"geography": ["usa", "europe"]}, {"A", "B", "C"}),
        ({"open_to_requests": "false"}, {"B"}),
        ({"open_to_requests": "true"}, {"A", "C", "D", "E"}),
        ({"search": "capital"}, {"A"}),  # name
        ({"search": "BOBCO"}, {"B"}),  # company
        ({"search": "climate hard"}, {"A"}),  # thesis
        ({"search": "_"}, {"D"}),  # a literal underscore, not a LIKE wildcard
        ({"search": "%"}, {"B"}),  # a literal percent sign
        ({"search": "  "}, {"A", "B", "C", "D", "E"}),  # blank = no search
    ],
)
async def test_each_filter(
    client: httpx.AsyncClient, crowd: Crowd, params: dict[str, Any], expected: set[str]
) -> None:
    letters = await _letters(client, crowd, params)

    assert set(letters) == expected
    assert len(letters) == len(expected)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        # Investor ranges: A 10k-100k, B 500k-2M, C ?-50k, D 5M-?, E ?-?; missing bound = open.
        ({"min_ticket": 200_000}, {"B", "D", "E"}),
        ({"max_ticket": 20_000}, {"A", "C", "E"}),
        ({"min_ticket": 100_000}, {"A", "B", "D", "E"}),  # touching A's maximum overlaps
        ({"max_ticket": 10_000}, {"A", "C", "E"}),  # touching A's minimum overlaps
        ({"min_ticket": 50_000, "max_ticket": 50_000}, {"A", "C", "E"}),
        ({"min_ticket": 100_001, "max_ticket": 499_999}, {"E"}),  # the gap between A and B
        ({"min_ticket": 2_000_000, "max_ticket": 5_000_000}, {"B", "D", "E"}),
        ({"min_ticket": 0}, {"A", "B", "C", "D", "E"}),
    ],
)
async def test_ticket_filters_select_overlapping_ranges(
    client: httpx.AsyncClient, crowd: Crowd, params: dict[str, Any], expected: set[str]
) -> None:
    assert set(await _letters(client, crowd, params)) == expected


async def test_filters_combine_and_are_echoed(client: httpx.AsyncClient, crowd: Crowd) -> None:
    params: dict[str, Any] = {
        "type": "individual",
        "industry": ["AI", "ai"],
        "geography": "Europe",
        "open_to_requests": "true",
        "min_ticket": 1000,
        "sort": "alphabetical",
    }

    response = await client.get(DIRECTORY, params=params)

    assert crowd.letters(response.json()["data"]) == ["A", "C"]
    assert response.json()["meta"] == {
        "filters": {
            "type": "individual",
            "industry": ["ai"],
            "geography": ["europe"],
            "open_to_requests": True,
            "min_ticket": 1000,
        },
        "sort": "alphabetical",
    }
    narrowed = await client.get(DIRECTORY, params={**params, "search": "carol"})
    assert crowd.letters(narrowed.json()["data"]) == ["C"]
    assert narrowed.json()["meta"]["filters"]["search"] == "carol"


async def test_directory_pages(client: httpx.AsyncClient, crowd: Crowd) -> None:
    response = await client.get(DIRECTORY, params={"per_page": 2, "page": 2})

    body = response.json()
    assert crowd.letters(body["data"]) == ["C", "E"]
    assert body["pagination"] == {
        "page": 2,
        "per_page": 2,
        "total": 5,
        "total_pages": 3,
        "has_next": True,
        "has_prev": True,
    }


@pytest.mark.parametrize(
    "params",
    [
        {"type": "whale"},
        {"stage": "series-z"},
        {"sort": "random"},
        {"min_ticket": -1},
        {"max_ticket": "lots"},
        {"min_ticket": 10, "max_ticket": 5},
        {"open_to_requests": "maybe"},
        {"industry": "x" * 101},
        {"industry": [f"i{n}" for n in range(21)]},
        {"search": "s" * 201},
        {"search": "a\x00b"},
        {"per_page": 101},
        {"page": 0},
    ],
)
async def test_bad_directory_parameters_are_422(
    client: httpx.AsyncClient, params: dict[str, Any]
) -> None:
    response = await client.get(DIRECTORY, params=params)

    assert response.status_code == 422, response.text


@pytest.mark.parametrize("per_page", [1, 20, 100])
async def test_directory_runs_a_fixed_number_of_statements(
    users: UserFactory,
    rows: Rows,
    client: httpx.AsyncClient,
    query_count: Callable[[int], Any],
    per_page: int,
) -> None:
    for i in range(25):
        await rows.investor(
            await users.user(), industries=["AI", f"tag{i}"], investment_stages=["seed"]
        )

    with query_count(2):  # count + page (a cold cache: each per_page is its own entry)
        response = await client.get(DIRECTORY, params={"per_page": per_page, "industry": "ai"})

    assert response.status_code == 200
    assert len(response.json()["data"]) == min(per_page, 25)
    with query_count(0):  # served from the cache
        again = await client.get(DIRECTORY, params={"industry": "ai", "per_page": per_page})
    assert again.content == response.content


async def test_directory_is_cached_and_every_investor_write_bumps_it(
    users: UserFactory, admin: Actor, client: httpx.AsyncClient
) -> None:
    first = await client.get(DIRECTORY)
    assert first.json()["data"] == []
    assert (
        await client.get(DIRECTORY, headers={"If-None-Match": first.headers["ETag"]})
    ).status_code == 304
    applicant = await users.actor()
    request = await apply(applicant)

    await approve(admin, request["id"])

    listed = (await client.get(DIRECTORY)).json()["data"]
    assert [d["id"] for d in listed] == [request["id"]]
    await admin.client.post(f"/api/admin/investors/{applicant.user.id}/revoke")
    assert (await client.get(DIRECTORY)).json()["data"] == []


async def test_an_authenticated_caller_sees_the_same_directory(
    users: UserFactory, client: httpx.AsyncClient, crowd: Crowd
) -> None:
    viewer = await users.actor()

    mine = await viewer.client.get(DIRECTORY)
    anonymous = await client.get(DIRECTORY)

    assert mine.json() == anonymous.json()


async def test_stats_count_visible_investors(client: httpx.AsyncClient, crowd: Crowd) -> None:
    response = await client.get(STATS)

    assert response.status_code == 200
    assert response.json()["data"] == {
        "total_investors": 5,
        "by_type": {"individual": 3, "organization": 2},
        "by_stage": {
            "pre-seed": 1,
            "seed": 2,
            "series-a": 1,
            "series-b": 0,
            "series-c+": 0,
            "growth": 1,
        },
        "by_industry": {"ai": 2, "climate": 1, "fintech": 1, "saas": 1},
        "accepting_requests": 4,
    }


async def test_stats_of_an_empty_directory_and_their_cache_bump(
    users: UserFactory, admin: Actor, client: httpx.AsyncClient
) -> None:
    empty = (await client.get(STATS)).json()["data"]
    assert empty["total_investors"] == 0
    assert empty["accepting_requests"] == 0
    assert empty["by_type"] == {"individual": 0, "organization": 0}
    applicant = await users.actor()
    request = await apply(applicant, industries=["Robotics"])

    await approve(admin, request["id"])

    data = (await client.get(STATS)).json()["data"]
    assert data["total_investors"] == 1
    assert data["by_industry"] == {"robotics": 1}
    assert data["by_stage"]["seed"] == 1
    assert data["accepting_requests"] == 1
