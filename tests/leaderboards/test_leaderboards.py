"""GET /api/leaderboard/*: orderings, periods, exclusions, freshness after writes, the combined call."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import update

from oxship.kit.clock import utcnow
from oxship.models import Chain, Project, User
from oxship.runtime import Runtime
from tests.chains.conftest import make_chain
from tests.factories.projects import ProjectFactory
from tests.factories.users import UserFactory


async def _set(runtime: Runtime, stmt: Any) -> None:
    async with runtime.sessionmaker() as session:
        await session.execute(stmt)
        await session.commit()


def _ids(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["data"]]


async def test_projects_by_proof_then_upvotes_within_the_period(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime, client: httpx.AsyncClient
) -> None:
    owner = await users.user()
    rows = [(await projects.project_id(owner)) for _ in range(4)]
    values = [(50.0, 1, 1), (70.0, 0, 1), (50.0, 9, 1), (90.0, 0, 20)]  # proof, upvotes, age days
    for pid, (proof, upvotes, age) in zip(rows, values, strict=True):
        await _set(
            runtime,
            update(Project)
            .where(Project.id == pid)
            .values(proof_score=proof, upvotes=upvotes, created_at=utcnow() - timedelta(days=age)),
        )
    await runtime.cache.bump(["leaderboard"])
    expected_all = [str(rows[3]), str(rows[1]), str(rows[2]), str(rows[0])]
    assert _ids(await client.get("/api/leaderboard/projects")) == expected_all
    week = await client.get("/api/leaderboard/projects", params={"period": "week"})
    assert _ids(week) == expected_all[1:]
    month = await client.get("/api/leaderboard/projects", params={"period": "month", "limit": 2})
    assert _ids(month) == [str(rows[3]), str(rows[1])]
    for params in ({"period": "year"}, {"limit": 0}, {"limit": 101}, {"limit": "x"}):
        assert (await client.get("/api/leaderboard/projects", params=params)).status_code == 422


async def test_a_vote_and_a_deletion_show_at_once(
    users: UserFactory, projects: ProjectFactory, client: httpx.AsyncClient
) -> None:
    owner = await users.actor()
    first = await projects.project_id(owner.user)
    second = await projects.project_id(owner.user)
    before = _ids(await client.get("/api/leaderboard/projects"))
    assert set(before) == {str(first), str(second)}
    voter = await users.actor()
    underdog = before[-1]
    assert (await voter.client.post(f"/api/projects/{underdog}/upvote")).status_code == 200
    after = (await client.get("/api/leaderboard/projects")).json()["data"]
    assert after[0]["id"] == underdog
    assert after[0]["upvotes"] == 1
    mine = (await voter.client.get("/api/leaderboard/projects")).json()["data"]
    assert (mine[0]["user_vote"], after[0]["user_vote"]) == ("up", None)
    assert (await owner.client.delete(f"/api/projects/{underdog}")).status_code == 200
    assert underdog not in _ids(await client.get("/api/leaderboard/projects"))


async def test_users_by_karma_without_inactive_ones(
    users: UserFactory, runtime: Runtime, client: httpx.AsyncClient
) -> None:
    low = await users.user()
    high = await users.user()
    banned = await users.user()
    for user, karma in ((low, 5.0), (high, 50.0), (banned, 500.0)):
        await _set(runtime, update(User).where(User.id == user.id).values(karma=karma))
    await _set(runtime, update(User).where(User.id == banned.id).values(is_active=False))
    board = (await client.get("/api/leaderboard/users")).json()["data"]
    assert [u["id"] for u in board] == [str(high.id), str(low.id)]
    assert "email" not in board[0]


async def test_chains_public_and_active_by_trending(
    users: UserFactory, runtime: Runtime, client: httpx.AsyncClient
) -> None:
    owner = await users.actor()
    small = await make_chain(owner.client, "Small board chain")
    big = await make_chain(owner.client, "Big board chain")
    await make_chain(owner.client, "Private board chain", is_public=False)
    frozen = await make_chain(owner.client, "Frozen board chain")
    lifted = await make_chain(owner.client, "Lifted board chain")
    now = utcnow()
    changes = [
        (big, {"follower_count": 10}),
        (frozen, {"status": "suspended", "suspended_until": now + timedelta(days=1)}),
        (lifted, {"status": "suspended", "suspended_until": now - timedelta(seconds=1)}),
    ]
    for chain, values in changes:
        await _set(
            runtime, update(Chain).where(Chain.id == uuid.UUID(chain["id"])).values(**values)
        )
    await runtime.cache.bump(["chains"])
    board = _ids(await client.get("/api/leaderboard/chains"))
    assert board[0] == big["id"]
    assert set(board) == {big["id"], small["id"], lifted["id"]}
    fan = await users.actor()
    assert (await fan.client.post(f"/api/chains/{small['slug']}/follow")).status_code == 200
    mine = (await fan.client.get("/api/leaderboard/chains")).json()["data"]
    assert {c["slug"]: c["is_following"] for c in mine}[small["slug"]] is True


async def test_trending_matches_the_individual_boards(
    users: UserFactory, projects: ProjectFactory, client: httpx.AsyncClient
) -> None:
    owner = await users.actor()
    for _ in range(12):
        await projects.project_id(owner.user)
    await make_chain(owner.client, "Trending board chain")
    body = (await client.get("/api/leaderboard/trending")).json()["data"]
    assert set(body) == {"projects", "users", "chains", "generated_at"}
    assert len(body["projects"]) == 10
    boards = {
        "projects": "/api/leaderboard/projects",
        "users": "/api/leaderboard/users",
        "chains": "/api/leaderboard/chains",
    }
    for key, url in boards.items():
        individual = (await client.get(url, params={"limit": 10})).json()["data"]
        assert body[key] == individual, key
    voter = await users.actor()
    target = body["projects"][-1]["id"]
    assert (await voter.client.post(f"/api/projects/{target}/upvote")).status_code == 200
    mine = (await voter.client.get("/api/leaderboard/trending")).json()["data"]
    votes = {p["id"]: p["user_vote"] for p in mine["projects"]}
    assert votes[target] == "up"
