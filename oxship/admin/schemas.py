"""Admin console request/response models."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, Field

from oxship.kit.clock import iso
from oxship.kit.envelope import OutModel
from oxship.kit.text import NulFree, trimmed
from oxship.models import User
from oxship.projects.schemas import ProjectOut
from oxship.users.schemas import UserOut, public_user

Reason = Annotated[str, trimmed(1, 1000), NulFree]
SearchText = Annotated[str, trimmed(0, 100), NulFree]


class Role(StrEnum):
    """Role filter of the user list; `user` is an account with no role flag."""

    ADMIN = "admin"
    VALIDATOR = "validator"
    INVESTOR = "investor"
    USER = "user"


class ChainStatus(StrEnum):
    """Effective chain status (a suspension whose time passed counts as `active`)."""

    ACTIVE = "active"
    SUSPENDED = "suspended"
    BANNED = "banned"


class BanBody(BaseModel):
    """`POST /users/{id}/ban` and `POST /chains/{slug}/ban`."""

    reason: Reason


class SuspendBody(BaseModel):
    """`POST /chains/{slug}/suspend`."""

    reason: Reason
    duration_days: Annotated[int, Field(ge=1, le=365)]


class AdminUserOut(UserOut):
    """A user as admins see them: the public card plus email and account state."""

    email: str
    is_active: bool
    banned_at: dt.datetime | None
    ban_reason: str | None
    deleted_at: dt.datetime | None
    updated_at: dt.datetime


def admin_user_json(user: User) -> dict[str, Any]:
    """The admin JSON of a user."""
    return {
        **public_user(user),
        "email": user.email,
        "is_active": user.is_active,
        "banned_at": iso(user.banned_at),
        "ban_reason": user.ban_reason,
        "deleted_at": iso(user.deleted_at),
        "updated_at": iso(user.updated_at),
    }


class UserDeletedOut(OutModel):
    """What an account deletion did."""

    id: str
    deleted: bool
    projects_deleted: int
    comments_deleted: int


class AdminProjectOut(ProjectOut):
    """A project in the admin list, deleted ones included."""

    is_deleted: bool
    deleted_at: dt.datetime | None


class DeletedOut(OutModel):
    """A deletion's outcome."""

    deleted: bool


class UserStatsOut(OutModel):
    """Accounts by status (`active + banned + deleted = total`) and, among undeleted, by role."""

    total: int
    active: int
    banned: int
    deleted: int
    admins: int
    validators: int
    investors: int


class ProjectStatsOut(OutModel):
    """Projects: live (not deleted), deleted, and featured among the live ones."""

    total: int
    live: int
    deleted: int
    featured: int


class CountsOut(OutModel):
    """A total and its split by a key (type or status)."""

    total: int
    by: dict[str, int]


class ChainStatsOut(OutModel):
    """Undeleted chains by effective status, and deleted chains."""

    total: int
    active: int
    suspended: int
    banned: int
    deleted: int


class PlatformStatsOut(OutModel):
    """`GET /api/admin/stats`."""

    users: UserStatsOut
    projects: ProjectStatsOut
    badges: CountsOut
    investor_requests: CountsOut
    chains: ChainStatsOut
    feedback: CountsOut
    generated_at: dt.datetime
