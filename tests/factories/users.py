"""Users and logged-in clients for tests."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from oxship.auth.tokens import digest, new_refresh_token
from oxship.kit.clock import utcnow
from oxship.models import AuthSession, User
from oxship.runtime import Runtime

DEFAULT_PASSWORD = "password123"
_seq = itertools.count(1)


@dataclass
class Actor:
    """A user plus a client that sends their access token."""

    user: User
    client: httpx.AsyncClient
    access: str
    refresh: str


class UserFactory:
    """Creates users (committed to the test's transaction) and logs them in."""

    def __init__(self, runtime: Runtime, make_client: Any, password_hash: str) -> None:
        self.runtime = runtime
        self._sessionmaker: async_sessionmaker[AsyncSession] = runtime.sessionmaker
        self._make_client = make_client
        self._password_hash = password_hash

    async def user(self, **overrides: Any) -> User:
        """A new active user; any column may be overridden."""
        n = next(_seq)
        values: dict[str, Any] = {
            "username": f"user{n}_{uuid.uuid4().hex[:6]}",
            "password_hash": self._password_hash,
        }
        values.update(overrides)
        values.setdefault("email", f"{values['username']}@example.com")
        values.setdefault("display_name", values["username"].title())
        async with self._sessionmaker() as session:
            user = User(**values)
            session.add(user)
            await session.commit()
            return user

    async def tokens_for(self, user: User) -> tuple[str, str]:
        """A fresh (access, refresh) pair for `user`, as login would issue."""
        session_id = uuid.uuid4()
        refresh = new_refresh_token(session_id)
        async with self._sessionmaker() as session:
            session.add(
                AuthSession(
                    id=session_id,
                    user_id=user.id,
                    refresh_hash=digest(refresh),
                    created_at=utcnow(),
                    expires_at=utcnow() + timedelta(seconds=self.runtime.tokens.refresh_ttl),
                )
            )
            await session.commit()
        return self.runtime.tokens.issue_access(user.id, session_id), refresh

    async def actor(self, user: User | None = None, **overrides: Any) -> Actor:
        """A logged-in client for `user` (a new one when omitted)."""
        user = user or await self.user(**overrides)
        access, refresh = await self.tokens_for(user)
        client = self._make_client({"Authorization": f"Bearer {access}"})
        return Actor(user=user, client=client, access=access, refresh=refresh)

    async def admin(self, **overrides: Any) -> Actor:
        """A logged-in administrator."""
        return await self.actor(is_admin=True, **overrides)
