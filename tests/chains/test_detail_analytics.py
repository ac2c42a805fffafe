"""Chain detail (cached, with stats and live view counts), owner analytics, trending with posts."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import update

from oxship.kit.clock import utcnow
from oxship.models import ChainFollower, ChainPost, ChainProject, Project
from oxship.runtime import Runtime
from tests.chains.conftest import make_chain
from tests.factories.projects import ProjectFactory
from tests.factories.users import Actor, UserFactory


async def _add(actor: Actor, slug: str, project_id: uuid.UUID) -> None:
    response = await actor.client.post(
        f"/api/chains/{slug}/projects", json={"project_id": str(project_id)}
    )
    assert response.status_code == 201, response.text


async def _set(runtime: Runtime, stmt: Any) -> None:
    async with runtime.sessionmaker() as session:
        await session.execute(stmt)
        await session.commit()


async def test_stats_aggregate_the_live_projects(
    users: UserFactory, projects: ProjectFactory, client: httpx.AsyncClient, runtime: Runtime
) -> None:
    owner = await users.actor()
    chain = await make_chain(owner.client, "Stats chain")
    ids = [await projects.project_id(owner.user) for _ in range(3)]
    for pid in ids:
        await _add(owner, chain["slug"], pid)
    for pid, (views, upvotes, proof) in zip(
        ids, [(10, 2, 40.0), (5, 1, 20.0), (99, 50, 90.0)], strict=True
    ):
        await _set(
            runtime,
            update(Project)
            .where(Project.id == pid)
            .values(view_count=views, upvotes=upvotes, proof_score=proof),
        )
    assert (await owner.client.delete(f"/api/projects/{ids[2]}")).status_code == 200
    await runtime.cache.bump([f"chain:{chain['id']}"])
    data = (await client.get(f"/api/chains/{chain['slug']}")).json()["data"]
    assert data["stats"] == {"total_views": 15, "total_upvotes": 3, "avg_proof_score": 30.0}
    assert data["project_count"] == 2


async def test_cached_detail_still_counts_every_view_and_overlays_the_caller(
    users: UserFactory, client: httpx.AsyncClient
) -> None:
    owner = await users.actor()
    fan = await users.actor()
    chain = await make_chain(owner.client, "Busy detail")
    url = f"/api/chains/{chain['slug']}"
    views = [(await client.get(url)).json()["data"]["view_count"] for _ in range(3)]
    assert views == [1, 2, 3]
    assert (await fan.client.post(f"{url}/follow")).status_code == 200
    mine = (await fan.client.get(url)).json()["data"]
    assert (mine["view_count"], mine["is_following"], mine["is_owner"]) == (4, True, False)
    assert mine["follower_count"] == 1
    theirs = (await owner.client.get(url)).json()["data"]
    assert (theirs["view_count"], theirs["is_following"], theirs["is_owner"]) == (5, False, True)
    anonymous = (await client.get(url)).json()["data"]
    assert (anonymous["is_following"], anonymous["is_owner"]) == (False, False)
    assert (
        await owner.client.put(url, json={"description": "A brand new description"})
    ).status_code == 200
    assert (await client.get(url)).json()["data"]["description"] == "A brand new description"


async def test_private_detail_is_never_shared(users: UserFactory, runtime: Runtime) -> None:
    owner = await users.actor()
    chain = await make_chain(owner.client, "Secret detail", is_public=False)
    response = await owner.client.get(f"/api/chains/{chain['slug']}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    stranger = await users.actor()
    assert (await stranger.client.get(f"/api/chains/{chain['slug']}")).status_code == 404


async def test_analytics_is_for_the_owner_and_admins(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime
) -> None:
    owner = await users.actor()
    chain = await make_chain(owner.client, "Measured chain")
    slug = chain["slug"]
    fans = [await users.actor() for _ in range(3)]
    for fan in fans:
        assert (await fan.client.post(f"/api/chains/{slug}/follow")).status_code == 200
    old_fan = fans[0].user.id
    await _set(
        runtime,
        update(ChainFollower)
        .where(ChainFollower.user_id == old_fan)
        .values(created_at=utcnow() - timedelta(days=40)),
    )
    best = await projects.project_id(owner.user)
    other = await projects.project_id(owner.user)
    for pid in (best, other):
        await _add(owner, slug, pid)
    await _set(runtime, update(Project).where(Project.id == best).values(proof_score=77.5))
    await _set(
        runtime,
        update(ChainProject)
        .where(ChainProject.project_id == other)
        .values(added_at=utcnow() - timedelta(days=2)),
    )

    response = await owner.client.get(f"/api/chains/{slug}/analytics")
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["period_days"] == 30
    assert data["followers"]["total"] == 3
    assert data["followers"]["new"] == 2
    assert len(data["followers"]["daily"]) == 31
    today = utcnow().date().isoformat()
    two_days_ago = (utcnow() - timedelta(days=2)).date().isoformat()
    by_day = {d["date"]: d["count"] for d in data["projects"]["daily"]}
    assert (by_day[today], by_day[two_days_ago]) == (1, 1)
    assert sum(by_day.values()) == data["projects"]["new"] == 2
    assert data["top_projects"][0]["id"] == str(best)
    assert data["top_projects"][0]["proof_score"] == 77.5
    assert data["engagement"]["posts"] == 0

    admin = await users.admin()
    assert (await admin.client.get(f"/api/chains/{slug}/analytics")).status_code == 200
    assert (await fans[1].client.get(f"/api/chains/{slug}/analytics")).status_code == 403


async def test_analytics_needs_a_token_and_hides_private_chains(
    users: UserFactory, client: httpx.AsyncClient
) -> None:
    owner = await users.actor()
    private = await make_chain(owner.client, "Private measured", is_public=False)
    assert (await client.get(f"/api/chains/{private['slug']}/analytics")).status_code == 401
    stranger = await users.actor()
    response = await stranger.client.get(f"/api/chains/{private['slug']}/analytics")
    assert response.status_code == 404


async def test_trending_counts_recent_posts(
    users: UserFactory, client: httpx.AsyncClient, runtime: Runtime
) -> None:
    owner = await users.actor()
    quiet = await make_chain(owner.client, "Quiet chain")
    lively = await make_chain(owner.client, "Lively chain")
    fan = await users.actor()
    assert (await fan.client.post(f"/api/chains/{quiet['slug']}/follow")).status_code == 200
    listed = (await client.get("/api/chains")).json()["data"]
    assert [c["slug"] for c in listed] == ["quiet-chain", "lively-chain"]
    now = utcnow()
    async with runtime.sessionmaker() as session:
        for age in (1, 2, 30):  # the 30-day-old post does not count
            session.add(
                ChainPost(
                    chain_id=uuid.UUID(lively["id"]),
                    author_id=owner.user.id,
                    title="A thread",
                    content="Hello",
                    created_at=now - timedelta(days=age),
                    last_activity_at=now,
                )
            )
        await session.commit()
    await runtime.cache.bump(["chains"])
    listed = (await client.get("/api/chains")).json()["data"]
    assert [c["slug"] for c in listed] == ["lively-chain", "quiet-chain"]
