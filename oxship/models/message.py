"""Direct messages and the conversations (one per pair of users) they belong to."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Text, UniqueConstraint, Uuid
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, mapped_column

from oxship.kit.dbtypes import UTCDateTime
from oxship.models.base import Base, IdMixin

UNREAD = sql_text("is_read = false")


class Conversation(IdMixin, Base):
    """The thread between two users; `user_low` < `user_high` (as UUIDs), one row per pair."""

    __tablename__ = "conversations"

    user_low: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"))
    user_high: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"))
    last_message_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    last_message_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        UniqueConstraint("user_low", "user_high"),
        Index("ix_conversations_low_recent", "user_low", "last_message_at"),
        Index("ix_conversations_high_recent", "user_high", "last_message_at"),
    )


class DirectMessage(IdMixin, Base):
    """One message from `sender_id` to `recipient_id` in a conversation."""

    __tablename__ = "direct_messages"

    conversation_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("conversations.id", ondelete="CASCADE")
    )
    sender_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"))
    recipient_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE")
    )
    body: Mapped[str] = mapped_column(Text)
    is_read: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_direct_messages_conversation", "conversation_id", "created_at", "id"),
        Index(
            "ix_direct_messages_unread",
            "recipient_id",
            "conversation_id",
            postgresql_where=UNREAD,
            sqlite_where=UNREAD,
        ),
    )
