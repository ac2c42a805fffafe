"""Badge, badge-type, validator and assignment request/response models."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field, field_validator

from oxship.kit.clock import iso
from oxship.kit.envelope import OutModel
from oxship.kit.text import HttpUrl, NulFree, SingleLine, cannot_clear, trimmed
from oxship.projects.schemas import ProjectOut
from oxship.users.schemas import UserCardOut

BUILTIN_BADGE_POINTS: dict[str, int] = {
    "stone": 5,
    "silver": 10,
    "gold": 15,
    "platinum": 20,
    "demerit": -10,
}
PRIORITIES: dict[str, int] = {"urgent": 0, "high": 1, "normal": 2, "low": 3}
ASSIGNMENT_STATUSES = ("pending", "in_review", "validated", "completed", "rejected")

Priority = Literal["urgent", "high", "normal", "low"]
AssignmentStatus = Literal["pending", "in_review", "validated", "completed", "rejected"]
NAME_MAX = 50  # BadgeType.name, Badge.badge_type


def badge_type_key(value: str) -> str:
    """The stored form of a badge type name: trimmed and lower-cased, at most 50 characters."""
    key = value.strip().lower()
    if not key:
        raise ValueError("must not be empty")
    if len(key) > NAME_MAX:  # lower-casing can lengthen a string ("İ" → 2 code points)
        raise ValueError(f"must be at most {NAME_MAX} characters")
    return key


BadgeTypeName = Annotated[
    str, trimmed(1, NAME_MAX), NulFree, SingleLine, AfterValidator(badge_type_key)
]
Rationale = Annotated[str, trimmed(50, 2000), NulFree]
Category = Annotated[str, trimmed(1, 50), NulFree, SingleLine]
Notes = Annotated[str, trimmed(0, 2000), NulFree]
Email = Annotated[str, trimmed(3, 320), NulFree, SingleLine]


class BadgeAward(BaseModel):
    """`POST /api/badges/award`."""

    project_id: uuid.UUID
    badge_type: BadgeTypeName
    rationale: Rationale


class AdminBadgeAward(BadgeAward):
    """`POST /api/admin/badges/award`: on behalf of any validator, no permission check."""

    validator_id: uuid.UUID


class BadgePatch(BaseModel):
    """`PATCH /api/admin/badges/{id}`: fields sent change; neither can be cleared."""

    badge_type: BadgeTypeName | None = None
    rationale: Rationale | None = None

    _required_stays = field_validator("badge_type", "rationale")(cannot_clear)


class BadgeTypeCreate(BaseModel):
    """`POST /api/admin/badge-types`."""

    name: BadgeTypeName
    points: int = Field(ge=-10, le=20)
    icon_url: HttpUrl | None = None
    color: Annotated[str, trimmed(1, 20), NulFree, SingleLine] | None = None


class RejectBody(BaseModel):
    """`POST /api/validator/assignments/{id}/reject`."""

    notes: Annotated[str, trimmed(1, 2000), NulFree]


class ValidatorEmail(BaseModel):
    """`POST /api/admin/validators/add-email`."""

    email: Email


def _dedupe_lower(values: list[str]) -> list[str]:
    return list(dict.fromkeys(v.lower() for v in values))


class PermissionsUpdate(BaseModel):
    """`POST /api/admin/validators/{id}/permissions`: fields sent replace; absent ones stay."""

    can_validate_all: bool | None = None
    allowed_badge_types: list[BadgeTypeName] | None = Field(default=None, max_length=50)
    allowed_categories: list[Category] | None = Field(default=None, max_length=50)
    allowed_project_ids: list[uuid.UUID] | None = Field(default=None, max_length=1000)

    _sent_not_null = field_validator(
        "can_validate_all", "allowed_badge_types", "allowed_categories", "allowed_project_ids"
    )(cannot_clear)

    @field_validator("allowed_badge_types", "allowed_categories")
    @classmethod
    def _unique(cls, values: list[str] | None) -> list[str] | None:
        return None if values is None else _dedupe_lower(values)


class AssignmentCreate(BaseModel):
    """`POST /api/admin/validator-assignments`."""

    validator_id: uuid.UUID
    project_id: uuid.UUID
    priority: Priority = "normal"
    notes: Notes | None = None


class BulkAssign(BaseModel):
    """`POST /api/admin/validator-assignments/bulk`."""

    validator_id: uuid.UUID
    category_filter: Category
    priority: Priority = "normal"
    limit: int = Field(default=50, ge=1, le=200)


# --- responses -----------------------------------------------------------------------------------


class BadgeOut(OutModel):
    """A badge with its validator's card."""

    id: uuid.UUID
    project_id: uuid.UUID
    validator_id: uuid.UUID
    badge_type: str
    points: int
    rationale: str
    created_at: dt.datetime
    updated_at: dt.datetime | None
    validator: UserCardOut


