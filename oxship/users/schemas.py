"""User request/response models and the serializers that build their JSON."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, Field, StringConstraints

from oxship.kit.clock import iso
from oxship.kit.envelope import OutModel
from oxship.kit.text import HttpUrl, SingleLine, no_nul
from oxship.models import User

USERNAME_RE = re.compile(r"^[a-z0-9_]{3,30}$")
# Static segments of /api/users: a user with one of these names would have an unreachable profile.
RESERVED_USERNAMES = frozenset({"profile", "search", "stats"})


DisplayName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=100),
    AfterValidator(no_nul),
    SingleLine,
]
Bio = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=500), AfterValidator(no_nul)
]
Location = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=100),
    AfterValidator(no_nul),
    SingleLine,
]

SearchPrefix = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=2, max_length=50),
    AfterValidator(no_nul),
]


class UserOut(OutModel):
    """A user's public card (never the email)."""

    id: uuid.UUID
    username: str
    display_name: str | None
    avatar_url: str | None
    bio: str | None
    location: str | None
    karma: float
    project_count: int
    badge_count: int
    is_admin: bool
    is_validator: bool
    is_investor: bool
    email_verified: bool
    has_oxcert: bool
    github_connected: bool
    github_username: str | None
    wallet_address: str | None
    created_at: datetime


class UserProfileOut(UserOut):
    """A public profile; `email` appears only for the user themself and for admins."""

    email: str | None = None


class MeOut(UserOut):
    """The caller's own account: email and roles included."""

    email: str
    roles: list[str]


class UserCardOut(OutModel):
    """The short form used in typeahead and embedded authors."""

    id: uuid.UUID
    username: str
    display_name: str | None
    avatar_url: str | None


class ProfileUpdate(BaseModel):
    """`PUT /api/users/profile`: fields absent are unchanged; null clears."""

    display_name: DisplayName | None = None
    avatar_url: HttpUrl | None = None
    bio: Bio | None = None
    location: Location | None = None


class UserStatsOut(OutModel):
    """The caller's dashboard counters."""

    project_count: int = Field(ge=0)
    active_projects: int = Field(ge=0)
    total_proof_score: float
    comment_count: int = Field(ge=0)
    badges_given: int = Field(ge=0)
    badges_received: int = Field(ge=0)
    intros_sent: int = Field(ge=0)
    intros_received: int = Field(ge=0)
    intro_requests_pending: int = Field(ge=0)
    karma: float
    unread_messages: int = Field(ge=0)
    unread_notifications: int = Field(ge=0)


def public_user(user: User) -> dict[str, Any]:
    """The public JSON of a user."""
    return {
        "id": str(user.id),
        "username": user.username,
        "display_name": user.display_name,
        "avatar_url": user.avatar_url,
        "bio": user.bio,
        "location": user.location,
        "karma": round(user.karma or 0.0, 2),
        "project_count": user.project_count,
        "badge_count": user.badge_count,
        "is_admin": user.is_admin,
        "is_validator": user.is_validator,
        "is_investor": user.is_investor,
        "email_verified": user.email_verified,
        "has_oxcert": user.has_oxcert,
        "github_connected": user.github_connected,
        "github_username": user.github_username,
        "wallet_address": user.wallet_address,
        "created_at": iso(user.created_at),
    }


def roles_of(user: User) -> list[str]:
    """The caller's role names."""
    flags = (
        ("admin", user.is_admin),
        ("validator", user.is_validator),
        ("investor", user.is_investor),
    )
    return [name for name, on in flags if on]


def own_user(user: User) -> dict[str, Any]:
    """The JSON of the caller's own account (email and roles)."""
    return {**public_user(user), "email": user.email, "roles": roles_of(user)}


def user_card(user: User) -> dict[str, Any]:
    """The short JSON card of a user."""
    return {
        "id": str(user.id),
        "username": user.username,
        "display_name": user.display_name,
        "avatar_url": user.avatar_url,
    }
