"""Reactions and replies under concurrency: rows are exact and counters equal them."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlalchemy import func, select

from oxship.models import Chain, ChainPost, ChainPostReaction
from oxship.runtime import Runtime
from tests.chains.conftest import make_chain
from tests.factories.users import UserFactory
from tests.forum.helpers import posts_url, start_thread

pytestmark = pytest.mark.committed


async def test_concurrent_identical_reactions_leave_one_or_zero_rows(
    users: UserFactory, runtime: Runtime
) -> None:
    owner = await users.actor()
    chain = await make_chain(owner.client, "Racy forum")
    post = await start_thread(owner.client, chain)
    fan = await users.actor()
    url = f"{posts_url(chain)}/{post['id']}/react"
    # Toggles serialize on the post row: 8 identical requests end where they started (no row),
    # 7 more leave exactly one upvote; never a duplicate row, counters always equal to rows.
    for n, expected in ((8, 0), (7, 1)):
        responses = await asyncio.gather(
            *(fan.client.post(url, json={"reaction_type": "upvote"}) for _ in range(n))
        )
        assert {r.status_code for r in responses} == {200}, [r.text for r in responses]
        async with runtime.sessionmaker() as session:
            reactions = await session.scalar(select(func.count()).select_from(ChainPostReaction))
            row = await session.get(ChainPost, uuid.UUID(post["id"]))
        assert row is not None
        assert reactions == expected
        assert (row.upvote_count, row.downvote_count) == (expected, 0)


async def test_concurrent_mixed_reactions_keep_counters_equal_to_rows(
    users: UserFactory, runtime: Runtime
) -> None:
    owner = await users.actor()
    chain = await make_chain(owner.client, "Mixed forum")
    post = await start_thread(owner.client, chain)
    fans = [await users.actor() for _ in range(10)]
    url = f"{posts_url(chain)}/{post['id']}/react"
    kinds = ["upvote", "downvote"]
    responses = await asyncio.gather(
        *(
            fan.client.post(url, json={"reaction_type": kinds[(i + j) % 2]})
            for i, fan in enumerate(fans)
            for j in range(3)
        )
    )
    assert {r.status_code for r in responses} == {200}
    async with runtime.sessionmaker() as session:
        ups = await session.scalar(
            select(func.count()).where(ChainPostReaction.vote_type == "upvote")
        )
        downs = await session.scalar(
            select(func.count()).where(ChainPostReaction.vote_type == "downvote")
        )
        row = await session.get(ChainPost, uuid.UUID(post["id"]))
        assert row is not None
    assert (row.upvote_count, row.downvote_count) == (ups, downs)
    assert (ups or 0) + (downs or 0) <= 10


async def test_concurrent_replies_count_exactly(users: UserFactory, runtime: Runtime) -> None:
    owner = await users.actor()
    chain = await make_chain(owner.client, "Busy thread")
    root = await start_thread(owner.client, chain)
    fans = [await users.actor() for _ in range(10)]
    responses = await asyncio.gather(
        *(
            fan.client.post(posts_url(chain), json={"content": "me too", "parent_id": root["id"]})
            for fan in fans
        )
    )
    assert {r.status_code for r in responses} == {201}, [r.text for r in responses]
    async with runtime.sessionmaker() as session:
        row = await session.get(ChainPost, uuid.UUID(root["id"]))
        count = await session.scalar(select(Chain.post_count))
    assert row is not None
    assert (row.comment_count, row.total_replies, count) == (10, 10, 11)
