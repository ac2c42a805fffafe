"""Direct-message request and response models."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel

from oxship.kit.envelope import OutModel
from oxship.kit.text import NulFree, trimmed
from oxship.users.schemas import UserCardOut

MessageText = Annotated[str, trimmed(1, 2000), NulFree]


class SendIn(BaseModel):
    """`POST /api/messages/send`."""

    recipient_id: uuid.UUID
    message: MessageText


class MessageOut(OutModel):
    """One direct message."""

    id: uuid.UUID
    conversation_id: uuid.UUID
    sender_id: uuid.UUID
    recipient_id: uuid.UUID
    message: str
    is_read: bool
    read_at: datetime | None
    created_at: datetime


class LastMessageOut(OutModel):
    """The newest message of a conversation, as shown in the conversation list."""

    id: uuid.UUID
    sender_id: uuid.UUID
    message: str
    created_at: datetime
    is_read: bool


class ConversationOut(OutModel):
    """One conversation of the caller: the other user, the newest message, the caller's unread."""

    conversation_id: uuid.UUID
    user: UserCardOut
    last_message: LastMessageOut | None
    last_message_time: datetime
    unread_count: int


class ThreadMeta(OutModel):
    """Keyset paging of a conversation: pass `next_before` as `before` for older messages."""

    has_more: bool
    next_before: uuid.UUID | None
    conversation_id: uuid.UUID | None
    user: UserCardOut


class ThreadEnvelope(OutModel):
    """A page of one conversation, oldest to newest."""

    status: Literal["success"] = "success"
    message: str | None = None
    data: list[MessageOut]
    meta: ThreadMeta


class UnreadCountOut(OutModel):
    """Unread direct messages addressed to the caller."""

    unread_count: int
