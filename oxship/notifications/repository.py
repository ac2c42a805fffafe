"""SQL for notifications."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Integer,
    Select,
    String,
    Text,
    Uuid,
    delete,
    func,
    literal,
    select,
    update,
)
from sqlalchemy import insert as sql_insert
from sqlalchemy.ext.asyncio import AsyncSession

from oxship.kit.clock import utcnow
from oxship.kit.dbtypes import JSONDoc, UTCDateTime
from oxship.kit.sql import dialect_name
from oxship.models import Notification


async def insert(session: AsyncSession, values: dict[str, Any]) -> Notification:
    """Insert one notification and flush it."""
    notification = Notification(**values)
    session.add(notification)
    await session.flush()
    return notification


async def latest_in_group(
    session: AsyncSession, *, user_id: uuid.UUID, group_key: str, since: datetime
) -> Notification | None:
    """The newest notification of a coalescing group created since `since`, row-locked."""
    stmt = (
        select(Notification)
        .where(
            Notification.user_id == user_id,
            Notification.group_key == group_key,
            Notification.created_at >= since,
        )
        .order_by(Notification.created_at.desc())
        .limit(1)
        .with_for_update()
    )
    return (await session.scalars(stmt)).first()


async def count_in_group(
    session: AsyncSession, *, user_id: uuid.UUID, group_key: str, since: datetime
) -> int:
    """How many notifications of a group were created since `since`."""
    stmt = select(func.count()).where(
        Notification.user_id == user_id,
        Notification.group_key == group_key,
        Notification.created_at >= since,
    )
    return int((await session.execute(stmt)).scalar_one())


async def bump_group(
    session: AsyncSession, notification_id: uuid.UUID, *, message: str, count_delta: int = 1
) -> Notification:
    """Add to a coalesced notification: count, message, updated_at, unread again."""
    stmt = (
        update(Notification)
        .where(Notification.id == notification_id)
        .values(
            count=Notification.count + count_delta,
            message=message,
            updated_at=utcnow(),
            is_read=False,
            read_at=None,
        )
        .returning(Notification)
    )
    return (await session.scalars(stmt)).one()


def _filters(user_id: uuid.UUID, unread_only: bool, types: Sequence[str] | None) -> list[Any]:
    conditions: list[Any] = [Notification.user_id == user_id]
    if unread_only:
        conditions.append(Notification.is_read.is_(False))
    if types:
        conditions.append(Notification.type.in_(types))
    return conditions


async def page(
    session: AsyncSession,
    *,
    user_id: uuid.UUID,
    unread_only: bool,
    types: Sequence[str] | None,
    offset: int,
    limit: int,
) -> tuple[Sequence[Notification], int]:
    """A page of a user's notifications, most recently updated first, and the total."""
    conditions = _filters(user_id, unread_only, types)
    total = (await session.execute(select(func.count()).where(*conditions))).scalar_one()
    stmt = (
        select(Notification)
        .where(*conditions)
        .order_by(Notification.updated_at.desc(), Notification.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return (await session.scalars(stmt)).all(), int(total)


async def unread_count(session: AsyncSession, user_id: uuid.UUID) -> int:
    """The user's unread notifications."""
    stmt = select(func.count()).where(
        Notification.user_id == user_id, Notification.is_read.is_(False)
    )
    return int((await session.execute(stmt)).scalar_one())


async def mark_read(
    session: AsyncSession, *, user_id: uuid.UUID, notification_id: uuid.UUID
) -> Notification | None:
    """Mark one of the user's notifications read (keeping the first read time); None if not theirs."""
    stmt = (
        update(Notification)
        .where(Notification.id == notification_id, Notification.user_id == user_id)
        .values(
            is_read=True,
            read_at=func.coalesce(Notification.read_at, literal(utcnow(), UTCDateTime)),
            updated_at=Notification.updated_at,  # reading is not activity: the order stays
        )
        .returning(Notification)
        .execution_options(populate_existing=True)
    )
    return (await session.scalars(stmt)).one_or_none()


async def mark_all_read(session: AsyncSession, user_id: uuid.UUID) -> int:
    """Mark every unread notification of the user read; how many changed."""
    result = await session.execute(
        update(Notification)
        .where(Notification.user_id == user_id, Notification.is_read.is_(False))
        .values(is_read=True, read_at=utcnow(), updated_at=Notification.updated_at)
    )
    return int(getattr(result, "rowcount", 0))


async def delete_one(
    session: AsyncSession, *, user_id: uuid.UUID, notification_id: uuid.UUID
) -> bool:
    """Delete one of the user's notifications; False when not found."""
    result = await session.execute(
        delete(Notification).where(
            Notification.id == notification_id, Notification.user_id == user_id
        )
    )
    return bool(getattr(result, "rowcount", 0))


async def delete_all(session: AsyncSession, user_id: uuid.UUID) -> int:
    """Delete all of the user's notifications; how many."""
    result = await session.execute(delete(Notification).where(Notification.user_id == user_id))
    return int(getattr(result, "rowcount", 0))


def _sql_uuid(dialect: str) -> Any:
    """A fresh random UUID computed by the database (32 hex digits on SQLite)."""
    if dialect == "postgresql":
        return func.gen_random_uuid()
    return func.lower(func.hex(func.randomblob(16)))


async def insert_for_all(
    session: AsyncSession, recipients: Select[Any], values: dict[str, Any]
) -> None:
    """One `INSERT … SELECT`: a notification with `values` for every user id `recipients` yields."""
    sub = recipients.subquery()
    user_col = next(iter(sub.c))
    now = utcnow()
    fields: dict[str, Any] = {
        "id": _sql_uuid(dialect_name(session)),
        "user_id": user_col,
        "actor_id": literal(values.get("actor_id"), Uuid),
        "type": literal(values["type"], String(40)),
        "title": literal(values["title"], String(200)),
        "message": literal(values["message"], Text),
        "project_id": literal(values.get("project_id"), Uuid),
        "data": literal(values.get("data") or {}, JSONDoc),
        "count": literal(1, Integer),
        "is_read": literal(False, Boolean),
        "created_at": literal(now, UTCDateTime),
        "updated_at": literal(now, UTCDateTime),
    }
    stmt = sql_insert(Notification).from_select(
        list(fields), select(*fields.values()).select_from(sub)
    )
    await session.execute(stmt)
