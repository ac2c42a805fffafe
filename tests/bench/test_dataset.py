"""The benchmark dataset (`oxship seed --bench`) at a tiny scale: every counter equals its rows."""

from __future__ import annotations

import random
from collections import Counter

import httpx
import pytest
from sqlalchemy import func, select

from oxship.bench_data import BENCH_PASSWORD, _allocate, seed_bench, sizes
from oxship.models import (
    Chain,
    ChainFollower,
    ChainPost,
    ChainProject,
    Comment,
    Conversation,
    DirectMessage,
    Event,
    EventProject,
    EventSubscriber,
    InvestorProfile,
    Notification,
    Project,
    ProjectTag,
    User,
    Vote,
)
from oxship.projects.scoring import ScoreInputs, proof_scores, trending_score
from oxship.runtime import Runtime

SCALE = 0.001


async def test_counters_scores_and_karma_match_the_rows(runtime: Runtime) -> None:
    counts = await seed_bench(runtime, scale=SCALE, quiet=True)
    assert counts is not None
    want = sizes(SCALE)
    assert counts["users"] == want["users"]
    assert counts["projects"] == want["projects"]
    assert counts["chains"] == want["chains"]
    assert counts["investor_profiles"] == want["investors"]
    assert counts["notifications"] == want["notifications"]
    assert abs(counts["votes"] - want["votes"]) <= want["votes"] * 0.05
    assert abs(counts["comments"] - want["comments"]) <= want["comments"] * 0.05

    async with runtime.sessionmaker() as session:

        async def tally(column: object, *where: object) -> Counter[object]:
            rows = await session.execute(
                select(column, func.count()).where(*where).group_by(column)  # type: ignore[call-overload]
            )
            return Counter(dict(rows.all()))

        ups = await tally(Vote.project_id, Vote.vote_type == "up")
        downs = await tally(Vote.project_id, Vote.vote_type == "down")
        comments = await tally(Comment.project_id)
        replies = await tally(Comment.parent_id, Comment.parent_id.is_not(None))
        owned = await tally(Project.user_id, Project.is_deleted.is_(False))
        users = {u.id: u for u in (await session.scalars(select(User))).all()}
        projects = (await session.scalars(select(Project))).all()
        assert sum(ups.values()) + sum(downs.values()) == counts["votes"]
        karma: dict[object, float] = {}
        for p in projects:
            assert (p.upvotes, p.downvotes, p.comment_count) == (
                ups[p.id],
                downs[p.id],
                comments[p.id],
            )
            owner = users[p.user_id]
            scores = proof_scores(
                ScoreInputs(
                    email_verified=owner.email_verified,
                    has_oxcert=owner.has_oxcert,
                    github_connected=owner.github_connected,
                    upvotes=p.upvotes,
                    downvotes=p.downvotes,
                    comment_count=p.comment_count,
                    badge_points=p.badge_points,
                    has_demo=bool(p.demo_url),
                    has_github=bool(p.github_url),
                    has_screenshot=p.screenshot_count > 0,
                    description_length=len(p.description),
                )
            )
            assert p.proof_score == scores.proof
            assert p.community_score == scores.community
            assert p.score_breakdown == scores.breakdown
            assert p.trending_score == trending_score(
                upvotes=p.upvotes,
                downvotes=p.downvotes,
                comment_count=p.comment_count,
                proof_score=p.proof_score,
                is_featured=p.is_featured,
                created_at=p.created_at,
            )
            karma[p.user_id] = karma.get(p.user_id, 0.0) + p.proof_score
        for user in users.values():
            assert user.project_count == owned[user.id]
            assert user.karma == pytest.approx(round(karma.get(user.id, 0.0), 2), abs=0.005)
        for comment in (await session.scalars(select(Comment))).all():
            assert comment.reply_count == replies[comment.id]
        tags = await tally(ProjectTag.project_id, ProjectTag.kind == "category")
        assert all(tags[p.id] == len({c.lower() for c in p.categories}) for p in projects)

        in_chain = await tally(ChainProject.chain_id)
        followers = await tally(ChainFollower.chain_id)
        posts = await tally(ChainPost.chain_id)
        for chain in (await session.scalars(select(Chain))).all():
            assert (chain.project_count, chain.follower_count, chain.post_count) == (
                in_chain[chain.id],
                followers[chain.id],
                posts[chain.id],
            )
        assert max((await tally(ChainProject.project_id)).values()) <= 5
        post_replies = await tally(ChainPost.parent_id, ChainPost.parent_id.is_not(None))
        for post in (await session.scalars(select(ChainPost))).all():
            assert post.comment_count == post.total_replies == post_replies[post.id]
            assert (post.title is None) == (post.parent_id is not None)

        entries = await tally(EventProject.event_id)
        subscribers = await tally(EventSubscriber.event_id)
        for event in (await session.scalars(select(Event))).all():
            assert (event.project_count, event.subscriber_count) == (
                entries[event.id],
                subscribers[event.id],
            )
        investors = (await session.scalars(select(InvestorProfile))).all()
        assert {i.status for i in investors} == {"approved"}
        assert {i.user_id for i in investors} == {u.id for u in users.values() if u.is_investor}

        for conversation in (await session.scalars(select(Conversation))).all():
            last = await session.scalar(
                select(DirectMessage)
                .where(DirectMessage.conversation_id == conversation.id)
                .order_by(DirectMessage.created_at.desc(), DirectMessage.id.desc())
                .limit(1)
            )
            assert last is not None
            assert conversation.user_low < conversation.user_high
            assert conversation.last_message_id == last.id
            assert conversation.last_message_at == last.created_at
        notified = await session.scalar(select(func.count()).select_from(Notification))
        assert notified == want["notifications"]