class ProjectScoresOut(OutModel):
    """A project's validation counters and scores after a badge change."""

    id: uuid.UUID
    badge_count: int
    badge_points: int
    validation_score: float
    proof_score: float
    trending_score: float


class BadgeChangeOut(BadgeOut):
    """A badge just awarded or edited, with the project's new scores."""

    project: ProjectScoresOut


class BadgeRemovedOut(OutModel):
    """A hard-deleted badge and the project's new scores."""

    deleted: bool
    badge_id: uuid.UUID
    project: ProjectScoresOut


class BadgeTypeOut(OutModel):
    """A badge type: the five built-in ones (no id) and custom ones."""

    id: uuid.UUID | None
    name: str
    points: int
    icon_url: str | None
    color: str | None
    is_builtin: bool
    created_at: dt.datetime | None


class AssignmentOut(OutModel):
    """A review assignment."""

    id: uuid.UUID
    validator_id: uuid.UUID
    project_id: uuid.UUID
    status: AssignmentStatus
    priority: Priority
    notes: str | None
    assigned_by: uuid.UUID | None
    created_at: dt.datetime
    updated_at: dt.datetime


class AssignmentWithProjectOut(AssignmentOut):
    """An assignment with its (live) project."""

    project: ProjectOut


class BulkAssignOut(OutModel):
    """How many assignments a bulk assignment created."""

    created: int
    validator_id: uuid.UUID
    category_filter: str


class DeletedOut(OutModel):
    """A removal."""

    deleted: bool


class PermissionsOut(OutModel):
    """What a validator may validate (API §3.10)."""

    user_id: uuid.UUID
    has_profile: bool
    is_active: bool
    can_validate_all: bool
    allowed_badge_types: list[str]
    allowed_categories: list[str]
    allowed_project_ids: list[str]


class ValidatorOut(OutModel):
    """A validator, for admins: card, email, profile (null when none yet) and badges awarded."""

    id: uuid.UUID
    username: str
    display_name: str | None
    avatar_url: str | None
    email: str
    is_validator: bool
    badges_awarded: int
    profile: PermissionsOut | None


class ValidatorProjectOut(ProjectOut):
    """A project the caller may validate, and whether they already awarded it a badge."""

    validated_by_me: bool


class ValidatorProjectDetailOut(OutModel):
    """A project to review: the project, its badges, the caller's badge and assignment."""

    project: ProjectOut
    badges: list[BadgeOut]
    my_badge: BadgeOut | None
    assignment: AssignmentOut | None
    allowed_badge_types: list[str]


class ValidatorStatsOut(OutModel):
    """A validator's activity."""

    badges_awarded: int
    badges_by_type: dict[str, int]
    assignments_total: int
    assignments_by_status: dict[str, int]
    karma: float


class AdminBadgeOut(BadgeOut):
    """A badge for admins: with its project's title."""

    project_title: str


def badge_json(row: Any) -> dict[str, Any]:
    """The JSON of a (Badge, username, display_name, avatar_url) row."""
    badge, username, display_name, avatar_url = row[:4]
    return {
        "id": str(badge.id),
        "project_id": str(badge.project_id),
        "validator_id": str(badge.validator_id),
        "badge_type": badge.badge_type,
        "points": badge.points,
        "rationale": badge.rationale,
        "created_at": iso(badge.created_at),
        "updated_at": iso(badge.updated_at),
        "validator": {
            "id": str(badge.validator_id),
            "username": username,
            "display_name": display_name,
            "avatar_url": avatar_url,
        },
    }
