"""GET /api/projects (sorts, aliases, filters, pagination), the rankings and the user lists."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest

from oxship.kit.clock import utcnow
from tests.factories.projects import ProjectFactory
from tests.factories.users import UserFactory
from tests.projects.conftest import LONG_DESCRIPTION, ProjectRows, field_errors, ids

SORTS = {
    "trending": ["trending", "hot", None],
    "newest": ["newest", "new"],
    "top_rated": ["top_rated", "top-rated", "top"],
    "most_voted": ["most_voted", "most-voted"],
}


@pytest.fixture
async def ranked(users: UserFactory, projects: ProjectFactory, rows: ProjectRows) -> dict[str, str]:
    """Four projects whose four feed orders all differ (worked out by hand from API §2).

    - p1: 1 h old, 50 up → community 18.57, trending ≈ now + 1.70 + 0.19 - 0.08.
    - p2: 1 day old, all four quality points → proof 20, trending ≈ now - 1.92 + 0.2.
    - p3: 5 days old, 3 up / 30 down → 33 votes, trending ≈ now - 9.6 - 1.43.
    - p4: just created, nothing → trending ≈ now.
    """
    owner = await users.user()
    now = utcnow()
    p1 = await projects.project(owner, title="Popular")
    p2 = await projects.project(
        owner,
        title="Polished",
        description=LONG_DESCRIPTION,
        demo_url="https://demo.example.com",
        github_url="https://github.com/a/b",
        screenshot_urls=["https://img.example.com/1.png"],
    )
    p3 = await projects.project(owner, title="Controversial")
    p4 = await projects.project(owner, title="Fresh")
    await rows.craft(p1["id"], upvotes=50, created_at=now - timedelta(hours=1))
    await rows.craft(p2["id"], created_at=now - timedelta(days=1))
    await rows.craft(p3["id"], upvotes=3, downvotes=30, created_at=now - timedelta(days=5))
    await rows.craft(p4["id"], created_at=now)
    return {"p1": p1["id"], "p2": p2["id"], "p3": p3["id"], "p4": p4["id"]}


EXPECTED = {
    "trending": ["p1", "p4", "p2", "p3"],
    "newest": ["p4", "p1", "p2", "p3"],
    "top_rated": ["p2", "p1", "p3", "p4"],
    "most_voted": ["p1", "p3", "p4", "p2"],  # p4 and p2 tie on votes: trending breaks it
}


@pytest.mark.parametrize("sort", list(SORTS))
async def test_each_sort_and_alias_orders_the_crafted_dataset(
    client: httpx.AsyncClient, ranked: dict[str, str], sort: str
) -> None:
    expected = [ranked[name] for name in EXPECTED[sort]]
    key = {
        "trending": lambda p: p["trending_score"],
        "newest": lambda p: p["created_at"],
        "top_rated": lambda p: p["proof_score"],
        "most_voted": lambda p: (p["upvotes"] + p["downvotes"], p["trending_score"]),
    }[sort]
    for alias in SORTS[sort]:
        response = await client.get("/api/projects", params={"sort": alias} if alias else {})
        assert ids(response) == expected, alias
        data = response.json()["data"]
        assert data == sorted(data, key=key, reverse=True), alias


async def test_the_crafted_scores_are_the_ones_described(
    client: httpx.AsyncClient, ranked: dict[str, str]
) -> None:
    data = {p["id"]: p for p in (await client.get("/api/projects")).json()["data"]}
    assert data[ranked["p1"]]["community_score"] == 18.57
    assert data[ranked["p2"]]["proof_score"] == 20
    assert data[ranked["p3"]]["upvote_ratio"] == pytest.approx(3 / 33, abs=1e-4)
    assert data[ranked["p4"]]["proof_score"] == 0


@pytest.mark.parametrize("sort", ["bogus", "TRENDING", "hot ", ""])
async def test_unknown_sort_is_a_422(client: httpx.AsyncClient, sort: str) -> None:
    assert field_errors(await client.get("/api/projects", params={"sort": sort})) == {"sort"}


@pytest.fixture
async def catalogue(
    users: UserFactory, projects: ProjectFactory, rows: ProjectRows
) -> dict[str, str]:
    """Projects that differ in exactly the attributes the filters look at."""
    owner = await users.user()
    a = await projects.project(
        owner,
        title="Alpha lending protocol",
        categories=["DeFi", "Infra"],
        tech_stack=["Rust", "WASM", "solidity-compiler"],
        hackathon_name="ETHGlobal Paris",
        demo_url="https://demo.example.com",
    )
    b = await projects.project(
        owner,
        title="Beta game",
        tagline="A 100% on-chain game_engine",
        categories=["Gaming"],
        tech_stack=["Rust"],
        hackathons=[{"name": "Solana Breakpoint"}, {"name": "ETHGlobal Paris"}],
        github_url="https://github.com/a/b",
    )
    c = await projects.project(
        owner,
        title="Gamma",
        description="An AI agent that audits smart contracts — " + "x" * 40,
        categories=["AI"],
        tech_stack=["Python"],
        demo_url="https://demo.example.com",
        github_url="https://github.com/a/c",
        screenshot_urls=["https://img.example.com/1.png"],
    )
    await rows.badge(a["id"], "gold", 15)
    await rows.badge(c["id"], "gold", 15)
    await rows.badge(c["id"], "silver", 10)
    # distinct trending so the expected orders are fixed: a, b, c from newest to oldest
    now = utcnow()
    for i, p in enumerate((a, b, c)):
        await rows.craft(p["id"], created_at=now - timedelta(days=i))
    return {"a": a["id"], "b": b["id"], "c": c["id"]}


FILTERS: list[tuple[dict[str, Any], list[str]]] = [
    ({}, ["a", "b", "c"]),
    ({"category": "defi"}, ["a"]),
    ({"category": "DEFI"}, ["a"]),
    ({"category": "infra"}, ["a"]),
    ({"category": "gaming"}, ["b"]),
    ({"category": "nothing"}, []),
    ({"tech": "rust"}, ["a", "b"]),
    ({"tech": "RUST"}, ["a", "b"]),
    ({"tech": ["rust", "wasm"]}, ["a"]),
    ({"tech": ["rust", "python"]}, []),
    ({"tech": "Solidity-Compiler"}, ["a"]),
    ({"hackathon": "ethglobal paris"}, ["a", "b"]),
    ({"hackathon": "Solana Breakpoint"}, ["b"]),
    ({"hackathon": "ethglobal"}, []),
    ({"min_score": 10}, ["c"]),
    ({"min_score": 5}, ["a", "b", "c"]),
    ({"max_score": 5}, ["a", "b"]),
    ({"min_score": 5, "max_score": 5}, ["a", "b"]),
    ({"min_score": 16}, []),
    ({"has_demo": "true"}, ["a", "c"]),
    ({"has_demo": "false"}, ["b"]),
    ({"has_github": "true"}, ["b", "c"]),
    ({"has_github": "false"}, ["a"]),
    ({"has_demo": "true", "has_github": "true"}, ["c"]),
    ({"featured": "false"}, ["a", "b", "c"]),
    ({"featured": "true"}, []),
    ({"badge": "gold"}, ["a", "c"]),
    ({"badge": "GOLD"}, ["a", "c"]),
    ({"badge": "silver"}, ["c"]),
    ({"badge": "platinum"}, []),
    ({"search": "lending"}, ["a"]),
    ({"search": "GAME"}, ["b"]),
    ({"search": "audits smart"}, ["c"]),
    ({"search": "100%"}, ["b"]),
    ({"search": "%"}, ["b"]),
    ({"search": "a_l"}, []),
    ({"search": "game_engine"}, ["b"]),
    ({"category": "defi", "tech": "rust", "has_demo": "true", "badge": "gold"}, ["a"]),
]


async def test_each_filter(client: httpx.AsyncClient, catalogue: dict[str, str]) -> None:
    wrong = {}
    for params, expected in FILTERS:
        response = await client.get("/api/projects", params=params)
        want = [catalogue[name] for name in expected]
        total = response.json()["pagination"]["total"]
        if ids(response) != want or total != len(want):
            inverse = {v: k for k, v in catalogue.items()}
            wrong[str(params)] = ([inverse[i] for i in ids(response)], total, expected)
    assert wrong == {}


async def test_filter_by_scores_uses_the_stored_proof_score(
    client: httpx.AsyncClient, catalogue: dict[str, str]
) -> None:
    data = (await client.get("/api/projects")).json()["data"]
    assert {p["id"]: p["proof_score"] for p in data} == {
        catalogue["a"]: 5,
        catalogue["b"]: 5,
        catalogue["c"]: 15,
    }


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page": 0}, "page"),
        ({"page": -1}, "page"),
        ({"page": "abc"}, "page"),
        ({"page": "1.5"}, "page"),
        ({"per_page": 0}, "per_page"),
        ({"per_page": 101}, "per_page"),
        ({"per_page": "many"}, "per_page"),
        ({"min_score": -1}, "min_score"),
        ({"max_score": 101}, "max_score"),
        ({"min_score": "high"}, "min_score"),
        ({"min_score": "nan"}, "min_score"),
        ({"max_score": "inf"}, "max_score"),
        ({"has_demo": "maybe"}, "has_demo"),
        ({"featured": "2"}, "featured"),
        ({"tech": [f"t{i}" for i in range(11)]}, "tech"),
        ({"category": "c" * 51}, "category"),
        ({"search": "s" * 201}, "search"),
    ],
)
async def test_bad_query_parameters_are_422(
    client: httpx.AsyncClient, params: dict[str, Any], field: str
) -> None:
    assert field_errors(await client.get("/api/projects", params=params)) == {field}


async def test_pagination_totals(
    client: httpx.AsyncClient, users: UserFactory, projects: ProjectFactory, rows: ProjectRows
) -> None:
    owner = await users.user()
    banned = await users.user()
    made = [await projects.project(owner) for _ in range(5)]
    gone = await projects.project(owner)
    hidden = await projects.project(banned)
    await rows.set_project(gone["id"], is_deleted=True)
    await rows.set_user(banned.id, is_active=False)
    now = utcnow()
    for i, p in enumerate(made):
        await rows.craft(p["id"], created_at=now - timedelta(minutes=i))
    expected = [p["id"] for p in made]

    pages = []
    for page in (1, 2, 3):
        response = await client.get("/api/projects", params={"page": page, "per_page": 2})
        pages.append(ids(response))
        assert response.json()["pagination"] == {
            "page": page,
            "per_page": 2,
            "total": 5,
            "total_pages": 3,
            "has_next": page < 3,
            "has_prev": page > 1,
        }
    assert pages == [expected[0:2], expected[2:4], expected[4:]]
    beyond = await client.get("/api/projects", params={"page": 4, "per_page": 2})
    assert ids(beyond) == []
    assert beyond.json()["pagination"]["total"] == 5
    assert beyond.json()["pagination"]["has_next"] is False
    default = (await client.get("/api/projects")).json()["pagination"]
    assert default == {
        "page": 1,
        "per_page": 20,
        "total": 5,
        "total_pages": 1,
        "has_next": False,
        "has_prev": False,
    }
    filtered = await client.get("/api/projects", params={"search": "Project number"})
    assert filtered.json()["pagination"]["total"] == 5
    assert hidden["id"] not in ids(filtered)


async def test_empty_feed(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/projects", params={"page": 3})
    assert response.json()["data"] == []
    assert response.json()["pagination"]["total_pages"] == 0


# ---- rankings ------------------------------------------------------------------------------


async def test_leaderboard_timeframes(
    client: httpx.AsyncClient, users: UserFactory, projects: ProjectFactory, rows: ProjectRows
) -> None:
    low = await users.user()
    high = await users.user(email_verified=True, has_oxcert=True, github_connected=True)
    await users.user()  # a user without projects
    now = utcnow()
    week = await projects.project(low, demo_url="https://d.io")  # proof 5
    month = await projects.project(high)  # proof 20
    old = await projects.project(high, demo_url="https://d.io", github_url="https://g.io")
    await rows.craft(week["id"], created_at=now - timedelta(days=3))
    await rows.craft(month["id"], created_at=now - timedelta(days=20))
    await rows.craft(old["id"], created_at=now - timedelta(days=100))  # proof 30

    async def board(**params: Any) -> dict[str, Any]:
        response = await client.get("/api/projects/leaderboard", params=params)
        assert response.status_code == 200, response.text
        data: dict[str, Any] = response.json()["data"]
        return data

    default = await board()
    assert default["timeframe"] == "all"
    assert default["limit"] == 10
    assert [p["id"] for p in default["top_projects"]] == [old["id"], month["id"], week["id"]]
    assert [p["id"] for p in (await board(timeframe="month"))["top_projects"]] == [
        month["id"],
        week["id"],
    ]
    assert [p["id"] for p in (await board(timeframe="week"))["top_projects"]] == [week["id"]]
    limited = await board(timeframe="all", limit=1)
    assert [p["id"] for p in limited["top_projects"]] == [old["id"]]
    assert limited["limit"] == 1
    assert [b["id"] for b in limited["top_builders"]] == [str(high.id)]
    builders = (await board())["top_builders"]
    assert [b["id"] for b in builders[:2]] == [str(high.id), str(low.id)]
    assert builders[0]["karma"] == 50
    assert "email" not in builders[0]
    assert default["featured"] == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"timeframe": "year"}, "timeframe"),
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"limit": "ten"}, "limit"),
    ],
)
async def test_leaderboard_bad_parameters(
    client: httpx.AsyncClient, params: dict[str, Any], field: str
) -> None:
    response = await client.get("/api/projects/leaderboard", params=params)
    assert field_errors(response) == {field}


@pytest.mark.parametrize(
    "path",
    [
        "/api/projects/featured",
        "/api/projects/rising-stars",
        "/api/projects/most-requested",
        "/api/projects/by-category/defi",
    ],
)
@pytest.mark.parametrize("limit", [0, 101, "x"])
async def test_ranking_limits(client: httpx.AsyncClient, path: str, limit: Any) -> None:
    assert field_errors(await client.get(path, params={"limit": limit})) == {"limit"}


async def test_rising_stars(
    client: httpx.AsyncClient, users: UserFactory, projects: ProjectFactory, rows: ProjectRows
) -> None:
    owner = await users.user()
    now = utcnow()
    voted, discussed, viewed, old, edge = [await projects.project(owner) for _ in range(5)]
    await rows.craft(voted["id"], upvotes=5, downvotes=40, created_at=now - timedelta(days=2))
    await rows.craft(
        discussed["id"], comment_count=3, view_count=30, created_at=now - timedelta(days=29)
    )  # 6
    await rows.craft(viewed["id"], view_count=45, created_at=now - timedelta(days=1))  # 4.5
    await rows.craft(old["id"], upvotes=100, created_at=now - timedelta(days=31))
    await rows.craft(edge["id"], view_count=9, created_at=now)  # 0.9 beats nothing
    assert ids(await client.get("/api/projects/rising-stars")) == [
        discussed["id"],
        voted["id"],
        viewed["id"],
        edge["id"],
    ]
    assert ids(await client.get("/api/projects/rising-stars", params={"limit": 2})) == [
        discussed["id"],
        voted["id"],
    ]


async def test_by_category(
    client: httpx.AsyncClient, users: UserFactory, projects: ProjectFactory, rows: ProjectRows
) -> None:
    owner = await users.user()
    now = utcnow()
    older = await projects.project(owner, categories=["DeFi"])
    newer = await projects.project(owner, categories=["Gaming", "defi"])
    await projects.project(owner, categories=["Gaming"])
    await rows.craft(older["id"], created_at=now - timedelta(days=2))
    await rows.craft(newer["id"], created_at=now - timedelta(days=1))
    expected = [newer["id"], older["id"]]
    assert ids(await client.get("/api/projects/by-category/defi")) == expected
    assert ids(await client.get("/api/projects/by-category/DeFi")) == expected
    assert ids(await client.get("/api/projects/by-category/DEFI", params={"limit": 1})) == [
        newer["id"]
    ]
    assert ids(await client.get("/api/projects/by-category/nothing")) == []
    assert (await client.get("/api/projects/by-category/" + "c" * 51)).status_code == 422


async def test_most_requested(
    client: httpx.AsyncClient, users: UserFactory, projects: ProjectFactory, rows: ProjectRows
) -> None:
    owner = await users.user()
    few, many, none = [await projects.project(owner) for _ in range(3)]
    await rows.craft(few["id"], intro_request_count=2)
    await rows.craft(many["id"], intro_request_count=7)
    found = ids(await client.get("/api/projects/most-requested"))
    assert found[:2] == [many["id"], few["id"]]
    assert set(found) == {few["id"], many["id"], none["id"]}
    assert ids(await client.get("/api/projects/most-requested", params={"limit": 1})) == [
        many["id"]
    ]


# ---- a user's lists ------------------------------------------------------------------------


async def test_user_projects_newest_first_and_paginated(
    client: httpx.AsyncClient, users: UserFactory, projects: ProjectFactory, rows: ProjectRows
) -> None:
    owner = await users.user()
    other = await users.user()
    now = utcnow()
    made = [await projects.project(owner) for _ in range(3)]
    await projects.project(other)
    gone = await projects.project(owner)
    await rows.set_project(gone["id"], is_deleted=True)
    for i, p in enumerate(made):  # made[2] is the newest
        await rows.craft(p["id"], created_at=now - timedelta(days=3 - i))
    expected = [p["id"] for p in reversed(made)]
    response = await client.get(f"/api/users/{owner.id}/projects")
    assert ids(response) == expected
    assert response.json()["pagination"]["total"] == 3
    second = await client.get(f"/api/users/{owner.id}/projects", params={"page": 2, "per_page": 2})
    assert ids(second) == expected[2:]
    assert second.json()["pagination"]["total_pages"] == 2
    assert ids(await client.get(f"/api/users/{uuid.uuid4()}/projects")) == []
    assert (await client.get("/api/users/not-a-uuid/projects")).status_code in (404, 422)
    bad = await client.get(f"/api/users/{owner.id}/projects", params={"per_page": 0})
    assert field_errors(bad) == {"per_page"}


async def test_tagged_projects(
    client: httpx.AsyncClient, users: UserFactory, projects: ProjectFactory, rows: ProjectRows
) -> None:
    owner = await users.user()
    member = await users.user()
    now = utcnow()
    first = await projects.project(
        owner, team_members=[{"name": "Member", "user_id": str(member.id)}, {"name": "Other"}]
    )
    second = await projects.project(
        owner, team_members=[{"name": "Member", "role": "dev", "user_id": str(member.id)}]
    )
    await projects.project(owner, team_members=[{"name": "Member"}])  # named, not linked
    await rows.craft(first["id"], created_at=now - timedelta(days=1))
    response = await client.get(f"/api/users/{member.id}/tagged-projects")
    assert ids(response) == [second["id"], first["id"]]
    assert response.json()["pagination"]["total"] == 2
    assert ids(await client.get(f"/api/users/{owner.id}/tagged-projects")) == []
    page = await client.get(f"/api/users/{member.id}/tagged-projects", params={"per_page": 1})
    assert ids(page) == [second["id"]]
    assert page.json()["pagination"]["has_next"] is True
