"""Mail that could not go out by SMTP (none configured, or delivery failed): nothing is dropped."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from oxship.kit.dbtypes import UTCDateTime
from oxship.models.base import Base, IdMixin


class MailMessage(IdMixin, Base):
    """One message in the mail outbox, readable with `oxship outbox`."""

    __tablename__ = "mail_outbox"

    to: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    error: Mapped[str | None] = mapped_column(Text)
