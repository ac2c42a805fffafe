"""Notification rules: never for one's own action, coalescing of votes and comments (API §3.17)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from oxship.errors import NotFound, ValidationFailed
from oxship.kit.clock import iso, utcnow
from oxship.kit.outbox import outbox_of
from oxship.kit.pagination import PageParams, page_body
from oxship.models import Notification, User
from oxship.notifications import repository
from oxship.notifications.schemas import NOTIFICATION_TYPES

VOTE_WINDOW = timedelta(hours=1)
COMMENT_WINDOW = timedelta(minutes=10)
COMMENTS_BEFORE_COALESCING = 3


def notification_out(n: Notification) -> dict[str, Any]:
    """The JSON of a notification."""
    return {
        "id": str(n.id),
        "type": n.type,
        "title": n.title,
        "message": n.message,
        "actor_id": str(n.actor_id) if n.actor_id else None,
        "project_id": str(n.project_id) if n.project_id else None,
        "comment_id": str(n.comment_id) if n.comment_id else None,
        "data": n.data or {},
        "count": n.count,
        "is_read": n.is_read,
        "read_at": iso(n.read_at),
        "created_at": iso(n.created_at),
        "updated_at": iso(n.updated_at),
    }


def _announce(session: AsyncSession, notification: Notification) -> None:
    outbox_of(session).emit(
        "new_notification", notification_out(notification), room=f"user:{notification.user_id}"
    )


async def notify(
    session: AsyncSession,
    *,
    user_id: uuid.UUID,
    actor_id: uuid.UUID | None,
    type: str,
    title: str,
    message: str,
    project_id: uuid.UUID | None = None,
    comment_id: uuid.UUID | None = None,
    data: dict[str, Any] | None = None,
    group_key: str | None = None,
) -> Notification | None:
    """Write one notification in the current transaction; none when users act on themselves."""
    if actor_id is not None and actor_id == user_id:
        return None
    now = utcnow()
    notification = await repository.insert(
        session,
        {
            "user_id": user_id,
            "actor_id": actor_id,
            "type": type,
            "title": title,
            "message": message,
            "project_id": project_id,
            "comment_id": comment_id,
            "data": data or {},
            "group_key": group_key,
            "count": 1,
            "created_at": now,
            "updated_at": now,
        },
    )
    _announce(session, notification)
    return notification


async def notify_coalesced(
    session: AsyncSession,
    *,
    user_id: uuid.UUID,
    actor_id: uuid.UUID | None,
    type: str,
    group_key: str,
    window: timedelta,
    title: str,
    message_for: Callable[[int], str],
    project_id: uuid.UUID | None = None,
    data: dict[str, Any] | None = None,
) -> Notification | None:
    """Add to the group's notification of the current window, or start a new one."""
    if actor_id is not None and actor_id == user_id:
        return None
    current = await repository.latest_in_group(
        session, user_id=user_id, group_key=group_key, since=utcnow() - window
    )
    if current is None:
        return await notify(
            session,
            user_id=user_id,
            actor_id=actor_id,
            type=type,
            title=title,
            message=message_for(1),
            project_id=project_id,
            data=data,
            group_key=group_key,
        )
    updated = await repository.bump_group(
        session, current.id, message=message_for(current.count + 1)
    )
    _announce(session, updated)
    return updated


async def vote_received(
    session: AsyncSession,
    *,
    owner_id: uuid.UUID,
    voter_id: uuid.UUID,
    project_id: uuid.UUID,
    project_title: str,
) -> None:
    """A vote on a project: one notification per project per hour, counting the votes."""
    await notify_coalesced(
        session,
        user_id=owner_id,
        actor_id=voter_id,
        type="vote",
        group_key=f"vote:{project_id}",
        window=VOTE_WINDOW,
        title="New votes on your project",
        message_for=lambda n: f"{n} new vote{'s' if n != 1 else ''} on “{project_title}”",
        project_id=project_id,
    )


