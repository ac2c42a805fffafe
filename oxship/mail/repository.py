"""SQL for the mail outbox."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from oxship.kit.clock import utcnow
from oxship.models import MailMessage


def add(
    session: AsyncSession, *, to: str, subject: str, body: str, error: str | None = None
) -> None:
    """Queue one message row in the session's transaction."""
    session.add(MailMessage(to=to, subject=subject, body=body, created_at=utcnow(), error=error))


async def latest(
    session: AsyncSession, *, limit: int, to: str | None = None
) -> Sequence[MailMessage]:
    """The newest messages first."""
    stmt = select(MailMessage).order_by(MailMessage.created_at.desc()).limit(limit)
    if to is not None:
        stmt = stmt.where(MailMessage.to == to)
    return (await session.scalars(stmt)).all()
