"""Comment lists: top-level, replies, the whole thread, and the per-caller overlay."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from oxship.comments import repository
from oxship.comments.schemas import TREE_LIMIT, comment_out
from oxship.kit.pagination import PageParams, page_body
from oxship.models import User
from oxship.projects import service as projects


async def top_level(
    session: AsyncSession, *, project_id: uuid.UUID, sort: str, params: PageParams
) -> dict[str, Any]:
    """A page of a live project's top-level comments (3 statements whatever the page size)."""
    await projects.get_live(session, project_id)
    rows, total = await repository.top_level_page(
        session, project_id, sort=sort, offset=params.offset, limit=params.limit
    )
    return page_body([comment_out(c, author) for c, author in rows], params, total)


async def replies(
    session: AsyncSession, *, project_id: uuid.UUID, comment_id: uuid.UUID, params: PageParams
) -> dict[str, Any]:
    """A page of a comment's direct replies, oldest first (3 statements)."""
    await projects.get_live(session, project_id)
    rows, total = await repository.replies_page(
        session, comment_id, offset=params.offset, limit=params.limit
    )
    return page_body([comment_out(c, author) for c, author in rows], params, total)


async def tree(session: AsyncSession, *, project_id: uuid.UUID) -> dict[str, Any]:
    """The thread of a live project, nested (2 statements).

    The first TREE_LIMIT comments by creation time are kept (so every reply's ancestors are in);
    top-level comments come newest first, replies oldest first.
    """
    await projects.get_live(session, project_id)
    rows = await repository.thread(session, project_id, limit=TREE_LIMIT + 1)
    truncated = len(rows) > TREE_LIMIT
    nodes: dict[uuid.UUID, dict[str, Any]] = {}
    roots: list[dict[str, Any]] = []
    for comment, author in rows[:TREE_LIMIT]:
        node = {**comment_out(comment, author), "replies": []}
        if comment.parent_id is None:
            roots.append(node)
        elif (parent := nodes.get(comment.parent_id)) is not None:
            parent["replies"].append(node)
        else:  # its parent fell outside the window (same-instant timestamps)
            truncated = True
            continue
        nodes[comment.id] = node
    roots.reverse()
    return {
        "status": "success",
        "data": roots,
        "meta": {"truncated": truncated, "count": len(nodes), "limit": TREE_LIMIT},
    }


async def overlay_caller(session: AsyncSession, user: User, envelope: dict[str, Any]) -> None:
    """Set the caller's `user_vote` on every comment of the envelope, nested replies included
    (1 statement)."""
    found: list[dict[str, Any]] = []
    stack = [c for c in envelope.get("data") or [] if isinstance(c, dict)]
    while stack:
        comment = stack.pop()
        found.append(comment)
        stack.extend(comment.get("replies") or [])
    if not found:
        return
    votes = await repository.caller_votes(session, user.id, [uuid.UUID(c["id"]) for c in found])
    for comment in found:
        comment["user_vote"] = votes.get(uuid.UUID(comment["id"]))
