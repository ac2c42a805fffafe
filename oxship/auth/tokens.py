"""Access tokens (HS256 JWT bound to a login session) and opaque refresh / one-time secrets."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

import jwt

from oxship.config import Settings
from oxship.kit.clock import utcnow

ALGORITHM = "HS256"


@dataclass(frozen=True, slots=True)
class AccessClaims:
    """What a valid access token says."""

    user_id: uuid.UUID
    session_id: uuid.UUID
    jti: str


class InvalidToken(Exception):
    """The token is malformed, expired, forged or of the wrong kind."""


class TokenCodec:
    """Issues and checks tokens with the configured secret and lifetimes."""

    def __init__(self, settings: Settings) -> None:
        self._key = settings.secret_key
        self.access_ttl = settings.access_token_ttl
        self.refresh_ttl = settings.refresh_token_ttl

    def issue_access(self, user_id: uuid.UUID, session_id: uuid.UUID) -> str:
        """A signed access token for this user and login session."""
        now = utcnow()
        claims = {
            "sub": str(user_id),
            "sid": str(session_id),
            "jti": secrets.token_urlsafe(12),
            "iat": now,
            "exp": now + timedelta(seconds=self.access_ttl),
            "typ": "access",
        }
        return jwt.encode(claims, self._key, algorithm=ALGORITHM)

    def decode_access(self, token: str) -> AccessClaims:
        """Verify signature, algorithm, expiry and kind; raise InvalidToken otherwise."""
        try:
            claims = jwt.decode(
                token,
                self._key,
                algorithms=[ALGORITHM],
                options={"require": ["sub", "sid", "jti", "exp", "iat"]},
            )
            if claims.get("typ") != "access":
                raise InvalidToken("not an access token")
            return AccessClaims(
                user_id=uuid.UUID(claims["sub"]),
                session_id=uuid.UUID(claims["sid"]),
                jti=str(claims["jti"]),
            )
        except (jwt.PyJWTError, ValueError, TypeError, KeyError) as exc:
            raise InvalidToken(str(exc)) from exc


def new_refresh_token(session_id: uuid.UUID) -> str:
    """An opaque refresh token naming its session: `<session hex>.<random>`."""
    return f"{session_id.hex}.{secrets.token_urlsafe(32)}"


def parse_refresh_token(token: str) -> uuid.UUID:
    """The session id inside a refresh token; raise InvalidToken when malformed."""
    head, _, secret = token.partition(".")
    if not secret or len(token) > 200:
        raise InvalidToken("malformed refresh token")
    try:
        return uuid.UUID(hex=head)
    except ValueError as exc:
        raise InvalidToken("malformed refresh token") from exc


def new_secret() -> str:
    """A random single-use secret for mailed links."""
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """SHA-256 hex of a secret: what the database stores instead of the secret."""
    return hashlib.sha256(secret.encode()).hexdigest()