async def comment_received(
    session: AsyncSession,
    *,
    user_id: uuid.UUID,
    actor_id: uuid.UUID,
    type: str,
    project_id: uuid.UUID,
    comment_id: uuid.UUID,
    title: str,
    message: str,
    subject: str,
) -> None:
    """A comment or reply: the first three in 10 minutes are separate, later ones coalesce."""
    if actor_id == user_id:
        return
    since = utcnow() - COMMENT_WINDOW
    single_key = f"{type}:{project_id}"
    recent = await repository.count_in_group(
        session, user_id=user_id, group_key=single_key, since=since
    )
    if recent < COMMENTS_BEFORE_COALESCING:
        await notify(
            session,
            user_id=user_id,
            actor_id=actor_id,
            type=type,
            title=title,
            message=message,
            project_id=project_id,
            comment_id=comment_id,
            group_key=single_key,
        )
        return
    one, many = ("reply", "replies") if type == "comment_reply" else ("comment", "comments")
    await notify_coalesced(
        session,
        user_id=user_id,
        actor_id=actor_id,
        type=type,
        group_key=f"{type}-batch:{project_id}",
        window=COMMENT_WINDOW,
        title=title,
        message_for=lambda n: f"{n} more {one if n == 1 else many} on “{subject}”",
        project_id=project_id,
    )


async def unread_count(session: AsyncSession, *, user_id: uuid.UUID) -> int:
    """The user's unread notifications."""
    return await repository.unread_count(session, user_id)


def parse_types(raw: str | None) -> list[str] | None:
    """The `types` filter: a comma list of §3.17 types, None for no filter; 422 for unknown ones."""
    if raw is None:
        return None
    kinds = list(dict.fromkeys(t.strip().lower() for t in raw.split(",") if t.strip()))
    unknown = [t for t in kinds if t not in NOTIFICATION_TYPES]
    if unknown:
        raise ValidationFailed.field("types", f"unknown notification type: {', '.join(unknown)}")
    return kinds or None


async def page(
    session: AsyncSession,
    *,
    user: User,
    unread_only: bool,
    types: Sequence[str] | None,
    params: PageParams,
) -> dict[str, Any]:
    """The caller's notifications, latest activity first, with `meta.unread_count` (3 statements)."""
    items, total = await repository.page(
        session,
        user_id=user.id,
        unread_only=unread_only,
        types=types,
        offset=params.offset,
        limit=params.limit,
    )
    unread = await repository.unread_count(session, user.id)
    return page_body(
        [notification_out(n) for n in items], params, total, meta={"unread_count": unread}
    )


async def _announce_unread(session: AsyncSession, user_id: uuid.UUID) -> int:
    """Send the user's unread count to their sockets after commit; the count."""
    count = await repository.unread_count(session, user_id)
    outbox_of(session).emit("notifications:unread", {"count": count}, room=f"user:{user_id}")
    return count


async def mark_read(
    session: AsyncSession, *, user: User, notification_id: uuid.UUID
) -> dict[str, Any]:
    """Mark one of the caller's notifications read; 404 when it is not theirs."""
    notification = await repository.mark_read(
        session, user_id=user.id, notification_id=notification_id
    )
    if notification is None:
        raise NotFound("Notification not found")
    await _announce_unread(session, user.id)
    return notification_out(notification)


async def mark_all_read(session: AsyncSession, *, user: User) -> dict[str, int]:
    """Mark every notification of the caller read → `{marked, unread_count}`."""
    marked = await repository.mark_all_read(session, user.id)
    return {"marked": marked, "unread_count": await _announce_unread(session, user.id)}


async def delete(
    session: AsyncSession, *, user: User, notification_id: uuid.UUID
) -> dict[str, Any]:
    """Delete one of the caller's notifications; 404 when it is not theirs."""
    deleted = await repository.delete_one(session, user_id=user.id, notification_id=notification_id)
    if not deleted:
        raise NotFound("Notification not found")
    return {"deleted": True, "unread_count": await _announce_unread(session, user.id)}


async def delete_all(session: AsyncSession, *, user: User) -> dict[str, int]:
    """Delete every notification of the caller → `{deleted, unread_count}`."""
    deleted = await repository.delete_all(session, user.id)
    return {"deleted": deleted, "unread_count": await _announce_unread(session, user.id)}


async def notify_many(
    session: AsyncSession,
    *,
    recipients: Any,
    actor_id: uuid.UUID | None,
    type: str,
    title: str,
    message: str,
    project_id: uuid.UUID | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    """One notification per user id the `recipients` select yields, as ONE `INSERT … SELECT`.

    The select must already leave out the actor. No per-user `new_notification` push is sent.
    """
    await repository.insert_for_all(
        session,
        recipients,
        {
            "actor_id": actor_id,
            "type": type,
            "title": title,
            "message": message,
            "project_id": project_id,
            "data": data,
        },
    )
