"""Direct row access for the auth and users tests: states the API cannot reach, mailed tokens."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update

from oxship.kit.clock import utcnow
from oxship.models import AuthSession, MailMessage, OneTimeToken, User
from oxship.runtime import Runtime

_TOKEN_RE = re.compile(r"\?token=([A-Za-z0-9_-]+)")


class Rows:
    """Direct database access for assertions and for setting up states the API cannot reach."""

    def __init__(self, runtime: Runtime) -> None:
        self._sessionmaker = runtime.sessionmaker

    async def user(self, user_id: uuid.UUID) -> User | None:
        """The current row of a user."""
        async with self._sessionmaker() as session:
            return await session.get(User, user_id)

    async def users_named(self, username: str) -> Sequence[User]:
        """Every row whose username is `username`."""
        async with self._sessionmaker() as session:
            return (await session.scalars(select(User).where(User.username == username))).all()

    async def users_with_email(self, email: str) -> Sequence[User]:
        """Every row whose email is `email`."""
        async with self._sessionmaker() as session:
            return (await session.scalars(select(User).where(User.email == email))).all()

    async def set_user(self, user_id: uuid.UUID, **values: Any) -> None:
        """Change columns of a user (a ban, a soft delete…)."""
        async with self._sessionmaker() as session:
            await session.execute(update(User).where(User.id == user_id).values(**values))
            await session.commit()

    async def ban(self, user_id: uuid.UUID) -> None:
        """Ban a user the way an admin would."""
        await self.set_user(user_id, is_active=False, banned_at=utcnow(), ban_reason="spam")

    async def sessions(self, user_id: uuid.UUID) -> Sequence[AuthSession]:
        """Every login session of a user."""
        async with self._sessionmaker() as session:
            stmt = select(AuthSession).where(AuthSession.user_id == user_id)
            return (await session.scalars(stmt)).all()

    async def expire_sessions(self, user_id: uuid.UUID) -> None:
        """Move the expiry of every login session of a user into the past."""
        async with self._sessionmaker() as session:
            await session.execute(
                update(AuthSession)
                .where(AuthSession.user_id == user_id)
                .values(expires_at=utcnow() - timedelta(seconds=1))
            )
            await session.commit()

    async def expire_one_time_tokens(self, user_id: uuid.UUID) -> None:
        """Move the expiry of every mailed token of a user into the past."""
        async with self._sessionmaker() as session:
            await session.execute(
                update(OneTimeToken)
                .where(OneTimeToken.user_id == user_id)
                .values(expires_at=utcnow() - timedelta(seconds=1))
            )
            await session.commit()

    async def mails(self, to: str) -> Sequence[MailMessage]:
        """The messages in the mail outbox for `to`, oldest first."""
        async with self._sessionmaker() as session:
            stmt = select(MailMessage).where(MailMessage.to == to).order_by(MailMessage.created_at)
            return (await session.scalars(stmt)).all()

    async def mailed_token(self, to: str, subject: str) -> str:
        """The token of the newest message to `to` whose subject contains `subject`."""
        matching = [m for m in await self.mails(to) if subject in m.subject]
        assert matching, f"no mail to {to} about {subject!r}"
        found = _TOKEN_RE.search(matching[-1].body)
        assert found, matching[-1].body
        return found.group(1)
