"""User rules: creation, lookup, profiles, typeahead and dashboard counters."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from oxship.errors import Conflict, NotFound
from oxship.kit.clock import utcnow
from oxship.kit.outbox import outbox_of
from oxship.models import User
from oxship.users import repository
from oxship.users.cache import profile_ns
from oxship.users.schemas import USERNAME_RE, ProfileUpdate


async def create(
    session: AsyncSession,
    *,
    email: str,
    username: str,
    password_hash: str,
    display_name: str | None = None,
    is_admin: bool = False,
) -> User:
    """Create an account; 409 if the email or username is taken (in any letter case)."""
    email, username = email.lower(), username.lower()
    # Insert before any read and let the unique constraints decide: concurrent registrations of one
    # name end in one account and 409s. (On SQLite a read first would pin a snapshot, and the loser
    # would fail with "database is locked" instead of waiting and hitting the constraint.)
    user = await repository.insert(
        session,
        email=email,
        username=username,
        password_hash=password_hash,
        display_name=display_name or username,
        is_admin=is_admin,
    )
    if user is None:
        email_taken, username_taken = await repository.taken(
            session, email=email, username=username
        )
        if email_taken or username_taken:
            field = "email" if email_taken else "username"
            raise Conflict(f"This {field} is already registered", details={"field": field})
        raise Conflict("This email or username is already registered")
    outbox_of(session).bump(profile_ns(username))
    return user


async def find_for_login(session: AsyncSession, identifier: str) -> User | None:
    """The undeleted account an email or username names."""
    return await repository.get_by_login(session, identifier)


async def get(session: AsyncSession, user_id: uuid.UUID) -> User | None:
    """A user by id, in any state."""
    return await repository.get(session, user_id)


async def set_fields(session: AsyncSession, user: User, **values: Any) -> None:
    """Change columns of a user and invalidate their cached profile."""
    await repository.update_fields(session, user.id, **values)
    for name, value in values.items():
        setattr(user, name, value)
    outbox_of(session).bump(profile_ns(user.username))


async def get_profile(session: AsyncSession, username: str) -> User:
    """The public profile of an active user; 404 otherwise."""
    if not USERNAME_RE.fullmatch(username.lower()):  # an email, a NUL…: no user, no query
        raise NotFound("User not found")
    user = await repository.get_live_by_username(session, username)
    if user is None:
        raise NotFound("User not found")
    return user


async def update_profile(session: AsyncSession, *, user: User, changes: ProfileUpdate) -> User:
    """Apply the fields present in `changes` to the caller's profile."""
    values = changes.model_dump(exclude_unset=True)
    if values:
        await set_fields(session, user, **values)
    return user


async def typeahead(session: AsyncSession, *, q: str, limit: int) -> Sequence[User]:
    """Active users whose username or display name starts with `q`."""
    return await repository.search_prefix(session, q.strip(), limit=limit)


ACTIVE_WINDOW = timedelta(days=30)


async def stats(session: AsyncSession, *, user: User) -> dict[str, Any]:
    """The caller's dashboard counters, counted from source rows (intros and messages: 0 for now)."""
    counts = await repository.dashboard_counts(
        session, user.id, active_since=utcnow() - ACTIVE_WINDOW
    )
    return {
        "project_count": counts.project_count,
        "active_projects": counts.active_projects,
        "total_proof_score": round(float(counts.total_proof_score), 2),
        "comment_count": counts.comment_count,
        "badges_given": counts.badges_given,
        "badges_received": counts.badges_received,
        "intros_sent": 0,
        "intros_received": 0,
        "intro_requests_pending": 0,
        "karma": round(user.karma or 0.0, 2),
        "unread_messages": 0,
        "unread_notifications": counts.unread_notifications,
    }


async def refresh_karma(session: AsyncSession, user_id: uuid.UUID) -> None:
    """Recompute a user's karma from source rows and invalidate their cached profile."""
    username = await repository.refresh_karma(session, user_id)
    if username is not None:
        outbox_of(session).bump(profile_ns(username))


async def add_karma(session: AsyncSession, user_id: uuid.UUID, delta: float) -> None:
    """Move a user's karma by `delta` (a change of one project's proof score) and invalidate their
    cached profile; O(1), where `refresh_karma` sums every source row (`oxship reconcile` checks both).
    """
    if not delta:
        return
    username = await repository.add_karma(session, user_id, delta)
    if username is not None:
        outbox_of(session).bump(profile_ns(username))


async def add_project_count(session: AsyncSession, user_id: uuid.UUID, delta: int) -> None:
    """Move a user's live project counter (the caller refreshes karma and the profile)."""
    await repository.add_project_count(session, user_id, delta)


async def top_by_karma(session: AsyncSession, *, limit: int) -> Sequence[User]:
    """Active users by karma, highest first."""
    return await repository.top_by_karma(session, limit=limit)
