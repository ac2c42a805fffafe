"""Chain request/response models."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, field_validator

from oxship.kit.clock import iso, utcnow
from oxship.kit.envelope import OutModel
from oxship.kit.text import HttpUrl, NulFree, SingleLine, cannot_clear, trimmed
from oxship.projects.schemas import CreatorOut, ProjectOut
from oxship.users.schemas import UserCardOut

Name = Annotated[str, trimmed(3, 100), NulFree, SingleLine]
Description = Annotated[str, trimmed(10, 5000), NulFree]
Rules = Annotated[str, trimmed(0, 5000), NulFree]
Category = Annotated[str, trimmed(1, 50), NulFree, SingleLine]
Link = Annotated[str, trimmed(0, 2048), NulFree, SingleLine]


class SocialLinks(BaseModel):
    """A chain's links."""

    twitter: Link | None = None
    website: HttpUrl | None = None
    discord: Link | None = None
    telegram: Link | None = None


def _dedupe(values: list[str] | None) -> list[str] | None:
    if values is None:
        return None
    seen: set[str] = set()
    out: list[str] = []
    for value in values:
        if value.lower() not in seen:
            seen.add(value.lower())
            out.append(value)
    return out


class _ChainFields(BaseModel):
    banner_url: HttpUrl | None = None
    logo_url: HttpUrl | None = None
    categories: Annotated[list[Category], Field(max_length=10)] | None = None
    rules: Rules | None = None
    social_links: SocialLinks | None = None
    is_public: bool | None = None
    requires_approval: bool | None = None

    @field_validator("categories")
    @classmethod
    def _unique(cls, value: list[str] | None) -> list[str] | None:
        return _dedupe(value)


class ChainCreate(_ChainFields):
    """`POST /api/chains`."""

    name: Name
    description: Description


class ChainUpdate(_ChainFields):
    """`PUT /api/chains/{slug}`: only the fields sent change."""

    name: Name | None = None
    description: Description | None = None

    _required_stays = field_validator("name", "description")(cannot_clear)


class SocialLinksOut(OutModel):
    """A chain's links."""

    twitter: str | None = None
    website: str | None = None
    discord: str | None = None
    telegram: str | None = None


class ChainOut(OutModel):
    """A chain (API §1.3) with the per-caller `is_following` and `is_owner`."""

    id: uuid.UUID
    creator_id: uuid.UUID
    name: str
    slug: str
    description: str
    banner_url: str | None
    logo_url: str | None
    categories: list[str]
    rules: str | None
    social_links: SocialLinksOut
    is_public: bool
    requires_approval: bool
    project_count: int
    follower_count: int
    view_count: int
    post_count: int
    is_featured: bool
    status: Literal["active", "suspended", "banned"]
    suspended_until: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime
    creator: CreatorOut | None
    is_following: bool = False
    is_owner: bool = False


class ChainStatsOut(OutModel):
    """Aggregates over the chain's projects."""

    total_views: int
    total_upvotes: int
    avg_proof_score: float


class ChainDetailOut(ChainOut):
    """A chain with its stats."""

    stats: ChainStatsOut


class DayCountOut(OutModel):
    date: dt.date
    count: int


class GrowthOut(OutModel):
    total: int
    new: int
    daily: list[DayCountOut]


class TopProjectOut(OutModel):
    id: uuid.UUID
    title: str
    proof_score: float
    upvotes: int
    comment_count: int
    view_count: int


class EngagementOut(OutModel):
    chain_views: int
    project_upvotes: int
    project_comments: int
    posts: int
    posts_in_period: int


class ChainAnalyticsOut(OutModel):
    """Owner analytics over the last `period_days` days (UTC)."""

    chain_id: uuid.UUID
    period_days: int
    followers: GrowthOut
    projects: GrowthOut
    top_projects: list[TopProjectOut]
    engagement: EngagementOut


class FollowStateOut(OutModel):
    """The follower count after a follow or unfollow."""

    follower_count: int


class FeatureStateOut(OutModel):
    """Whether the chain is featured after the toggle."""

    is_featured: bool


class ChainFollowerOut(UserCardOut):
    """A follower, with when they followed."""

    followed_at: dt.datetime


def chain_json(row: Any) -> dict[str, Any]:
    """The anonymous JSON of a (Chain, username, display_name, avatar_url) row."""
    chain = row[0]
    status = chain.status
    if (
        status == "suspended"
        and chain.suspended_until is not None
        and chain.suspended_until <= utcnow()
    ):
        status = "active"
    links = chain.social_links or {}
    return {
        "id": str(chain.id),
        "creator_id": str(chain.creator_id),
        "name": chain.name,
        "slug": chain.slug,
        "description": chain.description,
        "banner_url": chain.banner_url,
        "logo_url": chain.logo_url,
        "categories": list(chain.categories or []),
        "rules": chain.rules,
        "social_links": {k: links.get(k) for k in ("twitter", "website", "discord", "telegram")},
        "is_public": chain.is_public,
        "requires_approval": chain.requires_approval,
        "project_count": chain.project_count,
        "follower_count": chain.follower_count,
        "view_count": chain.view_count,
        "post_count": chain.post_count,
        "is_featured": chain.is_featured,
        "status": status,
        "suspended_until": iso(chain.suspended_until),
        "created_at": iso(chain.created_at),
        "updated_at": iso(chain.updated_at),
        "creator": (
            {
                "id": str(chain.creator_id),
                "username": row[1],
                "display_name": row[2],
                "avatar_url": row[3],
            }
            if row[1] is not None
            else None
        ),
        "is_following": False,
        "is_owner": False,
    }


class ChainProjectAdd(BaseModel):
    """`POST /{slug}/projects` body."""

    project_id: uuid.UUID
    message: Annotated[str, trimmed(0, 1000), NulFree] | None = None


class ChainProjectReject(BaseModel):
    """`POST /{slug}/requests/{id}/reject` body."""

    reason: Annotated[str, trimmed(0, 1000), NulFree] | None = None


class ChainMetadataOut(OutModel):
    """A project's membership of a chain."""

    added_at: dt.datetime
    is_pinned: bool
    added_by: uuid.UUID | None


class ChainProjectRequestOut(OutModel):
    """A request to add a project to a chain."""

    id: uuid.UUID
    chain_id: uuid.UUID
    project_id: uuid.UUID
    requested_by: uuid.UUID | None
    message: str | None
    status: Literal["pending", "approved", "rejected"]
    reason: str | None
    decided_by: uuid.UUID | None
    decided_at: dt.datetime | None
    created_at: dt.datetime


class ChainProjectAddOut(OutModel):
    """The outcome of an add: `added` (201, with `chain_metadata`) or `pending` (202, `request`)."""

    status: Literal["added", "pending"]
    chain_id: uuid.UUID
    project_id: uuid.UUID
    project_count: int
    chain_metadata: ChainMetadataOut | None = None
    request: ChainProjectRequestOut | None = None


class ChainProjectRemovedOut(OutModel):
    """The project count after a removal."""

    removed: bool
    project_count: int


class PinStateOut(OutModel):
    """A project's pin state in a chain after a toggle."""

    is_pinned: bool


class ChainProjectOut(ProjectOut):
    """A project of a chain: the full project plus its membership."""

    chain_metadata: ChainMetadataOut


class ChainProjectPin(BaseModel):
    """Optional pin body: a target state; without it the pin toggles."""

    is_pinned: bool | None = None


class ChainProjectApprove(BaseModel):
    """Optional approve body: a note passed on to the requester."""

    message: Annotated[str, trimmed(0, 1000), NulFree] | None = None
