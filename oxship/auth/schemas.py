"""Auth request and response models."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, EmailStr, StringConstraints

from oxship.kit.envelope import OutModel
from oxship.kit.text import no_nul
from oxship.users.schemas import RESERVED_USERNAMES, USERNAME_RE, DisplayName, MeOut


def _lower_strip(value: object) -> object:
    return value.strip().lower() if isinstance(value, str) else value


def _username(value: str) -> str:
    if not USERNAME_RE.fullmatch(value):
        raise ValueError("3 to 30 characters of a-z, 0-9 and _")
    if value in RESERVED_USERNAMES:
        raise ValueError("this username is reserved")
    return value


def _password_strength(value: str) -> str:
    if not any(c.isalpha() for c in value) or not any(c.isdigit() for c in value):
        raise ValueError("must contain at least one letter and one digit")
    return value


Username = Annotated[
    str, BeforeValidator(_lower_strip), StringConstraints(max_length=30), AfterValidator(_username)
]
Email = Annotated[EmailStr, BeforeValidator(_lower_strip), StringConstraints(max_length=320)]
NewPassword = Annotated[
    str, StringConstraints(min_length=8, max_length=128), AfterValidator(_password_strength)
]
AnyPassword = Annotated[str, StringConstraints(min_length=1, max_length=128)]
Identifier = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=320),
    AfterValidator(no_nul),
]
Secret = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class RegisterIn(BaseModel):
    """`POST /api/auth/register`."""

    email: Email
    username: Username
    password: NewPassword
    display_name: DisplayName | None = None


class LoginIn(BaseModel):
    """`POST /api/auth/login`: `email` accepts an email or a username."""

    email: Identifier
    password: AnyPassword


class RefreshIn(BaseModel):
    """`POST /api/auth/refresh` (or send the refresh token as Bearer)."""

    refresh: Secret | None = None


class TokenIn(BaseModel):
    """A mailed single-use token."""

    token: Secret


class ForgotIn(BaseModel):
    """`POST /api/auth/password/forgot`: `email` accepts an email or a username."""

    email: Identifier


class ResetIn(BaseModel):
    """`POST /api/auth/password/reset`."""

    token: Secret
    password: NewPassword


class ChangeIn(BaseModel):
    """`POST /api/auth/password/change`."""

    current_password: AnyPassword
    new_password: NewPassword


class TokensOut(OutModel):
    """A token pair."""

    access: str
    refresh: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int


class AuthOut(OutModel):
    """`{user, tokens}` after register or login."""

    user: MeOut
    tokens: TokensOut


class RefreshOut(OutModel):
    """`{tokens}` after a refresh."""

    tokens: TokensOut


class DoneOut(OutModel):
    """An acknowledgement with no other data."""

    ok: bool = True
