"""What the investor directory selects and how it orders."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class DirectorySort(StrEnum):
    """Directory orders."""

    NEWEST = "newest"  # most recently approved
    MOST_ACTIVE = "most_active"  # accepted intros
    TICKET_SIZE = "ticket_size"  # largest ticket_size_max, unknown last
    ALPHABETICAL = "alphabetical"  # by name, case-insensitive


@dataclass(frozen=True, slots=True)
class DirectoryFilters:
    """Filters of `GET /api/investors/public`; within a list filter any value matches."""

    investor_type: str | None = None
    stages: tuple[str, ...] = ()
    industries: tuple[str, ...] = ()
    geographies: tuple[str, ...] = ()
    min_ticket: int | None = None
    max_ticket: int | None = None
    open_to_requests: bool | None = None
    search: str | None = None

    def applied(self) -> dict[str, Any]:
        """The filters in effect, as `meta.filters` echoes them."""
        values: dict[str, Any] = {
            "type": self.investor_type,
            "stage": list(self.stages),
            "industry": list(self.industries),
            "geography": list(self.geographies),
            "min_ticket": self.min_ticket,
            "max_ticket": self.max_ticket,
            "open_to_requests": self.open_to_requests,
            "search": self.search,
        }
        return {k: v for k, v in values.items() if v is not None and v != []}
