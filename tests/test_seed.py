"""The demo dataset is consistent: every counter equals its source rows."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select

from oxship.models import (
    Badge,
    Chain,
    ChainFollower,
    ChainPost,
    ChainPostReaction,
    ChainProject,
    Comment,
    Conversation,
    DirectMessage,
    Event,
    EventProject,
    EventSubscriber,
    IntroRequest,
    InvestorProfile,
    Project,
    SavedProject,
    User,
    ValidatorProfile,
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
        for c in chains:
            posts = await session.scalar(
                select(func.count()).where(
                    ChainPost.chain_id == c.id, ChainPost.is_deleted.is_(False)
                )
            )
            assert c.post_count == posts, c.name
        assert sum(c.post_count for c in chains) > 0
        threads = (
            await session.scalars(select(ChainPost).where(ChainPost.parent_id.is_(None)))
        ).all()
        for t in threads:
            replies = await session.scalar(select(func.count()).where(ChainPost.parent_id == t.id))
            ups = await session.scalar(
                select(func.count()).where(
                    ChainPostReaction.post_id == t.id, ChainPostReaction.vote_type == "upvote"
                )
            )
            assert (t.comment_count, t.upvote_count) == (replies, ups), t.id
        events = (await session.scalars(select(Event))).all()
        assert len(events) == 5
        for e in events:
            entries = await session.scalar(
                select(func.count()).where(EventProject.event_id == e.id)
            )
            fans = await session.scalar(
                select(func.count()).where(EventSubscriber.event_id == e.id)
            )
            assert (e.project_count, e.subscriber_count) == (entries, fans), e.name
        winners = await session.scalar(select(func.count()).where(EventProject.is_winner.is_(True)))
        assert winners == 1  # the one event that has ended

        for p in projects:
            badges = await session.scalar(select(func.count()).where(Badge.project_id == p.id))
            assert p.badge_count == badges, p.title
        assert sum(p.badge_count for p in projects) > 0
        approved = (
            await session.scalars(
                select(InvestorProfile).where(InvestorProfile.status == "approved")
            )
        ).all()
        assert len(approved) == 5
        flagged = await session.scalar(select(func.count()).where(User.is_investor.is_(True)))
        assert flagged == 5
        validators = await session.scalar(select(func.count()).select_from(ValidatorProfile))
        assert validators == 2
        assert await session.scalar(select(func.count()).select_from(IntroRequest)) > 0
        assert await session.scalar(select(func.count()).select_from(Conversation)) > 0
        for conversation in (await session.scalars(select(Conversation))).all():
            newest = await session.scalar(
                select(DirectMessage.id)
                .where(DirectMessage.conversation_id == conversation.id)
                .order_by(DirectMessage.created_at.desc(), DirectMessage.id.desc())
                .limit(1)
            )
            assert conversation.last_message_id == newest

    feed = await client.get("/api/projects", params={"per_page": 5})
    assert feed.status_code == 200
    assert feed.json()["pagination"]["total"] == len(projects)
    login = await client.post(
        "/api/auth/login", json={"email": "ada", "password": "demo-password-1"}
    )
    assert login.status_code == 200
