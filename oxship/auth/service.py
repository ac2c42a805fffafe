"""Auth rules: registration, login, token rotation, logout, email verification, passwords."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from oxship.auth import repository
from oxship.auth.schemas import RegisterIn
from oxship.auth.tokens import (
    InvalidToken,
    digest,
    new_refresh_token,
    new_secret,
    parse_refresh_token,
)
from oxship.errors import BadRequest, Conflict, Forbidden, OxshipError, Unauthorized
from oxship.kit.clock import as_utc, utcnow
from oxship.models import TokenPurpose, User
from oxship.projects import service as projects
from oxship.users import service as users

if TYPE_CHECKING:
    from oxship.runtime import Runtime

INVALID_CREDENTIALS = "Invalid email/username or password"
INVALID_SESSION = "Invalid or expired token"


@dataclass(frozen=True, slots=True)
class Tokens:
    """An issued access + refresh pair."""

    access: str
    refresh: str
    expires_in: int

    def as_dict(self) -> dict[str, object]:
        """The `tokens` object of the API."""
        return {
            "access": self.access,
            "refresh": self.refresh,
            "token_type": "bearer",
            "expires_in": self.expires_in,
        }


class BannedCaller(Unauthorized):
    """A valid token whose user is banned or deleted: refused even on public routes."""


@dataclass(frozen=True, slots=True)
class Caller:
    """The authenticated user of a request and the login session their token belongs to."""

    user: User
    session_id: uuid.UUID


async def _open_session(session: AsyncSession, runtime: Runtime, user: User) -> Tokens:
    session_id = uuid.uuid4()
    refresh = new_refresh_token(session_id)
    repository.add_session(
        session,
        session_id=session_id,
        user_id=user.id,
        refresh_hash=digest(refresh),
        expires_at=utcnow() + timedelta(seconds=runtime.tokens.refresh_ttl),
    )
    access = runtime.tokens.issue_access(user.id, session_id)
    return Tokens(access=access, refresh=refresh, expires_in=runtime.tokens.access_ttl)


async def register(
    session: AsyncSession, runtime: Runtime, *, data: RegisterIn, client_ip: str
) -> tuple[User, Tokens]:
    """Create an account, log it in, and mail an email-verification link."""
    settings = runtime.settings
    await runtime.limiter.hit(settings.rate_limit_register_ip, "register-ip", client_ip)
    password_hash = await runtime.passwords.hash(data.password)
    user = await users.create(
        session,
        email=data.email,
        username=data.username,
        password_hash=password_hash,
        display_name=data.display_name,
    )
    tokens = await _open_session(session, runtime, user)
    await _mail_verification(session, runtime, user)
    return user, tokens


async def login(
    session: AsyncSession, runtime: Runtime, *, identifier: str, password: str, client_ip: str
) -> tuple[User, Tokens]:
    """Check credentials (same answer for unknown user and wrong password) and open a session."""
    settings = runtime.settings
    await runtime.limiter.hit(settings.rate_limit_login_ip, "login-ip", client_ip)
    user = await users.find_for_login(session, identifier)
    # Keyed by the account, not the text typed: its username and its email share one budget.
    account = str(user.id) if user else identifier.strip().lower()
    await runtime.limiter.hit(settings.rate_limit_login_account, "login-account", account)
    matched = await runtime.passwords.verify(user.password_hash if user else None, password)
    if user is None or not matched:
        raise Unauthorized(INVALID_CREDENTIALS)
    if not user.is_active:
        raise Forbidden("This account is banned")
    if runtime.passwords.needs_rehash(user.password_hash):
        await users.set_fields(session, user, password_hash=await runtime.passwords.hash(password))
    return user, await _open_session(session, runtime, user)


async def refresh(session: AsyncSession, runtime: Runtime, *, token: str) -> Tokens | OxshipError:
    """Rotate a refresh token. A replayed (already rotated) token revokes its whole session.

    Returns the error instead of raising it so that the revocation is committed.
    """
    try:
        session_id = parse_refresh_token(token)
    except InvalidToken:
        return Unauthorized(INVALID_SESSION)
    new_refresh = new_refresh_token(session_id)
    user_id = await repository.rotate_refresh(
        session,
        session_id=session_id,
        old_hash=digest(token),
        new_hash=digest(new_refresh),
        expires_at=utcnow() + timedelta(seconds=runtime.tokens.refresh_ttl),
    )
    if user_id is None:
        # Unknown, expired, revoked, or a token that was already rotated away (possible theft).
        await repository.revoke_session(session, session_id)
        return Unauthorized(INVALID_SESSION)
    user = await users.get(session, user_id)
    if user is None or not user.is_active or user.deleted_at is not None:
        await repository.revoke_session(session, session_id)
        return Unauthorized("This account is not active")
    access = runtime.tokens.issue_access(user_id, session_id)
    return Tokens(access=access, refresh=new_refresh, expires_in=runtime.tokens.access_ttl)


async def logout(session: AsyncSession, *, caller: Caller) -> None:
    """Revoke the caller's login session: its access and refresh tokens stop working."""
    await repository.revoke_session(session, caller.session_id)


