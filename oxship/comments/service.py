"""Comment rules: create with parent checks, edit, soft delete, votes; counters, scores, karma."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from oxship.comments import repository
from oxship.comments.cache import comments_ns
from oxship.comments.schemas import CommentCreate, comment_out
from oxship.errors import Forbidden, NotFound, ValidationFailed
from oxship.kit.clock import utcnow
from oxship.kit.outbox import outbox_of
from oxship.models import Comment, Project, User
from oxship.notifications import service as notifications
from oxship.projects import service as projects
from oxship.projects.cache import project_changed
from oxship.users import service as users
from oxship.votes.service import plan_toggle

SNIPPET = 140


def _room(project_id: uuid.UUID) -> str:
    return f"project:{project_id}"


async def project_of(session: AsyncSession, comment_id: uuid.UUID) -> uuid.UUID:
    """The id of the project a comment belongs to; 404 for an unknown comment."""
    project_id = await repository.project_of(session, comment_id)
    if project_id is None:
        raise NotFound("Comment not found")
    return project_id


async def _live_comment(
    session: AsyncSession, comment_id: uuid.UUID, *, lock: bool = False
) -> Comment:
    comment = await repository.get(session, comment_id, lock=lock)
    if comment is None or comment.is_deleted:
        raise NotFound("Comment not found")
    return comment


def _thread_changed(session: AsyncSession, project: Project) -> None:
    """A comment appeared or disappeared: the thread, the project's counters and lists."""
    outbox_of(session).bump(comments_ns(project.id))
    project_changed(session, project.id, project.user_id)


async def create(session: AsyncSession, *, user: User, data: CommentCreate) -> dict[str, Any]:
    """Comment on a live project, or reply (any depth) to a live comment of the same project."""
    # Lock order: the project row first (it serializes the comment writes of the project, so the
    # parent cannot be deleted under us), then comment rows, then user rows (karma).
    project = await projects.get_live(session, data.project_id, lock=True)
    parent = None
    if data.parent_id is not None:
        parent = await repository.get(session, data.parent_id)
        if parent is None or parent.project_id != project.id:
            raise ValidationFailed.field("parent_id", "must be a comment of the same project")
        if parent.is_deleted:
            raise ValidationFailed.field("parent_id", "cannot reply to a deleted comment")
    now = utcnow()
    comment = await repository.insert_comment(
        session,
        {
            "project_id": project.id,
            "user_id": user.id,
            "parent_id": parent.id if parent else None,
            "content": data.content,
            "created_at": now,
            "updated_at": now,
        },
    )
    if parent is not None:
        await repository.add_to_counters(session, parent.id, reply_count=1)
    await projects.add_to_counters(session, project.id, comment_count=1)
    await projects.recompute(session, project.id)
    await _notify(session, project=project, parent=parent, comment=comment, author=user)
    _thread_changed(session, project)
    body = comment_out(comment, user)
    outbox_of(session).emit(
        "comment:added", {"project_id": str(project.id), "data": body}, room=_room(project.id)
    )
    return body


async def _notify(
    session: AsyncSession,
    *,
    project: Project,
    parent: Comment | None,
    comment: Comment,
    author: User,
) -> None:
    """`comment_reply` to the parent's author, `comment` to the project owner; one each at most,
    never to the author themself (the notifications service drops self-notifications)."""
    snippet = (
        comment.content if len(comment.content) <= SNIPPET else comment.content[:SNIPPET] + "…"
    )
    name = author.display_name or author.username
    if parent is not None:
        await notifications.comment_received(
            session,
            user_id=parent.user_id,
            actor_id=author.id,
            type="comment_reply",
            project_id=project.id,
            comment_id=comment.id,
            title="New reply to your comment",
            message=f"{name} replied on “{project.title}”: {snippet}",
            subject=project.title,
        )
        if parent.user_id == project.user_id:
            return
    await notifications.comment_received(
        session,
        user_id=project.user_id,
        actor_id=author.id,
        type="comment",
        project_id=project.id,
        comment_id=comment.id,
        title="New comment on your project",
        message=f"{name} commented on “{project.title}”: {snippet}",
        subject=project.title,
    )


