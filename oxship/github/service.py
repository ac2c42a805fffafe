"""GitHub linking rules: a user-bound single-use state, the code exchange, link and unlink.

The callback runs in three steps so that no database transaction (nor SQLite's single writer) is
held while GitHub answers: (1) consume the state in its own committed transaction, so it is spent
even when GitHub then fails; (2) exchange the code and read the login over HTTP; (3) link the login
and recompute the user's project scores in one transaction. The OAuth token is never stored.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from oxship.auth import service as auth
from oxship.db import transaction
from oxship.errors import BadRequest, Conflict, Forbidden, Unauthorized
from oxship.github import repository
from oxship.github.provider import GitHubApp
from oxship.kit.clock import utcnow
from oxship.models import User
from oxship.projects import service as projects
from oxship.users import service as users

if TYPE_CHECKING:
    from oxship.runtime import Runtime

STATE_PURPOSE = "github_state"  # of the one-time token rows holding OAuth states
CONNECT_LIMIT = "30/hour"
BAD_STATE = "Invalid, expired or already used GitHub state; start linking again"
OTHER_USER_STATE = "This GitHub authorization was started by another account"
LOGIN_TAKEN = "This GitHub account is already linked to another user"


async def start(session: AsyncSession, runtime: Runtime, *, user: User) -> str:
    """Store a fresh state bound to `user` (hashed, expiring) and return GitHub's authorize URL."""
    app = GitHubApp.from_settings(runtime.settings)
    await runtime.limiter.hit(CONNECT_LIMIT, "github-connect", str(user.id))
    state = secrets.token_urlsafe(32)
    auth.store_one_time_token(
        session,
        user_id=user.id,
        purpose=STATE_PURPOSE,
        secret=state,
        expires_at=utcnow() + timedelta(seconds=runtime.settings.github_state_ttl),
    )
    return app.authorize_url_for(state)


async def complete(runtime: Runtime, *, user_id: uuid.UUID, code: str, state: str) -> User:
    """Finish linking for the caller: spend the state, ask GitHub who authorized, link that login.

    A state is spent by its first use, whoever presents it: a forged, expired or replayed state is
    400, a state started by another account is 403 (and is spent too).
    """
    app = GitHubApp.from_settings(runtime.settings)
    async with transaction(runtime) as session:
        owner_id = await auth.spend_one_time_token(session, purpose=STATE_PURPOSE, secret=state)
    if owner_id is None:
        raise BadRequest(BAD_STATE)
    if owner_id != user_id:
        raise Forbidden(OTHER_USER_STATE)
    login = await app.login_for_code(code)
    async with transaction(runtime) as session:
        return await _link(session, user_id=user_id, login=login)


async def _link(session: AsyncSession, *, user_id: uuid.UUID, login: str) -> User:
    user = await users.get(session, user_id)
    if user is None or not user.is_active or user.deleted_at is not None:
        raise Unauthorized("This account is not active")
    await repository.lock_login(session, login)
    holder = await repository.login_owner(session, login)
    if holder is not None and holder != user_id:
        raise Conflict(LOGIN_TAKEN)
    was_connected = user.github_connected
    await users.set_fields(session, user, github_connected=True, github_username=login)
    if not was_connected:
        await projects.recompute_owner_projects(session, user_id)  # verification points (§2.1)
    return user


async def disconnect(session: AsyncSession, *, user: User) -> User:
    """Unlink the caller's GitHub account and recompute their projects; a no-op when unlinked."""
    if not user.github_connected and user.github_username is None:
        return user
    was_connected = user.github_connected
    await users.set_fields(session, user, github_connected=False, github_username=None)
    if was_connected:
        await projects.recompute_owner_projects(session, user.id)
    return user
