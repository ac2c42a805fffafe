"""Event request/response models."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from oxship.kit.clock import as_utc, iso
from oxship.kit.envelope import OutModel
from oxship.kit.text import HttpUrl, NulFree, SingleLine, cannot_clear, trimmed
from oxship.projects.schemas import CreatorOut, ProjectOut

EVENT_TYPES = ("hackathon", "conference", "competition", "showcase", "workshop")
EventType = Literal["hackathon", "conference", "competition", "showcase", "workshop"]
Name = Annotated[str, trimmed(3, 200), NulFree, SingleLine]
Description = Annotated[str, trimmed(10, 10_000), NulFree]
Tagline = Annotated[str, trimmed(0, 300), NulFree, SingleLine]
Location = Annotated[str, trimmed(0, 200), NulFree, SingleLine]
Category = Annotated[str, trimmed(1, 50), NulFree, SingleLine]
PrizePool = Annotated[float, Field(ge=0, le=1e12, allow_inf_nan=False)]
Track = Annotated[str, trimmed(1, 100), NulFree, SingleLine]
Prize = Annotated[str, trimmed(1, 200), NulFree, SingleLine]
Rank = Annotated[int, Field(ge=1, le=1_000_000)]


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    try:
        return as_utc(value)
    except (OverflowError, ValueError) as exc:
        raise ValueError("is out of range") from exc


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


class _EventFields(BaseModel):
    tagline: Tagline | None = None
    banner_url: HttpUrl | None = None
    logo_url: HttpUrl | None = None
    location: Location | None = None
    website_url: HttpUrl | None = None
    prize_pool: PrizePool | None = None
    categories: Annotated[list[Category], Field(max_length=10)] | None = None

    @field_validator("categories")
    @classmethod
    def _unique(cls, value: list[str] | None) -> list[str] | None:
        return _dedupe(value)


class EventCreate(_EventFields):
    """`POST /api/events`."""

    name: Name
    description: Description
    event_type: EventType
    start_date: dt.datetime
    end_date: dt.datetime

    _as_utc = field_validator("start_date", "end_date")(_utc)

    @model_validator(mode="after")
    def _ordered(self) -> EventCreate:
        if self.end_date < self.start_date:
            raise ValueError("end_date must not be before start_date")
        return self


class EventUpdate(_EventFields):
    """`PUT /api/events/{slug}`: only the fields sent change (end ≥ start on the merged values)."""

    name: Name | None = None
    description: Description | None = None
    event_type: EventType | None = None
    start_date: dt.datetime | None = None
    end_date: dt.datetime | None = None

    _required_stays = field_validator(
        "name", "description", "event_type", "start_date", "end_date"
    )(cannot_clear)
    _as_utc = field_validator("start_date", "end_date")(_utc)


class EventOut(OutModel):
    """An event with its organizer and the per-caller `is_subscribed` and `is_organizer`."""

    id: uuid.UUID
    creator_id: uuid.UUID
    name: str
    slug: str
    description: str
    tagline: str | None
    banner_url: str | None
    logo_url: str | None
    event_type: EventType
    start_date: dt.datetime
    end_date: dt.datetime
    location: str | None
    website_url: str | None
    prize_pool: float | None
    categories: list[str]
    view_count: int
    project_count: int
    subscriber_count: int
    is_featured: bool
    is_verified: bool
    created_at: dt.datetime
    updated_at: dt.datetime
    organizer: CreatorOut
    is_subscribed: bool = False
    is_organizer: bool = False


class EventTypeOut(OutModel):
    """An event type and how many live events have it."""

    event_type: EventType
    count: int


class SubscribeStateOut(OutModel):
    """The subscriber count after a subscribe or unsubscribe."""

    subscriber_count: int
    is_subscribed: bool


class FeatureStateOut(OutModel):
    """Whether the event is featured after the toggle."""

    is_featured: bool


class VerifyStateOut(OutModel):
    """Whether the event is verified after the toggle."""

    is_verified: bool


class EventProjectAdd(BaseModel):
    """`POST /{slug}/projects`: results (prize, rank, winner, finalist) are the organizer's."""

    project_id: uuid.UUID
    track: Track | None = None
    prize: Prize | None = None
    rank: Rank | None = None
    is_winner: bool | None = None
    is_finalist: bool | None = None


class EventProjectPatch(BaseModel):
    """`PATCH /{slug}/projects/{project_id}`: the fields sent change (null clears)."""

    track: Track | None = None
    prize: Prize | None = None
    rank: Rank | None = None
    is_winner: bool | None = None
    is_finalist: bool | None = None


class EventMetadataOut(OutModel):
    """A project's entry in an event."""

    track: str | None
    prize: str | None
    rank: int | None
    is_winner: bool
    is_finalist: bool
    added_at: dt.datetime
    added_by: uuid.UUID | None


class EventProjectOut(ProjectOut):
    """A project of an event: the full project plus its entry."""

    event_metadata: EventMetadataOut


class EventProjectAddOut(OutModel):
    """An entry after an add or an edit, with the event's project count."""

    event_id: uuid.UUID
    project_id: uuid.UUID
    project_count: int
    event_metadata: EventMetadataOut


class EventProjectRemovedOut(OutModel):
    """The project count after a removal."""

    removed: bool
    project_count: int


def event_json(row: Any) -> dict[str, Any]:
    """The anonymous JSON of an (Event, username, display_name, avatar_url) row."""
    event = row[0]
    return {
        "id": str(event.id),
        "creator_id": str(event.creator_id),
        "name": event.name,
        "slug": event.slug,
        "description": event.description,
        "tagline": event.tagline,
        "banner_url": event.banner_url,
        "logo_url": event.logo_url,
        "event_type": event.event_type,
        "start_date": iso(event.start_date),
        "end_date": iso(event.end_date),
        "location": event.location,
        "website_url": event.website_url,
        "prize_pool": event.prize_pool,
        "categories": list(event.categories or []),
        "view_count": event.view_count,
        "project_count": event.project_count,
        "subscriber_count": event.subscriber_count,
        "is_featured": event.is_featured,
        "is_verified": event.is_verified,
        "created_at": iso(event.created_at),
        "updated_at": iso(event.updated_at),
        "organizer": {
            "id": str(event.creator_id),
            "username": row[1],
            "display_name": row[2],
            "avatar_url": row[3],
        },
        "is_subscribed": False,
        "is_organizer": False,
    }


def metadata_json(row: Any) -> dict[str, Any]:
    """`event_metadata` of an EventProject row."""
    return {
        "track": row.track,
        "prize": row.prize,
        "rank": row.rank,
        "is_winner": bool(row.is_winner),
        "is_finalist": bool(row.is_finalist),
        "added_at": iso(row.added_at),
        "added_by": str(row.added_by) if row.added_by else None,
    }
