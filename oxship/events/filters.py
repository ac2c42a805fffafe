"""What an event list selects."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class EventFilters:
    """What an event list selects; the time filters compare with `now`."""

    now: datetime
    search: str | None = None
    event_type: str | None = None
    category: str | None = None
    upcoming: bool | None = None
    past: bool | None = None
    ongoing: bool | None = None
    featured: bool | None = None
    verified: bool | None = None
