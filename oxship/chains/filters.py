"""What a chain list selects."""

from __future__ import annotations

import uuid
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ChainFilters:
    """What a chain list selects."""

    visibility: str = "public"  # public | mine | all
    viewer_id: uuid.UUID | None = None
    search: str | None = None
    category: str | None = None
    featured: bool | None = None
    creator_id: uuid.UUID | None = None
    followed_by: uuid.UUID | None = None
    active_only: bool = False  # not suspended (until a suspension ends) nor banned
