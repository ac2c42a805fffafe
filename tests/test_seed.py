"""The demo dataset is consistent: every counter equals its source rows."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select

from oxship.models import (
    Chain,
    ChainFollower,
    ChainProject,
    Comment,
    Project,
    SavedProject,
    User,
    Vote,
)
from oxship.runtime import Runtime
from oxship.seed import seed_demo


async def test_demo_seed_counters_match_rows(runtime: Runtime, client: httpx.AsyncClient) -> None:
    summary = await seed_demo(runtime, only_if_empty=True, scale=0.1)
    assert summary is not None
    assert "projects" in summary
    assert await seed_demo(runtime, only_if_empty=True, scale=0.1) is None

    async with runtime.sessionmaker() as session:
        projects = (await session.scalars(select(Project))).all()
        assert len(projects) >= 10
        for p in projects:
            ups = await session.scalar(
                select(func.count()).where(Vote.project_id == p.id, Vote.vote_type == "up")
            )
            downs = await session.scalar(
                select(func.count()).where(Vote.project_id == p.id, Vote.vote_type == "down")
            )
            comments = await session.scalar(
                select(func.count()).where(
                    Comment.project_id == p.id, Comment.is_deleted.is_(False)
                )
            )
            saves = await session.scalar(
                select(func.count()).where(SavedProject.project_id == p.id)
            )
            assert (p.upvotes, p.downvotes, p.comment_count, p.save_count) == (
                ups,
                downs,
                comments,
                saves,
            ), p.title
        owners = await session.scalar(select(func.count()).select_from(User))
        assert owners == 40
        chains = (await session.scalars(select(Chain))).all()
        assert len(chains) == 7
        assert any(not c.is_public for c in chains)
        for c in chains:
            members = await session.scalar(
                select(func.count()).where(ChainProject.chain_id == c.id)
            )
            fans = await session.scalar(select(func.count()).where(ChainFollower.chain_id == c.id))
            assert (c.project_count, c.follower_count) == (members, fans), c.name
        assert sum(c.project_count for c in chains) > 0

    feed = await client.get("/api/projects", params={"per_page": 5})
    assert feed.status_code == 200
    assert feed.json()["pagination"]["total"] == len(projects)
    login = await client.post(
        "/api/auth/login", json={"email": "ada", "password": "demo-password-1"}
    )
    assert login.status_code == 200
