"""The chain post "hot" score (API.md §2.4): time-invariant, so it moves only with reactions."""

from __future__ import annotations

import math
from datetime import UTC, datetime

from oxship.projects.scoring import TRENDING_EPOCH, TRENDING_SECONDS_PER_UNIT


def hot_score(*, upvotes: int, downvotes: int, created_at: datetime) -> float:
    """`s·log10(max(|up-down|, 1)) + (created_at - epoch) / 45000`, rounded to 6 decimals."""
    net = upvotes - downvotes
    sign = (net > 0) - (net < 0)
    votes = sign * math.log10(max(abs(net), 1))
    age = (created_at.astimezone(UTC) - TRENDING_EPOCH).total_seconds() / TRENDING_SECONDS_PER_UNIT
    return round(votes + age, 6)
