"""Project request/response models and the serializer that builds the project JSON."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, field_validator

from oxship.kit.clock import iso
from oxship.kit.envelope import OutModel
from oxship.kit.text import HttpUrl, NulFree, SingleLine, cannot_clear, trimmed
from oxship.models import Project
from oxship.projects.scoring import upvote_ratio

Title = Annotated[str, trimmed(5, 200), NulFree, SingleLine]
Tagline = Annotated[str, trimmed(0, 300), NulFree, SingleLine]
Description = Annotated[str, trimmed(50, 20_000), NulFree]
LongText = Annotated[str, trimmed(0, 10_000), NulFree]
Name200 = Annotated[str, trimmed(1, 200), NulFree, SingleLine]
Tag = Annotated[str, trimmed(1, 50), NulFree, SingleLine]
Short100 = Annotated[str, trimmed(1, 100), NulFree, SingleLine]


class HackathonIn(BaseModel):
    """One hackathon the project took part in."""

    name: Name200
    date: dt.date | None = None
    prize: Annotated[str, trimmed(0, 200), NulFree, SingleLine] | None = None
    track: Annotated[str, trimmed(0, 200), NulFree, SingleLine] | None = None
    is_winner: bool = False
    rank: Annotated[int, Field(ge=1, le=100_000)] | None = None


class TeamMemberIn(BaseModel):
    """A team member; `user_id` links a platform account (its tagged-projects list)."""

    name: Short100
    role: Annotated[str, trimmed(0, 100), NulFree, SingleLine] | None = None
    user_id: uuid.UUID | None = None


def _dedupe(values: list[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for value in values:
        if value.lower() not in seen:
            seen.add(value.lower())
            out.append(value)
    return out


class _ProjectFields(BaseModel):
    tagline: Tagline | None = None
    project_story: LongText | None = None
    inspiration: LongText | None = None
    market_comparison: LongText | None = None
    novelty_factor: LongText | None = None
    pitch_deck_url: HttpUrl | None = None
    demo_url: HttpUrl | None = None
    github_url: HttpUrl | None = None
    hackathon_name: Annotated[str, trimmed(0, 200), NulFree, SingleLine] | None = None
    hackathon_date: dt.date | None = None
    hackathons: Annotated[list[HackathonIn], Field(max_length=20)] | None = None
    categories: Annotated[list[Tag], Field(max_length=10)] | None = None
    tech_stack: Annotated[list[Tag], Field(max_length=30)] | None = None
    team_members: Annotated[list[TeamMemberIn], Field(max_length=20)] | None = None
    screenshot_urls: Annotated[list[HttpUrl], Field(max_length=5)] | None = None

    @field_validator("categories", "tech_stack")
    @classmethod
    def _unique(cls, value: list[str] | None) -> list[str] | None:
        return _dedupe(value) if value is not None else None


class ProjectCreate(_ProjectFields):
    """`POST /api/projects`."""

    title: Title
    description: Description
    chain_ids: Annotated[list[uuid.UUID], Field(max_length=5)] | None = None


class ProjectPatch(_ProjectFields):
    """`PUT|PATCH /api/projects/{id}`: only the fields sent change; null clears optional ones."""

    title: Title | None = None
    description: Description | None = None

    _required_stays = field_validator("title", "description")(cannot_clear)


class ViewIn(BaseModel):
    """`POST /api/projects/{id}/view`."""

    session_id: Annotated[str, trimmed(8, 100), Field(pattern=r"^[A-Za-z0-9_.:-]+$")] | None = None


class ScreenshotOut(OutModel):
    id: uuid.UUID
    url: str
    order_index: int


class CreatorOut(OutModel):
    id: uuid.UUID
    username: str
    display_name: str | None
    avatar_url: str | None


class BadgeBriefOut(OutModel):
    id: uuid.UUID
    badge_type: str
    points: int
    validator_id: uuid.UUID
    validator_username: str
    created_at: dt.datetime


class ChainBriefOut(OutModel):
    id: uuid.UUID
    name: str
    slug: str
    logo_url: str | None
    is_pinned: bool


class ProjectOut(OutModel):
    """The full project (API §1.3); `user_vote` and `is_saved` are the caller's."""

    id: uuid.UUID
    user_id: uuid.UUID
    title: str
    tagline: str | None
    description: str
    project_story: str | None
    inspiration: str | None
    pitch_deck_url: str | None
    market_comparison: str | None
    novelty_factor: str | None
    demo_url: str | None
    github_url: str | None
    hackathon_name: str | None
    hackathon_date: dt.date | None
    hackathons: list[dict[str, Any]]
    categories: list[str]
    tech_stack: list[str]
    team_members: list[dict[str, Any]]
    screenshots: list[ScreenshotOut]
    proof_score: float
    verification_score: float
    community_score: float
    validation_score: float
    quality_score: float
    score_breakdown: dict[str, Any]
    trending_score: float
    upvotes: int
    downvotes: int
    upvote_ratio: float
    comment_count: int
    view_count: int
    share_count: int
    save_count: int
    badge_count: int
    badges: list[BadgeBriefOut]
    chains: list[ChainBriefOut]
    is_featured: bool
    featured_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime
    creator: CreatorOut
    user_vote: Literal["up", "down"] | None = None
    is_saved: bool = False