async def resolve_caller(session: AsyncSession, runtime: Runtime, *, token: str) -> Caller:
    """The caller an access token names; Unauthorized when invalid, revoked, expired or banned."""
    try:
        claims = runtime.tokens.decode_access(token)
    except InvalidToken as exc:
        raise Unauthorized(INVALID_SESSION) from exc
    found = await repository.caller(session, session_id=claims.session_id, user_id=claims.user_id)
    if found is None:
        raise Unauthorized(INVALID_SESSION)
    user, login = found
    if login.revoked_at is not None or as_utc(login.expires_at) <= utcnow():
        raise Unauthorized(INVALID_SESSION)
    if not user.is_active or user.deleted_at is not None:
        raise BannedCaller("This account is not active")
    return Caller(user=user, session_id=login.id)


def store_one_time_token(
    session: AsyncSession, *, user_id: uuid.UUID, purpose: str, secret: str, expires_at: datetime
) -> None:
    """Record a single-use secret of `user_id` (only its SHA-256), valid until `expires_at`."""
    repository.add_one_time_token(
        session, user_id=user_id, purpose=purpose, token_hash=digest(secret), expires_at=expires_at
    )


async def spend_one_time_token(
    session: AsyncSession, *, purpose: str, secret: str, user_id: uuid.UUID | None = None
) -> uuid.UUID | None:
    """Mark an unused, unexpired secret used (only `user_id`'s if given); its user id, or None."""
    return await repository.consume_one_time_token(
        session, purpose=purpose, token_hash=digest(secret), user_id=user_id
    )


async def _issue_mailed_token(
    session: AsyncSession, *, user: User, purpose: TokenPurpose, ttl: int
) -> str:
    secret = new_secret()
    expires_at = utcnow() + timedelta(seconds=ttl)
    store_one_time_token(
        session, user_id=user.id, purpose=purpose.value, secret=secret, expires_at=expires_at
    )
    return secret


async def _mail_verification(session: AsyncSession, runtime: Runtime, user: User) -> None:
    secret = await _issue_mailed_token(
        session, user=user, purpose=TokenPurpose.EMAIL_VERIFY, ttl=runtime.settings.email_verify_ttl
    )
    link = f"{runtime.settings.public_url.rstrip('/')}/verify-email?token={secret}"
    await runtime.mailer.send(
        session,
        to=user.email,
        subject="Verify your oxship email",
        body=f"Hello {user.username},\n\nConfirm your email address: {link}\n",
    )


async def request_email_verification(
    session: AsyncSession, runtime: Runtime, *, user: User
) -> None:
    """Mail a fresh verification link; 409 if the email is already verified."""
    if user.email_verified:
        raise Conflict("Your email is already verified")
    await runtime.limiter.hit("5/hour", "verify-mail", str(user.id))
    await _mail_verification(session, runtime, user)


async def verify_email(session: AsyncSession, *, token: str) -> User:
    """Consume a verification token and mark the owner's email verified."""
    user_id = await spend_one_time_token(
        session, purpose=TokenPurpose.EMAIL_VERIFY.value, secret=token
    )
    user = await users.get(session, user_id) if user_id else None
    if user is None or user.deleted_at is not None:
        raise BadRequest("Invalid or expired verification token")
    if not user.email_verified:
        await users.set_fields(session, user, email_verified=True)
        await projects.recompute_owner_projects(session, user.id)  # verification points (§2.1)
    return user


async def forgot_password(
    session: AsyncSession, runtime: Runtime, *, identifier: str, client_ip: str
) -> None:
    """Mail a single-use reset token if the account exists; the answer never tells."""
    await runtime.limiter.hit(runtime.settings.rate_limit_password_ip, "password-ip", client_ip)
    user = await users.find_for_login(session, identifier)
    if user is None or not user.is_active:
        return
    secret = await _issue_mailed_token(
        session,
        user=user,
        purpose=TokenPurpose.PASSWORD_RESET,
        ttl=runtime.settings.password_reset_ttl,
    )
    link = f"{runtime.settings.public_url.rstrip('/')}/reset-password?token={secret}"
    await runtime.mailer.send(
        session,
        to=user.email,
        subject="Reset your oxship password",
        body=(
            f"Hello {user.username},\n\nReset your password within the hour: {link}\n"
            f"Reset token: {secret}\n\nIf you did not ask for this, ignore this message.\n"
        ),
    )


async def reset_password(
    session: AsyncSession, runtime: Runtime, *, token: str, password: str, client_ip: str
) -> None:
    """Consume a reset token, set the new password and end every login session."""
    await runtime.limiter.hit(runtime.settings.rate_limit_password_ip, "password-ip", client_ip)
    user_id = await spend_one_time_token(
        session, purpose=TokenPurpose.PASSWORD_RESET.value, secret=token
    )
    user = await users.get(session, user_id) if user_id else None
    if user is None or not user.is_active or user.deleted_at is not None:
        raise BadRequest("Invalid or expired reset token")
    await users.set_fields(session, user, password_hash=await runtime.passwords.hash(password))
    await repository.revoke_user_sessions(session, user.id)


async def change_password(
    session: AsyncSession, runtime: Runtime, *, caller: Caller, current: str, new: str
) -> None:
    """Change the caller's password and revoke their other login sessions."""
    user = caller.user
    if not await runtime.passwords.verify(user.password_hash, current):
        raise Forbidden("The current password is incorrect")
    if current == new:
        raise BadRequest("The new password must differ from the current one")
    await users.set_fields(session, user, password_hash=await runtime.passwords.hash(new))
    await repository.revoke_user_sessions(session, user.id, keep=caller.session_id)