def test_popularity_is_zipf_skewed_at_full_scale() -> None:
    """At scale 1.0 the top 1% of projects get about half of the million votes, each at most 60%
    of the users; the median project gets a handful."""
    votes = _allocate(1_000_000, 100_000, 6_000, random.Random(1))
    assert abs(sum(votes) - 1_000_000) < 1_000
    assert max(votes) == 6_000
    assert 0.4 < sum(votes[:1_000]) / sum(votes) < 0.6
    assert sorted(votes)[50_000] < 10


async def test_reconcile_finds_no_drift(runtime: Runtime) -> None:
    """`oxship reconcile` (every counter, score and karma against its rows) agrees."""
    from oxship.db import transaction
    from oxship.reconcile.service import reconcile

    await seed_bench(runtime, scale=SCALE, quiet=True)
    async with transaction(runtime, write=False) as session:
        report = await reconcile(session, fix=False)
    assert len(report.checks) >= 20
    assert [d.as_json() for d in report.drift] == []


async def test_refuses_a_database_with_users(runtime: Runtime) -> None:
    assert await seed_bench(runtime, scale=SCALE, quiet=True) is not None
    assert await seed_bench(runtime, scale=SCALE, only_if_empty=True, quiet=True) is None
    with pytest.raises(RuntimeError, match="not empty"):
        await seed_bench(runtime, scale=SCALE, quiet=True)


async def test_the_api_serves_the_dataset(runtime: Runtime, client: httpx.AsyncClient) -> None:
    await seed_bench(runtime, scale=SCALE, quiet=True)
    feed = await client.get("/api/projects", params={"sort": "most_voted"})
    assert feed.status_code == 200
    items = feed.json()["data"]
    assert len(items) == 20
    top = items[0]
    assert top["upvotes"] + top["downvotes"] >= items[-1]["upvotes"] + items[-1]["downvotes"]
    detail = await client.get(f"/api/projects/{top['id']}")
    assert detail.status_code == 200
    assert detail.json()["data"]["proof_score"] == top["proof_score"]
    thread = await client.get(f"/api/projects/{top['id']}/comments")
    assert thread.status_code == 200
    login = await client.post(
        "/api/auth/login", json={"email": "bench00001", "password": BENCH_PASSWORD}
    )
    assert login.status_code == 200
    token = login.json()["data"]["tokens"]["access"]
    inbox = await client.get("/api/notifications", headers={"Authorization": f"Bearer {token}"})
    assert inbox.status_code == 200
    chains = await client.get("/api/chains")
    assert chains.status_code == 200
    assert chains.json()["data"]
