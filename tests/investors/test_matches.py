"""`GET /api/projects/investor/matches`: ranking, breakdown, pagination, access."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from oxship.kit.clock import utcnow
from oxship.models import Project
from oxship.runtime import Runtime
from tests.factories.projects import ProjectFactory
from tests.factories.users import Actor, UserFactory
from tests.investors.conftest import MATCHES, Rows, approved_investor


async def _set_project(runtime: Runtime, project_id: uuid.UUID, **values: Any) -> None:
    async with runtime.sessionmaker() as session:
        await session.execute(update(Project).where(Project.id == project_id).values(**values))
        await session.commit()


@pytest.fixture
async def ranked(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime, admin: Actor, rows: Rows
) -> tuple[Actor, dict[str, str]]:
    """An investor in AI and Climate, and six candidate projects (plus excluded ones)."""
    investor = await approved_investor(users, admin, industries=["AI", "Climate"])
    owner = await users.user()
    now = utcnow()
    specs = {
        # name: (categories, proof, age in days) → industry + 0.3 proof + recency
        "P1": (["AI", "Climate", "Web"], 50.0, 1),  # 50 (two match) + 15 + 20 = 85
        "P2": (["ai", "Web"], 80.0, 20),  # 25 (one of two) + 24 + 15 = 64
        "P3": (["Games"], 100.0, 2),  # 0 + 30 + 20 = 50
        "P4": (["Climate"], 0.0, 400),  # 50 (all match) + 0 + 0 = 50: ties P3, less proof
        "P5": ([], 10.0, 60),  # 0 + 3 + 10 = 13
        "P6": (["AI"], 0.0, 200),  # 50 + 0 + 5 = 55
    }
    ids: dict[str, str] = {}
    for name, (categories, proof, age) in specs.items():
        project_id = await projects.project_id(owner, title=f"Item {name}", categories=categories)
        await _set_project(
            runtime, project_id, proof_score=proof, created_at=now - timedelta(days=age)
        )
        ids[name] = str(project_id)
    own = await projects.project_id(investor.user, title="Own project", categories=["AI"])
    await _set_project(runtime, own, proof_score=100.0)
    gone = await projects.project_id(owner, title="Deleted", categories=["AI"])
    await _set_project(runtime, gone, is_deleted=True, proof_score=100.0)
    banned = await users.user()
    hidden = await projects.project_id(banned, title="Banned owner", categories=["AI"])
    await _set_project(runtime, hidden, proof_score=100.0)
    await rows.set_user(banned.id, is_active=False)
    return investor, ids


def _names(data: list[dict[str, Any]]) -> list[str]:
    return [d["title"].removeprefix("Item ") for d in data]


async def test_matches_rank_live_projects_by_score(ranked: tuple[Actor, dict[str, str]]) -> None:
    investor, ids = ranked

    response = await investor.client.get(MATCHES)

    assert response.status_code == 200, response.text
    body = response.json()
    assert _names(body["data"]) == ["P1", "P2", "P6", "P3", "P4", "P5"]
    assert [d["match_score"] for d in body["data"]] == [85.0, 64.0, 55.0, 50.0, 50.0, 13.0]
    assert body["pagination"]["total"] == 6
    second = body["data"][1]
    assert second["id"] == ids["P2"]
    assert second["match_breakdown"] == {
        "industry": 25.0,
        "proof": 24.0,
        "recency": 15.0,
        "matched_industries": ["ai"],
    }
    assert body["data"][0]["match_breakdown"]["matched_industries"] == ["AI", "Climate"]
    by_name = {d["title"].removeprefix("Item "): d["match_breakdown"] for d in body["data"]}
    assert by_name["P4"] == {
        "industry": 50.0,
        "proof": 0.0,
        "recency": 0.0,
        "matched_industries": ["Climate"],
    }
    assert by_name["P5"]["industry"] == 0.0
    assert by_name["P5"]["recency"] == 10.0
    assert body["data"][0]["creator"]["username"]
    assert "user_vote" in body["data"][0]
    assert response.headers["Cache-Control"] == "private, no-store"


async def test_a_page_is_a_slice_of_the_ranking(ranked: tuple[Actor, dict[str, str]]) -> None:
    investor, _ = ranked

    pages = [
        (await investor.client.get(MATCHES, params={"per_page": 2, "page": n})).json()
        for n in (1, 2, 3, 4)
    ]

    assert [_names(p["data"]) for p in pages] == [["P1", "P2"], ["P6", "P3"], ["P4", "P5"], []]
    assert pages[1]["pagination"] == {
        "page": 2,
        "per_page": 2,
        "total": 6,
        "total_pages": 3,
        "has_next": True,
        "has_prev": True,
    }


async def test_matches_follow_a_profile_edit(ranked: tuple[Actor, dict[str, str]]) -> None:
    investor, _ = ranked
    await investor.client.put("/api/investor-requests/profile", json={"industries": ["Games"]})

    data = (await investor.client.get(MATCHES)).json()["data"]

    assert _names(data)[0] == "P3"
    assert data[0]["match_score"] == 100.0
    assert data[0]["match_breakdown"]["matched_industries"] == ["Games"]


async def test_equal_scores_fall_back_to_proof_then_recency(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime, admin: Actor
) -> None:
    investor = await approved_investor(users, admin, industries=[])
    owner = await users.user()
    now = utcnow()
    # No industries: every project scores 0.3·proof + recency.
    for title, proof, age in (("older", 50.0, 3), ("newer", 50.0, 1), ("better", 60.0, 2)):
        project_id = await projects.project_id(owner, title=title, categories=["AI"])
        await _set_project(
            runtime, project_id, proof_score=proof, created_at=now - timedelta(days=age)
        )

    data = (await investor.client.get(MATCHES)).json()["data"]

    assert _names(data) == ["better", "newer", "older"]
    assert [d["match_breakdown"]["industry"] for d in data] == [0.0, 0.0, 0.0]
    assert data[1]["match_score"] == data[2]["match_score"] == 35.0


@pytest.mark.parametrize("per_page", [1, 20, 100])
async def test_matches_run_a_fixed_number_of_statements(
    ranked: tuple[Actor, dict[str, str]], query_count: Callable[[int], Any], per_page: int
) -> None:
    investor, _ = ranked

    # token, profile, count, page, screenshots, badges, chains, caller votes and saves
    with query_count(8):
        response = await investor.client.get(MATCHES, params={"per_page": per_page})

    assert len(response.json()["data"]) == min(per_page, 6)


async def test_matches_need_an_approved_investor(
    users: UserFactory, client: httpx.AsyncClient
) -> None:
    assert (await client.get(MATCHES)).status_code == 401
    assert (await (await users.actor()).client.get(MATCHES)).status_code == 403
    flag_only = await users.actor(is_investor=True)
    assert (await flag_only.client.get(MATCHES)).status_code == 404


async def test_matches_validate_pagination(ranked: tuple[Actor, dict[str, str]]) -> None:
    investor, _ = ranked

    for params in ({"page": "x"}, {"per_page": 0}, {"per_page": 101}):
        assert (await investor.client.get(MATCHES, params=params)).status_code == 422
