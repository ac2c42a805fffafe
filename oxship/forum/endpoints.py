"""HTTP routes of /api/chains/{slug}/posts."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from enum import StrEnum
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from oxship.auth.dependencies import CurrentUser, OptionalUser
from oxship.auth.write_limits import write_limit
from oxship.db import SessionDep
from oxship.forum import listing, service
from oxship.forum.cache import POSTS_TTL, posts_ns
from oxship.forum.schemas import (
    ChainPostCreate,
    ChainPostDetailOut,
    ChainPostOut,
    ChainPostUpdate,
    LockIn,
    LockOut,
    PinIn,
    PinOut,
    PostDeletedOut,
    ReactionIn,
    ReactionOut,
)
from oxship.kit.cache import CacheDep, cached_json, caller_overlay
from oxship.kit.envelope import ERROR_RESPONSES, Envelope, JSONBody, PageEnvelope, ok
from oxship.kit.pagination import Pagination
from oxship.models import Chain, User

router = APIRouter(
    prefix="/api/chains/{slug}/posts", tags=["chain-posts"], responses=ERROR_RESPONSES
)

PRIVATE = {"Cache-Control": "private, no-store"}


class ThreadSort(StrEnum):
    """Thread list orders (pinned threads always first)."""

    HOT = "hot"
    NEW = "new"
    TOP = "top"
    ACTIVE = "active"


class ReplySort(StrEnum):
    """Reply orders: `top` (net votes, then oldest first) or `new` (newest first)."""

    TOP = "top"
    NEW = "new"


async def _serve(
    request: Request,
    session: SessionDep,
    cache: CacheDep,
    viewer: User | None,
    chain: Chain,
    load: Callable[[], Awaitable[dict[str, Any]]],
) -> Response:
    """Public chains: the cached anonymous view plus the caller overlay; private ones uncached."""
    overlay = caller_overlay(listing.overlay_caller, session, viewer)
    if not chain.is_public:  # never in a shared entry
        body = await load()
        if overlay is not None:
            await overlay(body)
        return JSONBody(body, headers=PRIVATE)
    return await cached_json(
        request,
        cache,
        namespaces=[posts_ns(chain.id)],
        ttl=POSTS_TTL,
        load=load,
        overlay=overlay,
    )


@router.post(
    "", status_code=201, response_model=Envelope[ChainPostOut], dependencies=[write_limit("posts")]
)
async def create_post(
    slug: str, body: ChainPostCreate, session: SessionDep, user: CurrentUser
) -> JSONBody:
    """Start a thread (`title` required) or reply to a post (`parent_id`, any depth)."""
    post = await service.create(session, slug=slug, user=user, data=body)
    return ok(post, status_code=201)


@router.get("", response_model=PageEnvelope[ChainPostOut])
async def list_threads(
    slug: str,
    request: Request,
    session: SessionDep,
    cache: CacheDep,
    viewer: OptionalUser,
    params: Pagination,
    sort: ThreadSort = ThreadSort.HOT,
) -> Response:
    """The chain's threads, pinned first, then by `sort` (same visibility as the chain)."""
    chain = await service.readable(session, slug=slug, viewer=viewer)

    async def load() -> dict[str, Any]:
        return await listing.threads(session, chain=chain, sort=sort.value, params=params)

    return await _serve(request, session, cache, viewer, chain, load)


@router.get("/{post_id}", response_model=Envelope[ChainPostDetailOut])
async def post_detail(
    slug: str,
    post_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    cache: CacheDep,
    viewer: OptionalUser,
    params: Pagination,
    sort: ReplySort = ReplySort.TOP,
) -> Response:
    """A post with one page (`page`, `per_page`, `sort`) of its direct replies."""
    chain = await service.readable(session, slug=slug, viewer=viewer)

    async def load() -> dict[str, Any]:
        return await listing.detail(
            session, chain=chain, post_id=post_id, sort=sort.value, params=params
        )

    return await _serve(request, session, cache, viewer, chain, load)


@router.get("/{post_id}/replies", response_model=PageEnvelope[ChainPostOut])
async def post_replies(
    slug: str,
    post_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    cache: CacheDep,
    viewer: OptionalUser,
    params: Pagination,
    sort: ReplySort = ReplySort.TOP,
) -> Response:
    """A page of a post's direct replies."""
    chain = await service.readable(session, slug=slug, viewer=viewer)

    async def load() -> dict[str, Any]:
        return await listing.replies(
            session, chain=chain, post_id=post_id, sort=sort.value, params=params
        )

    return await _serve(request, session, cache, viewer, chain, load)


@router.put(
    "/{post_id}", response_model=Envelope[ChainPostOut], dependencies=[write_limit("posts")]
)
async def edit_post(
    slug: str, post_id: uuid.UUID, body: ChainPostUpdate, session: SessionDep, user: CurrentUser
) -> JSONBody:
    """Edit the caller's own post (`title` only on threads); sets `is_edited`."""
    post = await service.edit(session, slug=slug, user=user, post_id=post_id, data=body)
    return ok(post)


@router.delete("/{post_id}", response_model=Envelope[PostDeletedOut])
async def delete_post(
    slug: str, post_id: uuid.UUID, session: SessionDep, user: CurrentUser
) -> JSONBody:
    """Soft-delete a post (author, chain owner or admin); replies stay in place."""
    data = await service.delete(session, slug=slug, user=user, post_id=post_id)
    return ok(data, message="Post deleted")


@router.post(
    "/{post_id}/react", response_model=Envelope[ReactionOut], dependencies=[write_limit("votes")]
)
async def react_to_post(
    slug: str, post_id: uuid.UUID, body: ReactionIn, session: SessionDep, user: CurrentUser
) -> JSONBody:
    """Toggle the caller's reaction: none → create, same → remove, other → switch."""
    data = await service.react(
        session, slug=slug, user=user, post_id=post_id, reaction=body.reaction_type
    )
    return ok(data)


@router.post("/{post_id}/pin", response_model=Envelope[PinOut])
async def pin_post(
    slug: str,
    post_id: uuid.UUID,
    session: SessionDep,
    user: CurrentUser,
    body: PinIn | None = None,
) -> JSONBody:
    """Toggle a thread's pin, or set it with `{is_pinned}` (chain owner or admin)."""
    data = await service.set_flag(
        session,
        slug=slug,
        user=user,
        post_id=post_id,
        flag="is_pinned",
        value=body.is_pinned if body else None,
    )
    return ok(data)


@router.post("/{post_id}/lock", response_model=Envelope[LockOut])
async def lock_post(
    slug: str,
    post_id: uuid.UUID,
    session: SessionDep,
    user: CurrentUser,
    body: LockIn | None = None,
) -> JSONBody:
    """Toggle a post's lock, or set it with `{is_locked}` (chain owner or admin): a locked post
    and everything under it take no replies."""
    data = await service.set_flag(
        session,
        slug=slug,
        user=user,
        post_id=post_id,
        flag="is_locked",
        value=body.is_locked if body else None,
    )
    return ok(data)
