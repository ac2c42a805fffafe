"""Forum reads: thread lists, a post with its first replies, reply pages, the caller overlay.

Every function here builds the anonymous view (a shared cache entry may hold it); per-caller
fields are set by `overlay_caller`.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from oxship.errors import NotFound
from oxship.forum import repository
from oxship.forum.schemas import post_out
from oxship.kit.pagination import PageParams, page_body, pagination_object
from oxship.models import Chain, User


async def threads(
    session: AsyncSession, *, chain: Chain, sort: str, params: PageParams
) -> dict[str, Any]:
    """A page of the chain's threads, pinned first (2 statements whatever the page size)."""
    rows, total = await repository.threads_page(
        session, chain.id, sort=sort, offset=params.offset, limit=params.limit
    )
    return page_body([post_out(post, author) for post, author in rows], params, total)


async def _post(session: AsyncSession, chain: Chain, post_id: uuid.UUID) -> dict[str, Any]:
    row = await repository.with_author(session, post_id, chain_id=chain.id)
    if row is None:
        raise NotFound("Post not found")
    return post_out(*row)


async def replies(
    session: AsyncSession, *, chain: Chain, post_id: uuid.UUID, sort: str, params: PageParams
) -> dict[str, Any]:
    """A page of a post's direct replies (3 statements whatever the page size)."""
    await _post(session, chain, post_id)
    rows, total = await repository.replies_page(
        session, post_id, sort=sort, offset=params.offset, limit=params.limit
    )
    return page_body([post_out(post, author) for post, author in rows], params, total)


async def detail(
    session: AsyncSession, *, chain: Chain, post_id: uuid.UUID, sort: str, params: PageParams
) -> dict[str, Any]:
    """A post (deleted ones as `[deleted]`) with a page of its direct replies (3 statements)."""
    post = await _post(session, chain, post_id)
    rows, total = await repository.replies_page(
        session, post_id, sort=sort, offset=params.offset, limit=params.limit
    )
    post["replies"] = [post_out(reply, author) for reply, author in rows]
    post["replies_pagination"] = pagination_object(params, total)
    return {"status": "success", "data": post}


async def overlay_caller(session: AsyncSession, user: User, envelope: dict[str, Any]) -> None:
    """Set the caller's `user_reaction` and `is_author` on every post of the envelope, replies
    of a detail included (1 statement)."""
    data = envelope.get("data")
    posts: list[dict[str, Any]] = []
    if isinstance(data, list):
        posts = [p for p in data if isinstance(p, dict)]
    elif isinstance(data, dict):
        posts = [data, *(p for p in data.get("replies") or [] if isinstance(p, dict))]
    if not posts:
        return
    ids = [uuid.UUID(p["id"]) for p in posts]
    reactions = await repository.caller_reactions(session, user.id, ids)
    me = str(user.id)
    for post, post_id in zip(posts, ids, strict=True):
        post["user_reaction"] = reactions.get(post_id)
        post["is_author"] = post["author_id"] == me
