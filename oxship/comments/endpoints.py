"""HTTP routes of /api/comments and the thread under /api/projects/{id}/comments."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from enum import StrEnum
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from oxship.auth.dependencies import CurrentUser, OptionalUser
from oxship.auth.write_limits import write_limit
from oxship.comments import listing, service
from oxship.comments.cache import COMMENTS_TTL, thread_namespaces
from oxship.comments.schemas import (
    CommentCreate,
    CommentDeletedOut,
    CommentEdit,
    CommentOut,
    CommentTreeEnvelope,
    CommentVoteOut,
)
from oxship.db import SessionDep
from oxship.kit.cache import CacheDep, cached_json, caller_overlay
from oxship.kit.envelope import ERROR_RESPONSES, Envelope, JSONBody, PageEnvelope, ok
from oxship.kit.pagination import Pagination
from oxship.models import User
from oxship.votes.schemas import VoteTypeIn

router = APIRouter(prefix="/api", tags=["comments"], responses=ERROR_RESPONSES)


class CommentSort(StrEnum):
    """Orders of the top-level list."""

    NEWEST = "newest"
    NEW = "new"
    TOP = "top"


async def _cached(
    request: Request,
    session: SessionDep,
    cache: CacheDep,
    viewer: User | None,
    project_id: uuid.UUID,
    load: Callable[[], Awaitable[dict[str, Any]]],
) -> Response:
    return await cached_json(
        request,
        cache,
        namespaces=thread_namespaces(project_id),
        ttl=COMMENTS_TTL,
        load=load,
        overlay=caller_overlay(listing.overlay_caller, session, viewer),
    )


@router.get("/comments", response_model=PageEnvelope[CommentOut])
async def list_comments(
    request: Request,
    project_id: uuid.UUID,
    session: SessionDep,
    cache: CacheDep,
    viewer: OptionalUser,
    params: Pagination,
    sort: CommentSort = CommentSort.NEWEST,
) -> Response:
    """Top-level comments of a project, newest first (`sort=top`: by net votes)."""
    order = "top" if sort is CommentSort.TOP else "newest"

    async def load() -> dict[str, Any]:
        return await listing.top_level(session, project_id=project_id, sort=order, params=params)

    return await _cached(request, session, cache, viewer, project_id, load)


@router.get("/comments/{comment_id}/replies", response_model=PageEnvelope[CommentOut])
async def list_replies(
    request: Request,
    comment_id: uuid.UUID,
    session: SessionDep,
    cache: CacheDep,
    viewer: OptionalUser,
    params: Pagination,
) -> Response:
    """Direct replies to a comment, oldest first."""
    project_id = await service.project_of(session, comment_id)

    async def load() -> dict[str, Any]:
        return await listing.replies(
            session, project_id=project_id, comment_id=comment_id, params=params
        )

    return await _cached(request, session, cache, viewer, project_id, load)


@router.get("/projects/{project_id}/comments", response_model=CommentTreeEnvelope)
async def comment_tree(
    request: Request,
    project_id: uuid.UUID,
    session: SessionDep,
    cache: CacheDep,
    viewer: OptionalUser,
) -> Response:
    """The whole thread of a project, nested in `replies[]` (at most 500, `meta.truncated`)."""

    async def load() -> dict[str, Any]:
        return await listing.tree(session, project_id=project_id)

    return await _cached(request, session, cache, viewer, project_id, load)


@router.post(
    "/comments",
    status_code=201,
    response_model=Envelope[CommentOut],
    dependencies=[write_limit("comments")],
)
async def create_comment(body: CommentCreate, session: SessionDep, user: CurrentUser) -> JSONBody:
    """Comment on a project, or reply to a comment of it (`parent_id`, any depth)."""
    return ok(await service.create(session, user=user, data=body), status_code=201)


@router.put(
    "/comments/{comment_id}",
    response_model=Envelope[CommentOut],
    dependencies=[write_limit("comments")],
)
async def edit_comment(
    comment_id: uuid.UUID, body: CommentEdit, session: SessionDep, user: CurrentUser
) -> JSONBody:
    """Edit the caller's own comment (sets `is_edited`)."""
    return ok(await service.edit(session, user=user, comment_id=comment_id, content=body.content))


@router.delete("/comments/{comment_id}", response_model=Envelope[CommentDeletedOut])
async def delete_comment(comment_id: uuid.UUID, session: SessionDep, user: CurrentUser) -> JSONBody:
    """Soft-delete a comment (author, project owner or admin); deleting again is harmless."""
    return ok(
        await service.delete(session, user=user, comment_id=comment_id),
        message="Comment deleted",
    )


@router.post(
    "/comments/{comment_id}/vote",
    response_model=Envelope[CommentVoteOut],
    dependencies=[write_limit("votes")],
)
async def vote_comment(
    comment_id: uuid.UUID, body: VoteTypeIn, session: SessionDep, user: CurrentUser
) -> JSONBody:
    """Toggle the caller's vote on a comment: none → create, same → remove, other → switch."""
    return ok(
        await service.vote(session, user=user, comment_id=comment_id, vote_type=body.vote_type)
    )