async def edit(
    session: AsyncSession, *, user: User, comment_id: uuid.UUID, content: str
) -> dict[str, Any]:
    """Replace the content of the caller's own comment and mark it edited."""
    comment = await _live_comment(session, comment_id)
    await projects.get_live(session, comment.project_id)
    if comment.user_id != user.id:
        raise Forbidden("Only the author can edit a comment")
    changed = content != comment.content
    if changed and not await repository.set_content(session, comment.id, content):
        raise NotFound("Comment not found")
    body = comment_out(*await repository.with_author(session, comment.id))
    if changed:
        outbox_of(session).bump(comments_ns(comment.project_id))
        outbox_of(session).emit(
            "comment:updated",
            {"project_id": str(comment.project_id), "data": body},
            room=_room(comment.project_id),
        )
    return body


def _can_delete(comment: Comment, project: Project, user: User) -> bool:
    return user.id in (comment.user_id, project.user_id) or user.is_admin


async def delete(session: AsyncSession, *, user: User, comment_id: uuid.UUID) -> dict[str, Any]:
    """Soft-delete (author, project owner or admin); idempotent, so counters move exactly once."""
    project = await projects.get_live(session, await project_of(session, comment_id), lock=True)
    comment = await repository.get(session, comment_id)
    if comment is None:
        raise NotFound("Comment not found")
    if not _can_delete(comment, project, user):
        raise Forbidden("Only the author, the project's owner or an admin can delete a comment")
    gone = await repository.mark_deleted(session, comment.id)
    if gone is not None:
        if gone.parent_id is not None:
            await repository.add_to_counters(session, gone.parent_id, reply_count=-1)
        await projects.add_to_counters(session, project.id, comment_count=-1)
        # The comment's upvotes leave its author's karma.
        await _rescore(session, project, also=gone.user_id if gone.upvotes else None)
        _thread_changed(session, project)
        outbox_of(session).emit(
            "comment:deleted",
            {"project_id": str(project.id), "comment_id": str(comment.id)},
            room=_room(project.id),
        )
    return {"id": str(comment.id), "deleted": True}


async def _rescore(session: AsyncSession, project: Project, *, also: uuid.UUID | None) -> None:
    """Recompute the project (and its owner's karma) and, with `also`, another user's karma.

    User rows are locked in id order, so two deletions whose owner and author are swapped cannot
    deadlock.
    """
    if also == project.user_id:
        also = None
    if also is not None and also < project.user_id:
        await users.refresh_karma(session, also)
        also = None
    await projects.recompute(session, project.id)
    if also is not None:
        await users.refresh_karma(session, also)


async def vote(
    session: AsyncSession, *, user: User, comment_id: uuid.UUID, vote_type: str
) -> dict[str, Any]:
    """Toggle the caller's vote on a comment; the author's karma follows its upvotes."""
    # The comment row lock serializes votes on this comment (one row per (user, comment), backed
    # by the unique constraint). Lock order: comment row, then the author's user row.
    comment = await _live_comment(session, comment_id, lock=True)
    await projects.get_live(session, comment.project_id)
    if comment.user_id == user.id:
        raise Forbidden("You cannot vote on your own comment")
    existing = await repository.get_vote(session, user_id=user.id, comment_id=comment.id)
    plan = plan_toggle(existing.vote_type if existing else None, vote_type)
    if existing is None:
        await repository.insert_vote(
            session, user_id=user.id, comment_id=comment.id, vote_type=vote_type
        )
    elif plan.vote_type is None:
        await repository.delete_vote(session, existing.id)
    else:
        await repository.set_vote_type(session, existing.id, vote_type)
    upvotes, downvotes = await repository.add_to_counters(
        session, comment.id, upvotes=plan.up, downvotes=plan.down
    )
    if plan.up:
        await users.refresh_karma(session, comment.user_id)
    outbox_of(session).bump(comments_ns(comment.project_id))
    counts = {"upvotes": upvotes, "downvotes": downvotes, "vote_count": upvotes - downvotes}
    outbox_of(session).emit(
        "comment:voted",
        {
            "project_id": str(comment.project_id),
            "comment_id": str(comment.id),
            "data": {"id": str(comment.id), **counts},
        },
        room=_room(comment.project_id),
    )
    return {
        "comment_id": str(comment.id),
        **counts,
        "user_vote": plan.vote_type,
        "action": plan.action,
    }
