"""Search responses: each domain's normal JSON plus its `score`, and the `type=all` envelope."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from oxship.chains.schemas import ChainOut
from oxship.events.schemas import EventOut
from oxship.kit.envelope import OutModel, PageEnvelope
from oxship.projects.schemas import ProjectOut
from oxship.users.schemas import UserOut


class SearchType(StrEnum):
    """What to search."""

    ALL = "all"
    PROJECTS = "projects"
    USERS = "users"
    CHAINS = "chains"
    EVENTS = "events"


class ProjectHit(ProjectOut):
    """A project and its rank (higher is better)."""

    score: float


class UserHit(UserOut):
    """A user's public card (never the email) and its rank."""

    score: float


class ChainHit(ChainOut):
    """A chain and its rank."""

    score: float


class EventHit(EventOut):
    """An event and its rank."""

    score: float


class SearchTotals(OutModel):
    """How many results each type has in all (every page)."""

    projects: int
    users: int
    chains: int
    events: int


class SearchAllData(OutModel):
    """One page of each type."""

    projects: list[ProjectHit]
    users: list[UserHit]
    chains: list[ChainHit]
    events: list[EventHit]


class SearchAllMeta(OutModel):
    """The query, the totals per type, and the page every list is cut to."""

    query: str
    type: Literal["all"] = "all"
    totals: SearchTotals
    page: int
    per_page: int


class SearchAllEnvelope(OutModel):
    """`type=all`: `data{projects, users, chains, events}` and `meta{totals, page, per_page}`."""

    status: Literal["success"] = "success"
    message: str | None = None
    data: SearchAllData
    meta: SearchAllMeta


SearchResponse = (
    SearchAllEnvelope
    | PageEnvelope[ProjectHit]
    | PageEnvelope[UserHit]
    | PageEnvelope[ChainHit]
    | PageEnvelope[EventHit]
)
