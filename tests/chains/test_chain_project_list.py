"""`GET /api/chains/{slug}/projects`: visibility, sorts, filters, pinned first, statements."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from oxship.kit.clock import utcnow
from oxship.models import Chain, ChainFollower, Project
from oxship.runtime import Runtime
from tests.chains.conftest import make_chain
from tests.factories.projects import ProjectFactory
from tests.factories.users import Actor, UserFactory
from tests.support.queries import count_queries


async def _add(actor: Actor, slug: str, project_id: uuid.UUID) -> None:
    response = await actor.client.post(
        f"/api/chains/{slug}/projects", json={"project_id": str(project_id)}
    )
    assert response.status_code == 201, response.text


async def _listed(client: httpx.AsyncClient, slug: str, **params: Any) -> list[dict[str, Any]]:
    response = await client.get(f"/api/chains/{slug}/projects", params=params)
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


async def test_list_has_full_projects_with_metadata_and_pinned_first(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime, client: httpx.AsyncClient
) -> None:
    owner = await users.actor()
    chain = await make_chain(owner.client, "Listed chain")
    slug = chain["slug"]
    maker = await users.actor()
    ids = [await projects.project_id(maker.user) for _ in range(3)]
    for project_id in ids:
        await _add(maker, slug, project_id)
    async with runtime.sessionmaker() as session:
        for score, project_id in zip((10.0, 50.0, 30.0), ids, strict=True):
            await session.execute(
                update(Project).where(Project.id == project_id).values(proof_score=score)
            )
        await session.commit()
    pin = await owner.client.post(f"/api/chains/{slug}/projects/{ids[0]}/pin")
    assert pin.status_code == 200
    top = await _listed(client, slug, sort="top_rated")
    assert [p["id"] for p in top] == [str(ids[0]), str(ids[1]), str(ids[2])]
    assert top[0]["chain_metadata"]["is_pinned"] is True
    assert top[1]["chain_metadata"]["added_by"] == str(maker.user.id)
    assert top[0]["title"]
    assert "proof_score" in top[0]
    newest = await _listed(client, slug, sort="newest")
    assert [p["id"] for p in newest] == [str(ids[0]), str(ids[2]), str(ids[1])]
    for sort in ("trending", "most_voted"):
        assert len(await _listed(client, slug, sort=sort)) == 3
    pinned = await _listed(client, slug, pinned_only="true")
    assert [p["id"] for p in pinned] == [str(ids[0])]
    scored = await _listed(client, slug, min_proof_score=25, sort="top_rated")
    assert [p["id"] for p in scored] == [str(ids[1]), str(ids[2])]
    paged = await client.get(f"/api/chains/{slug}/projects", params={"per_page": 1, "page": 2})
    assert paged.json()["pagination"]["total"] == 3
    assert len(paged.json()["data"]) == 1
    # The caller overlay.
    mine = await _listed(maker.client, slug)
    assert all(p["user_vote"] is None and p["is_saved"] is False for p in mine)


async def test_tech_stack_filter_and_deleted_projects(
    users: UserFactory, projects: ProjectFactory, client: httpx.AsyncClient
) -> None:
    owner = await users.actor()
    chain = await make_chain(owner.client, "Tech chain")
    slug = chain["slug"]
    maker = await users.actor()
    rust = await projects.project_id(maker.user, tech_stack=["Rust", "Tokio"])
    go = await projects.project_id(maker.user, tech_stack=["Go"])
    await _add(maker, slug, rust)
    await _add(maker, slug, go)
    assert [p["id"] for p in await _listed(client, slug, tech_stack="rust")] == [str(rust)]
    both = await _listed(client, slug, tech_stack="rust,tokio")
    assert [p["id"] for p in both] == [str(rust)]
    assert await _listed(client, slug, tech_stack=["rust", "go"]) == []
    assert (await maker.client.delete(f"/api/projects/{go}")).status_code == 200
    assert [p["id"] for p in await _listed(client, slug)] == [str(rust)]


async def test_private_chain_projects_are_hidden_from_outsiders(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime, client: httpx.AsyncClient
) -> None:
    owner = await users.actor()
    chain = await make_chain(owner.client, "Hidden projects", is_public=False)
    slug = chain["slug"]
    project_id = await projects.project_id(owner.user)
    await _add(owner, slug, project_id)
    outsider = await users.actor()
    assert (await client.get(f"/api/chains/{slug}/projects")).status_code == 404
    assert (await outsider.client.get(f"/api/chains/{slug}/projects")).status_code == 404
    follower = await users.actor()
    async with runtime.sessionmaker() as session:
        chain_id = await session.scalar(select(Chain.id).where(Chain.slug == slug))
        session.add(ChainFollower(chain_id=chain_id, user_id=follower.user.id, created_at=utcnow()))
        await session.commit()
    admin = await users.admin()
    for actor in (owner, follower, admin):
        response = await actor.client.get(f"/api/chains/{slug}/projects")
        assert response.status_code == 200, response.text
        assert [p["id"] for p in response.json()["data"]] == [str(project_id)]
        assert "no-store" in response.headers["cache-control"]


async def test_the_cached_list_follows_adds_and_removals(
    users: UserFactory, projects: ProjectFactory, client: httpx.AsyncClient
) -> None:
    owner = await users.actor()
    chain = await make_chain(owner.client, "Cached chain")
    slug = chain["slug"]
    assert await _listed(client, slug) == []
    project_id = await projects.project_id(owner.user)
    await _add(owner, slug, project_id)
    assert [p["id"] for p in await _listed(client, slug)] == [str(project_id)]
    await owner.client.post(f"/api/chains/{slug}/projects/{project_id}/pin")
    assert (await _listed(client, slug))[0]["chain_metadata"]["is_pinned"] is True
    await owner.client.delete(f"/api/chains/{slug}/projects/{project_id}")
    assert await _listed(client, slug) == []


@pytest.mark.parametrize("viewer", ["anonymous", "user"])
async def test_statement_count_does_not_grow_with_the_page(
    users: UserFactory,
    projects: ProjectFactory,
    client: httpx.AsyncClient,
    engine: AsyncEngine,
    viewer: str,
) -> None:
    owner = await users.actor()
    chain = await make_chain(owner.client, f"Counted chain {viewer}")
    slug = chain["slug"]
    for _ in range(25):
        project_id = await projects.project_id(
            owner.user, tech_stack=["Python"], screenshot_urls=["https://img.example/a.png"]
        )
        await _add(owner, slug, project_id)
    reader = client if viewer == "anonymous" else (await users.actor()).client
    counts = []
    for per_page in (1, 20, 100):
        with count_queries(engine) as log:
            response = await reader.get(
                f"/api/chains/{slug}/projects", params={"per_page": per_page}
            )
        assert response.status_code == 200, response.text
        assert len(response.json()["data"]) == min(per_page, 25)
        counts.append(log.count)
    assert len(set(counts)) == 1, counts
    if viewer == "anonymous":
        assert counts[0] == 6  # chain, total, page, screenshots, badges, chains