class ChainJoinOut(OutModel):
    chain_id: uuid.UUID
    chain_slug: str
    status: Literal["added", "pending"]
    request_id: uuid.UUID | None


class ProjectCreatedOut(ProjectOut):
    """A new project, and what became of each of its `chain_ids`."""

    chain_results: list[ChainJoinOut]


class ViewOut(OutModel):
    view_count: int
    is_new_view: bool


class ShareOut(OutModel):
    share_count: int


class ScoringStatusOut(OutModel):
    scoring_status: Literal["completed"]
    proof_score: float
    score_breakdown: dict[str, Any]


class LeaderboardOut(OutModel):
    top_projects: list[ProjectOut]
    top_builders: list[dict[str, Any]]
    featured: list[ProjectOut]
    timeframe: Literal["week", "month", "all"]
    limit: int


def project_out(
    project: Project,
    creator: dict[str, Any],
    *,
    screenshots: list[dict[str, Any]],
    badges: list[dict[str, Any]],
    chains: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The anonymous JSON of a project (per-caller fields at their anonymous values)."""
    return {
        "id": str(project.id),
        "user_id": str(project.user_id),
        "title": project.title,
        "tagline": project.tagline,
        "description": project.description,
        "project_story": project.project_story,
        "inspiration": project.inspiration,
        "pitch_deck_url": project.pitch_deck_url,
        "market_comparison": project.market_comparison,
        "novelty_factor": project.novelty_factor,
        "demo_url": project.demo_url,
        "github_url": project.github_url,
        "hackathon_name": project.hackathon_name,
        "hackathon_date": project.hackathon_date.isoformat() if project.hackathon_date else None,
        "hackathons": project.hackathons or [],
        "categories": project.categories or [],
        "tech_stack": project.tech_stack or [],
        "team_members": project.team_members or [],
        "screenshots": screenshots,
        "proof_score": round(project.proof_score, 2),
        "verification_score": round(project.verification_score, 2),
        "community_score": round(project.community_score, 2),
        "validation_score": round(project.validation_score, 2),
        "quality_score": round(project.quality_score, 2),
        "score_breakdown": project.score_breakdown or {},
        "trending_score": project.trending_score,
        "upvotes": project.upvotes,
        "downvotes": project.downvotes,
        "upvote_ratio": upvote_ratio(project.upvotes, project.downvotes),
        "comment_count": project.comment_count,
        "view_count": project.view_count,
        "share_count": project.share_count,
        "save_count": project.save_count,
        "badge_count": project.badge_count,
        "badges": badges,
        "chains": chains or [],
        "is_featured": project.is_featured,
        "featured_at": iso(project.featured_at),
        "created_at": iso(project.created_at),
        "updated_at": iso(project.updated_at),
        "creator": creator,
        "user_vote": None,
        "is_saved": False,
    }
