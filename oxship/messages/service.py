"""Direct-message rules: one conversation per pair, never to yourself or to/from a banned user.

A message writes no notification row: the recipient learns of it through `message:received` and the
unread count (`GET /api/messages/unread-count`), so the notification list is not flooded by chats.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from oxship.errors import NotFound, ValidationFailed
from oxship.kit.clock import iso, utcnow
from oxship.kit.outbox import outbox_of
from oxship.kit.pagination import PageParams, page_body
from oxship.messages import repository
from oxship.models import DirectMessage, User
from oxship.realtime.publisher import user_room
from oxship.users.schemas import user_card


def message_json(message: DirectMessage, **overrides: Any) -> dict[str, Any]:
    """The JSON of a message (`overrides` replace fields changed by a set-based UPDATE)."""
    body: dict[str, Any] = {
        "id": str(message.id),
        "conversation_id": str(message.conversation_id),
        "sender_id": str(message.sender_id),
        "recipient_id": str(message.recipient_id),
        "message": message.body,
        "is_read": message.is_read,
        "read_at": iso(message.read_at),
        "created_at": iso(message.created_at),
    }
    body.update(overrides)
    return body


def pair(a: uuid.UUID, b: uuid.UUID) -> tuple[uuid.UUID, uuid.UUID]:
    """(user_low, user_high) of a conversation: UUID order, the same in Python and both databases."""
    return (a, b) if a < b else (b, a)


async def _counterpart(session: AsyncSession, me: User, other_id: uuid.UUID, field: str) -> User:
    if other_id == me.id:
        raise ValidationFailed.field(field, "cannot be yourself")
    other = await repository.get_live_user(session, other_id)
    if other is None:
        raise NotFound("User not found")
    return other


async def send(
    session: AsyncSession, *, sender: User, recipient_id: uuid.UUID, body: str
) -> dict[str, Any]:
    """Send a message (creating the pair's conversation if needed) → the message JSON.

    422 to yourself, 404 when the recipient is unknown, banned or deleted (the sender is a live
    caller: banned callers are refused at authentication). Emits `message:received` after commit.
    """
    recipient = await _counterpart(session, sender, recipient_id, "recipient_id")
    low, high = pair(sender.id, recipient.id)
    now = utcnow()
    conversation = await repository.conversation_id(session, low, high)
    if conversation is None:
        # The unique (user_low, user_high) decides between concurrent first messages.
        await repository.insert_conversation(session, low, high, now=now)
        conversation = await repository.conversation_id(session, low, high)
        assert conversation is not None
    message = await repository.insert_message(
        session,
        conversation_id=conversation,
        sender_id=sender.id,
        recipient_id=recipient.id,
        body=body,
        is_read=False,
        created_at=now,
    )
    await repository.touch_conversation(session, conversation, message_id=message.id, at=now)
    data = message_json(message)
    outbox_of(session).emit(
        "message:received", {**data, "sender": user_card(sender)}, room=user_room(recipient.id)
    )
    return data


async def conversations(session: AsyncSession, *, user: User, params: PageParams) -> dict[str, Any]:
    """The caller's conversations, newest activity first: one statement per page.

    The total rides on the page's rows; only a page past the end runs a second (count) statement.
    """
    rows = await repository.conversations_page(
        session, user_id=user.id, offset=params.offset, limit=params.limit
    )
    if rows:
        total = int(rows[0].total)
    elif params.offset:
        total = await repository.count_conversations(session, user_id=user.id)
    else:
        total = 0
    items = [
        {
            "conversation_id": str(row.conversation_id),
            "user": {
                "id": str(row.user_id),
                "username": row.username,
                "display_name": row.display_name,
                "avatar_url": row.avatar_url,
            },
            "last_message": None
            if row.message_id is None
            else {
                "id": str(row.message_id),
                "sender_id": str(row.sender_id),
                "message": row.body,
                "created_at": iso(row.created_at),
                "is_read": bool(row.is_read),
            },
            "last_message_time": iso(row.last_message_at),
            "unread_count": int(row.unread_count),
        }
        for row in rows
    ]
    return page_body(items, params, total)


async def thread(
    session: AsyncSession,
    *,
    user: User,
    other_user_id: uuid.UUID,
    before: uuid.UUID | None,
    limit: int,
) -> dict[str, Any]:
    """A page of the conversation with another user, oldest to newest within the page.

    Keyset paging on (created_at, id): `before` is the oldest message id of the previous page.
    Messages of the page addressed to the caller are marked read (one UPDATE, only when some are
    unread) and the other user gets `messages:read {reader_id, conversation_id, message_ids}`.
    """
    other = await _counterpart(session, user, other_user_id, "other_user_id")
    conversation = await repository.conversation_id(session, *pair(user.id, other.id))
    anchor = None
    if before is not None:
        anchor = (
            await repository.message_in(session, before, conversation) if conversation else None
        )
        if anchor is None:
            raise NotFound("Message not found in this conversation")
    rows: list[DirectMessage] = []
    if conversation is not None:
        rows = list(
            await repository.messages_before(session, conversation, before=anchor, limit=limit + 1)
        )
    has_more = len(rows) > limit
    rows = rows[:limit]
    rows.reverse()
    unread = [m.id for m in rows if m.recipient_id == user.id and not m.is_read]
    marked: set[uuid.UUID] = set()
    now = utcnow()
    if unread:
        marked = set(await repository.mark_read(session, unread, recipient_id=user.id, at=now))
    if marked:
        outbox_of(session).emit(
            "messages:read",
            {
                "reader_id": str(user.id),
                "conversation_id": str(conversation),
                "message_ids": [str(m) for m in unread if m in marked],
            },
            room=user_room(other.id),
        )
    read_now = {"is_read": True, "read_at": iso(now)}
    items = [message_json(m, **(read_now if m.id in marked else {})) for m in rows]
    return {
        "status": "success",
        "data": items,
        "meta": {
            "has_more": has_more,
            "next_before": str(rows[0].id) if has_more and rows else None,
            "conversation_id": str(conversation) if conversation else None,
            "user": user_card(other),
        },
    }


async def unread_count(session: AsyncSession, *, user: User) -> dict[str, Any]:
    """`{unread_count}`: unread messages addressed to the caller from live senders."""
    return {"unread_count": await repository.unread_count(session, user_id=user.id)}


async def mark_read(session: AsyncSession, *, user: User, message_id: uuid.UUID) -> dict[str, Any]:
    """Mark one message read (its recipient only; 404 otherwise) → the message JSON.

    Idempotent; the sender gets `message:read` once, when the message turns read.
    """
    message = await repository.get_message(session, message_id)
    if message is None or message.recipient_id != user.id:
        raise NotFound("Message not found")
    if message.is_read:
        return message_json(message)
    now = utcnow()
    if not await repository.mark_read(session, [message.id], recipient_id=user.id, at=now):
        return message_json(message, is_read=True)  # a concurrent request marked it
    outbox_of(session).emit(
        "message:read",
        {
            "message_id": str(message.id),
            "conversation_id": str(message.conversation_id),
            "reader_id": str(user.id),
            "read_at": iso(now),
        },
        room=user_room(message.sender_id),
    )
    return message_json(message, is_read=True, read_at=iso(now))
