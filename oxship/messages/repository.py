"""SQL for direct messages and conversations."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, literal_column, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from oxship.kit.sql import insert_ignoring_conflicts
from oxship.models import Conversation, DirectMessage, User

# A user others may see and write to: active, not banned, not deleted.
LIVE_USER = (User.is_active.is_(True), User.banned_at.is_(None), User.deleted_at.is_(None))
# Spelled as in the partial index `ix_direct_messages_unread` (`is_read = false`): SQLite uses a
# partial index only when the query repeats its predicate, and would not match `is_read = 0`.
UNREAD = DirectMessage.is_read == literal_column("false")


async def get_live_user(session: AsyncSession, user_id: uuid.UUID) -> User | None:
    """A live user by id (None when unknown, banned or deleted)."""
    stmt = select(User).where(User.id == user_id, *LIVE_USER)
    return (await session.execute(stmt)).scalar_one_or_none()


async def conversation_id(
    session: AsyncSession, low: uuid.UUID, high: uuid.UUID
) -> uuid.UUID | None:
    """The id of the conversation of this pair (`low` < `high`), if any."""
    stmt = select(Conversation.id).where(
        Conversation.user_low == low, Conversation.user_high == high
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def insert_conversation(
    session: AsyncSession, low: uuid.UUID, high: uuid.UUID, *, now: datetime
) -> None:
    """Create the pair's conversation unless the unique (user_low, user_high) says it exists."""
    values = {"user_low": low, "user_high": high, "last_message_at": now, "created_at": now}
    await session.execute(insert_ignoring_conflicts(session, Conversation, values))


async def insert_message(session: AsyncSession, **values: Any) -> DirectMessage:
    """Insert one message."""
    message = DirectMessage(**values)
    session.add(message)
    await session.flush()
    return message


async def touch_conversation(
    session: AsyncSession, conversation: uuid.UUID, *, message_id: uuid.UUID, at: datetime
) -> None:
    """Make `message_id` the conversation's last message unless a newer one already is.

    Under concurrent sends PostgreSQL re-checks the WHERE after waiting for the row, so the newest
    message wins whatever the commit order.
    """
    await session.execute(
        update(Conversation)
        .where(Conversation.id == conversation, Conversation.last_message_at <= at)
        .values(last_message_id=message_id, last_message_at=at)
        .execution_options(synchronize_session=False)
    )


async def conversations_page(
    session: AsyncSession, *, user_id: uuid.UUID, offset: int, limit: int
) -> Sequence[Any]:
    """One page of the user's conversations with live counterparts, newest activity first.

    One statement: the other user, the last message, the caller's unread count (correlated count on
    the partial unread index) and the total (`count(*) OVER ()`) ride on every row.
    """
    other = case(
        (Conversation.user_low == user_id, Conversation.user_high), else_=Conversation.user_low
    )
    unread = (
        select(func.count())
        .select_from(DirectMessage)
        .where(
            DirectMessage.recipient_id == user_id,
            DirectMessage.conversation_id == Conversation.id,
            UNREAD,
        )
        .correlate(Conversation)
        .scalar_subquery()
    )
    stmt = (
        select(
            Conversation.id.label("conversation_id"),
            Conversation.last_message_at.label("last_message_at"),
            User.id.label("user_id"),
            User.username.label("username"),
            User.display_name.label("display_name"),
            User.avatar_url.label("avatar_url"),
            DirectMessage.id.label("message_id"),
            DirectMessage.sender_id.label("sender_id"),
            DirectMessage.body.label("body"),
            DirectMessage.created_at.label("created_at"),
            DirectMessage.is_read.label("is_read"),
            unread.label("unread_count"),
            func.count().over().label("total"),
        )
        .select_from(Conversation)
        .join(User, User.id == other)
        .outerjoin(DirectMessage, DirectMessage.id == Conversation.last_message_id)
        .where(or_(Conversation.user_low == user_id, Conversation.user_high == user_id), *LIVE_USER)
        .order_by(Conversation.last_message_at.desc(), Conversation.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return (await session.execute(stmt)).all()


async def count_conversations(session: AsyncSession, *, user_id: uuid.UUID) -> int:
    """How many conversations with live counterparts the user has (for an empty page's total)."""
    other = case(
        (Conversation.user_low == user_id, Conversation.user_high), else_=Conversation.user_low
    )
    stmt = (
        select(func.count())
        .select_from(Conversation)
        .join(User, User.id == other)
        .where(or_(Conversation.user_low == user_id, Conversation.user_high == user_id), *LIVE_USER)
    )
    return int((await session.execute(stmt)).scalar_one())


async def message_in(
    session: AsyncSession, message_id: uuid.UUID, conversation: uuid.UUID
) -> DirectMessage | None:
    """A message of this conversation."""
    stmt = select(DirectMessage).where(
        DirectMessage.id == message_id, DirectMessage.conversation_id == conversation
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def messages_before(
    session: AsyncSession,
    conversation: uuid.UUID,
    *,
    before: DirectMessage | None,
    limit: int,
) -> Sequence[DirectMessage]:
    """Up to `limit` messages older than `before` (all when None), newest first (keyset)."""
    stmt = select(DirectMessage).where(DirectMessage.conversation_id == conversation)
    if before is not None:
        stmt = stmt.where(
            or_(
                DirectMessage.created_at < before.created_at,
                and_(DirectMessage.created_at == before.created_at, DirectMessage.id < before.id),
            )
        )
    stmt = stmt.order_by(DirectMessage.created_at.desc(), DirectMessage.id.desc()).limit(limit)
    return (await session.execute(stmt)).scalars().all()


async def mark_read(
    session: AsyncSession, ids: Sequence[uuid.UUID], *, recipient_id: uuid.UUID, at: datetime
) -> list[uuid.UUID]:
    """Mark these unread messages addressed to `recipient_id` read; the ids that changed."""
    stmt = (
        update(DirectMessage)
        .where(DirectMessage.id.in_(list(ids)), DirectMessage.recipient_id == recipient_id, UNREAD)
        .values(is_read=True, read_at=at)
        .returning(DirectMessage.id)
        .execution_options(synchronize_session=False)
    )
    return list((await session.execute(stmt)).scalars().all())


async def get_message(session: AsyncSession, message_id: uuid.UUID) -> DirectMessage | None:
    """A message by id."""
    stmt = select(DirectMessage).where(DirectMessage.id == message_id)
    return (await session.execute(stmt)).scalar_one_or_none()


async def unread_count(session: AsyncSession, *, user_id: uuid.UUID) -> int:
    """Unread messages addressed to the user from live senders."""
    stmt = (
        select(func.count())
        .select_from(DirectMessage)
        .join(User, User.id == DirectMessage.sender_id)
        .where(DirectMessage.recipient_id == user_id, UNREAD, *LIVE_USER)
    )
    return int((await session.execute(stmt)).scalar_one())
