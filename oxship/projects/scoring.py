"""The score formulas of API.md §2, as pure functions (no I/O): proof, trending, ratios."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

Z = 1.96
TRENDING_EPOCH = datetime(2025, 1, 1, tzinfo=UTC)
TRENDING_SECONDS_PER_UNIT = 45_000
BADGE_POINTS = {"stone": 5, "silver": 10, "gold": 15, "platinum": 20, "demerit": -10}
QUALITY_DESCRIPTION_MIN = 200


def wilson_lower_bound(up: int, down: int, z: float = Z) -> float:
    """Lower bound of the Wilson score interval for up/(up+down); 0 when there are no votes."""
    n = up + down
    if n <= 0:
        return 0.0
    p = up / n
    z2 = z * z
    centre = p + z2 / (2 * n)
    margin = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return max(0.0, (centre - margin) / (1 + z2 / n))


def upvote_ratio(up: int, down: int) -> float:
    """The plain up/(up+down), 0 without votes, rounded to 4 decimals."""
    n = up + down
    return round(up / n, 4) if n else 0.0


@dataclass(frozen=True, slots=True)
class ScoreInputs:
    """Everything the proof score depends on."""

    email_verified: bool
    has_oxcert: bool
    github_connected: bool
    upvotes: int
    downvotes: int
    comment_count: int
    badge_points: int
    has_demo: bool
    has_github: bool
    has_screenshot: bool
    description_length: int


@dataclass(frozen=True, slots=True)
class Scores:
    """The four components, their sum, and the breakdown shown to clients."""

    verification: float
    community: float
    validation: float
    quality: float
    breakdown: dict[str, Any]

    @property
    def proof(self) -> float:
        """The proof score, 0..100, rounded to 2 decimals."""
        return round(self.verification + self.community + self.validation + self.quality, 2)


def proof_scores(i: ScoreInputs) -> Scores:
    """Compute every component of the proof score (API.md §2.1)."""
    verification = 5 * i.email_verified + 10 * i.has_oxcert + 5 * i.github_connected
    wilson = wilson_lower_bound(i.upvotes, i.downvotes)
    vote_part = 20 * wilson
    comment_part = min(0.5 * i.comment_count, 10.0)
    community = round(vote_part + comment_part, 2)
    validation = float(max(0, min(30, i.badge_points)))
    long_description = i.description_length >= QUALITY_DESCRIPTION_MIN
    quality = 5 * i.has_demo + 5 * i.has_github + 5 * i.has_screenshot + 5 * long_description
    breakdown = {
        "verification": {
            "score": float(verification),
            "max": 20,
            "email_verified": i.email_verified,
            "has_oxcert": i.has_oxcert,
            "github_connected": i.github_connected,
        },
        "community": {
            "score": community,
            "max": 30,
            "upvotes": i.upvotes,
            "downvotes": i.downvotes,
            "wilson_lower_bound": round(wilson, 4),
            "votes_points": round(vote_part, 2),
            "comment_count": i.comment_count,
            "comments_points": round(comment_part, 2),
        },
        "validation": {"score": validation, "max": 30, "badge_points": i.badge_points},
        "quality": {
            "score": float(quality),
            "max": 20,
            "has_demo": i.has_demo,
            "has_github": i.has_github,
            "has_screenshot": i.has_screenshot,
            "description_200_plus": long_description,
        },
    }
    return Scores(
        verification=float(verification),
        community=community,
        validation=validation,
        quality=float(quality),
        breakdown=breakdown,
    )


def trending_score(
    *,
    upvotes: int,
    downvotes: int,
    comment_count: int,
    proof_score: float,
    is_featured: bool,
    created_at: datetime,
) -> float:
    """The time-invariant hot score of API.md §2.2, rounded to 6 decimals."""
    net = upvotes - downvotes
    sign = (net > 0) - (net < 0)
    votes = sign * math.log10(max(abs(net), 1))
    comments = 0.5 * math.log10(1 + comment_count)
    age = (created_at.astimezone(UTC) - TRENDING_EPOCH).total_seconds() / TRENDING_SECONDS_PER_UNIT
    return round(votes + comments + proof_score / 100 + (1 if is_featured else 0) + age, 6)
