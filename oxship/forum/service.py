"""Chain post rules: who may post, reply, edit, delete, react, pin and lock; counters in SQL."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from oxship.chains import service as chains
from oxship.chains.cache import chain_changed
from oxship.errors import Forbidden, NotFound, ValidationFailed
from oxship.forum import repository
from oxship.forum.cache import posts_ns
from oxship.forum.schemas import ChainPostCreate, ChainPostUpdate, post_out
from oxship.forum.scoring import hot_score
from oxship.kit.clock import utcnow
from oxship.kit.outbox import outbox_of
from oxship.models import Chain, ChainPost, User
from oxship.notifications.service import notify
from oxship.votes.service import plan_toggle

SNIPPET = 140
_SHORT = {"upvote": "up", "downvote": "down"}
_LONG = {"up": "upvote", "down": "downvote"}


def room(chain_id: uuid.UUID) -> str:
    """The real-time room of a chain."""
    return f"chain:{chain_id}"


async def readable(session: AsyncSession, *, slug: str, viewer: User | None) -> Chain:
    """The chain whose forum the viewer may read (404 as the chain's detail would)."""
    return await chains.visible(session, slug, viewer)


def _writable(chain: Chain, user: User) -> None:
    if chains.is_read_only(chain) and not chains.is_admin(user):
        raise Forbidden("This chain is read-only")


async def _live_post(
    session: AsyncSession, chain: Chain, post_id: uuid.UUID, *, lock: bool = False
) -> ChainPost:
    post = await repository.get(session, post_id, chain_id=chain.id, lock=lock)
    if post is None or post.is_deleted:
        raise NotFound("Post not found")
    return post


def _forum_changed(session: AsyncSession, chain: Chain, *, post_count: bool = False) -> None:
    """Forum views of the chain are stale; with `post_count`, the chain's detail and lists too."""
    outbox_of(session).bump(posts_ns(chain.id))
    if post_count:
        chain_changed(session, chain.id)


def _emit(session: AsyncSession, chain: Chain, name: str, payload: dict[str, Any]) -> None:
    outbox_of(session).emit(name, {"chain_id": str(chain.id), **payload}, room=room(chain.id))


async def _check_parent(
    session: AsyncSession, chain: Chain, parent_id: uuid.UUID
) -> repository.Ancestor:
    """The parent of a new reply: a live post of this chain with no locked post on its path."""
    path = await repository.ancestors(session, parent_id)
    parent = next((p for p in path if p.id == parent_id), None)
    if parent is None or parent.chain_id != chain.id:
        raise ValidationFailed.field("parent_id", "must be a post of this chain")
    if parent.is_deleted:
        raise ValidationFailed.field("parent_id", "cannot reply to a deleted post")
    if any(p.is_locked for p in path):
        raise Forbidden("This thread is locked")
    return parent


async def create(
    session: AsyncSession, *, slug: str, user: User, data: ChainPostCreate
) -> dict[str, Any]:
    """Start a thread, or reply (any depth) to a live post of the chain's unlocked thread."""
    chain = await chains.visible(session, slug, user)
    _writable(chain, user)
    if data.parent_id is None and data.title is None:
        raise ValidationFailed.field("title", "a thread needs a title")
    if data.parent_id is not None and data.title is not None:
        raise ValidationFailed.field("title", "replies have no title")
    # Lock order: the chain row (it serializes the chain's structural writes: replies, deletes,
    # pins and locks, so the parent cannot be deleted or locked under us), then post rows.
    await repository.lock_chain(session, chain.id)
    parent = None if data.parent_id is None else await _check_parent(session, chain, data.parent_id)
    now = utcnow()
    post = await repository.insert_post(
        session,
        {
            "chain_id": chain.id,
            "author_id": user.id,
            "parent_id": parent.id if parent else None,
            "title": data.title,
            "content": data.content,
            "image_urls": list(data.image_urls),
            "hot_score": hot_score(upvotes=0, downvotes=0, created_at=now),
            "last_activity_at": now,
            "created_at": now,
            "updated_at": now,
        },
    )
    if parent is not None:
        await repository.move_thread_counters(session, parent.id, 1, now=now)
        await _notify_reply(session, chain=chain, parent=parent, post=post, author=user)
    await repository.add_to_post_count(session, chain.id, 1)
    _forum_changed(session, chain, post_count=True)
    body = post_out(post, user)
    _emit(
        session,
        chain,
        "chain:post_created",
        {"post_id": body["id"], "parent_id": body["parent_id"], "data": body},
    )
    return {**body, "is_author": True}


async def _notify_reply(
    session: AsyncSession,
    *,
    chain: Chain,
    parent: repository.Ancestor,
    post: ChainPost,
    author: User,
) -> None:
    """`chain_post_reply` to the parent's author (never to the replier themself)."""
    text = post.content if len(post.content) <= SNIPPET else post.content[:SNIPPET] + "…"
    await notify(
        session,
        user_id=parent.author_id,
        actor_id=author.id,
        type="chain_post_reply",
        title="New reply to your post",
        message=f"{author.display_name or author.username} replied in {chain.name}: {text}",
        data={
            "chain_id": str(chain.id),
            "chain_slug": chain.slug,
            "post_id": str(post.id),
            "parent_id": str(parent.id),
        },
    )


async def edit(
    session: AsyncSession, *, slug: str, user: User, post_id: uuid.UUID, data: ChainPostUpdate
) -> dict[str, Any]:
    """Edit the caller's own live post (title only on threads); marks it edited."""
    chain = await chains.visible(session, slug, user)
    post = await _live_post(session, chain, post_id)
    if post.author_id != user.id:
        raise Forbidden("Only the author can edit a post")
    _writable(chain, user)
    fields = data.model_dump(exclude_unset=True)
    if "title" in fields and post.parent_id is not None:
        raise ValidationFailed.field("title", "replies have no title")
    changes = {name: value for name, value in fields.items() if value != getattr(post, name)}
    if changes and not await repository.set_fields(session, post.id, changes):
        raise NotFound("Post not found")
    row = await repository.with_author(session, post.id, chain_id=chain.id)
    assert row is not None
    body = post_out(*row)
    if changes:
        _forum_changed(session, chain)
        _emit(session, chain, "chain:post_updated", {"post_id": body["id"], "data": body})
    mine = await repository.get_reaction(session, user_id=user.id, post_id=post.id)
    return {**body, "is_author": True, "user_reaction": mine.vote_type if mine else None}


async def delete(
    session: AsyncSession, *, slug: str, user: User, post_id: uuid.UUID
) -> dict[str, Any]:
    """Soft-delete (author, chain owner or admin); a second delete is a 404, so counters move
    once. Its replies stay, under a `[deleted]` placeholder."""
    chain = await chains.visible(session, slug, user)
    post = await _live_post(session, chain, post_id)
    if user.id not in (post.author_id, chain.creator_id) and not chains.is_admin(user):
        raise Forbidden("Only the author, the chain owner or an admin can delete a post")
    _writable(chain, user)
    await repository.lock_chain(session, chain.id)
    gone = await repository.mark_deleted(session, post.id)
    if gone is None:
        raise NotFound("Post not found")
    if gone.parent_id is not None:
        await repository.move_thread_counters(session, gone.parent_id, -1, now=None)
    await repository.add_to_post_count(session, chain.id, -1)
    _forum_changed(session, chain, post_count=True)
    parent = str(gone.parent_id) if gone.parent_id else None
    _emit(session, chain, "chain:post_deleted", {"post_id": str(post.id), "parent_id": parent})
    return {"id": str(post.id), "deleted": True}


async def react(
    session: AsyncSession, *, slug: str, user: User, post_id: uuid.UUID, reaction: str
) -> dict[str, Any]:
    """Toggle the caller's reaction: none → create, same → remove, other → switch."""
    chain = await chains.visible(session, slug, user)
    _writable(chain, user)
    # The post row lock serializes reactions on this post, so the read-then-write of the
    # caller's reaction cannot race; the unique (user, post) constraint backs it up.
    post = await _live_post(session, chain, post_id, lock=True)
    existing = await repository.get_reaction(session, user_id=user.id, post_id=post.id)
    plan = plan_toggle(_SHORT[existing.vote_type] if existing else None, _SHORT[reaction])
    if existing is None:
        await repository.insert_reaction(
            session, user_id=user.id, post_id=post.id, reaction=reaction
        )
    elif plan.vote_type is None:
        await repository.delete_reaction(session, existing.id)
    else:
        await repository.set_reaction(session, existing.id, reaction)
    up, down, created_at = await repository.add_to_reactions(
        session, post.id, up=plan.up, down=plan.down
    )
    score = hot_score(upvotes=up, downvotes=down, created_at=created_at)
    await repository.set_hot_score(session, post.id, score)
    _forum_changed(session, chain)
    counts = {"upvote_count": up, "downvote_count": down}
    _emit(session, chain, "chain:post_reacted", {"post_id": str(post.id), **counts})
    mine = _LONG[plan.vote_type] if plan.vote_type else None
    return {"post_id": str(post.id), "user_reaction": mine, **counts}


async def set_flag(
    session: AsyncSession,
    *,
    slug: str,
    user: User,
    post_id: uuid.UUID,
    flag: str,
    value: bool | None = None,
) -> dict[str, Any]:
    """Toggle (or, with `value`, set) `is_pinned` (threads only) or `is_locked` (chain owner or
    admin)."""
    chain = await chains.visible(session, slug, user)
    if chain.creator_id != user.id and not chains.is_admin(user):
        raise Forbidden("Only the chain owner or an admin can do this")
    _writable(chain, user)
    post = await _live_post(session, chain, post_id)
    if flag == "is_pinned" and post.parent_id is not None:
        raise ValidationFailed.field("post_id", "only threads can be pinned")
    await repository.lock_chain(session, chain.id)
    value = await repository.set_flag(session, post.id, flag, value)
    row = await repository.with_author(session, post.id, chain_id=chain.id)
    assert row is not None
    body = post_out(*row)
    _forum_changed(session, chain)
    _emit(session, chain, "chain:post_updated", {"post_id": body["id"], "data": body})
    return {"id": body["id"], flag: value}
