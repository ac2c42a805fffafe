"""Small helpers of the forum tests."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import httpx
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from oxship.kit.clock import utcnow
from oxship.models import Chain, ChainFollower, ChainPost, ChainPostReaction


def posts_url(chain: dict[str, Any]) -> str:
    """The forum root of a chain."""
    return f"/api/chains/{chain['slug']}/posts"


async def start_thread(
    client: httpx.AsyncClient,
    chain: dict[str, Any],
    title: str = "Hello chain",
    content: str = "First post",
    **extra: Any,
) -> dict[str, Any]:
    """POST a thread, expecting 201; the post."""
    body = {"title": title, "content": content, **extra}
    response = await client.post(posts_url(chain), json=body)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


async def reply_to(
    client: httpx.AsyncClient, chain: dict[str, Any], parent: dict[str, Any], content: str = "+1"
) -> dict[str, Any]:
    """POST a reply to `parent`, expecting 201; the reply."""
    response = await client.post(
        posts_url(chain), json={"content": content, "parent_id": parent["id"]}
    )
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


def field_errors(response: httpx.Response) -> set[str]:
    """The fields a 422 names."""
    assert response.status_code == 422, response.text
    return {d["field"] for d in response.json()["details"]}


class ForumRows:
    """Direct row access on the test's database."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self.sessionmaker = sessionmaker

    async def post(self, post_id: str) -> ChainPost:
        """A post row, fresh."""
        async with self.sessionmaker() as session:
            post = await session.get(ChainPost, _uuid(post_id))
            assert post is not None
            return post

    async def counters(self, post_id: str) -> tuple[int, int, int, int]:
        """(comment_count, total_replies, upvote_count, downvote_count)."""
        p = await self.post(post_id)
        return p.comment_count, p.total_replies, p.upvote_count, p.downvote_count

    async def post_count(self, chain: dict[str, Any]) -> int:
        """The chain's `post_count` column."""
        async with self.sessionmaker() as session:
            count = await session.scalar(
                select(Chain.post_count).where(Chain.id == _uuid(chain["id"]))
            )
        return int(count or 0)

    async def reactions(self, post_id: str) -> list[tuple[str, str]]:
        """(user_id, vote_type) reaction rows of a post."""
        async with self.sessionmaker() as session:
            rows = await session.execute(
                select(ChainPostReaction.user_id, ChainPostReaction.vote_type).where(
                    ChainPostReaction.post_id == _uuid(post_id)
                )
            )
            return [(str(u), t) for u, t in rows]

    async def live_posts(self, chain: dict[str, Any]) -> int:
        """Live posts of the chain, counted from rows."""
        async with self.sessionmaker() as session:
            count = await session.scalar(
                select(func.count())
                .select_from(ChainPost)
                .where(ChainPost.chain_id == _uuid(chain["id"]), ChainPost.is_deleted.is_(False))
            )
        return int(count or 0)

    async def set_chain(self, chain: dict[str, Any], **values: Any) -> None:
        """Write chain columns directly (status, suspended_until…)."""
        async with self.sessionmaker() as session:
            await session.execute(
                update(Chain).where(Chain.id == _uuid(chain["id"])).values(**values)
            )
            await session.commit()

    async def follow(self, chain: dict[str, Any], user_id: uuid.UUID) -> None:
        """Make a user follow a chain (private chains take no follows through the API)."""
        async with self.sessionmaker() as session:
            session.add(
                ChainFollower(chain_id=_uuid(chain["id"]), user_id=user_id, created_at=utcnow())
            )
            await session.commit()

    async def set_post(self, post_id: str, **values: Any) -> None:
        """Write post columns directly."""
        async with self.sessionmaker() as session:
            await session.execute(
                update(ChainPost).where(ChainPost.id == _uuid(post_id)).values(**values)
            )
            await session.commit()


def _uuid(value: str) -> uuid.UUID:
    return uuid.UUID(value)


def parse(value: str) -> datetime:
    """An ISO timestamp of a response."""
    return datetime.fromisoformat(value.replace("Z", "+00:00"))
