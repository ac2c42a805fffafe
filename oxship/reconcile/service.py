"""Reconcile: compare every denormalized counter and score with its source rows; optionally fix.

Order matters when fixing (all in the caller's transaction): integer counters first, then the
conversations' last message, then project scores (recomputed with `projects.service.recompute`
from the now-correct counters, which also refreshes the owner's karma), chain posts' hot scores,
and karma last (it sums proof scores). Without `fix`, each check compares against the values stored
now, so a drifting counter shows as that counter only (the scores agree with the stored counters).
"""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from oxship.chains.cache import chain_changed
from oxship.comments.cache import comments_ns
from oxship.events.cache import event_changed
from oxship.forum.cache import posts_ns
from oxship.forum.scoring import hot_score
from oxship.investors.cache import investors_changed
from oxship.kit.outbox import outbox_of
from oxship.projects import service as projects
from oxship.projects.cache import project_changed
from oxship.projects.scoring import ScoreInputs, proof_scores, trending_score
from oxship.realtime.publisher import leaderboard_changed
from oxship.reconcile import checks
from oxship.reconcile.checks import Drift
from oxship.users.cache import profile_ns

log = logging.getLogger(__name__)

SCORE_BATCH = 500
SCORE_TOLERANCE = 1e-6
PROJECT_SCORES = (
    "proof_score",
    "verification_score",
    "community_score",
    "validation_score",
    "quality_score",
    "trending_score",
)


@dataclass(slots=True)
class Report:
    """What a run found (and, with `fixed`, corrected)."""

    fixed: bool
    checks: list[str] = field(default_factory=list)
    drift: list[Drift] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """`{fixed, checks, drift_count, drift[]}` (drift ordered by check, then id)."""
        return {
            "fixed": self.fixed,
            "checks": self.checks,
            "drift_count": len(self.drift),
            "drift": [d.as_json() for d in self.drift],
        }


def _logged(drift: list[Drift]) -> None:
    for d in drift:
        log.warning(
            "reconcile fixed %s.%s of %s: %s -> %s",
            d.table,
            d.column,
            d.id,
            d.stored,
            d.actual,
            extra={"table": d.table, "column": d.column, "row_id": str(d.id)},
        )


async def _bump(session: AsyncSession, table: str, drift: list[Drift]) -> None:
    """Invalidate the cached views showing the fixed rows."""
    outbox = outbox_of(session)
    if table == "projects":
        for d in drift:
            assert d.owner_id is not None
            project_changed(session, d.id, d.owner_id)
    elif table == "users":
        names = await checks.usernames_of(session, sorted({d.id for d in drift}))
        outbox.bump(*(profile_ns(name) for name in names))
        leaderboard_changed(session, "users")
    elif table == "comments":
        outbox.bump(*{comments_ns(d.owner_id) for d in drift if d.owner_id})
    elif table == "chains":
        for chain_id in {d.id for d in drift}:
            chain_changed(session, chain_id)
    elif table == "chain_posts":
        outbox.bump(*{posts_ns(d.owner_id) for d in drift if d.owner_id})
    elif table == "events":
        for event_id in {d.id for d in drift}:
            event_changed(session, event_id)
    elif table == "investor_profiles":
        investors_changed(session)
    # conversations: the conversation list is not cached.


async def _counters(session: AsyncSession, report: Report) -> set[uuid.UUID]:
    """Every integer counter check; with fix, the moved counters. The projects whose counters
    moved (their scores must follow)."""
    moved: set[uuid.UUID] = set()
    for check in checks.counter_checks():
        report.checks.append(check.name)
        drift = await checks.find_drift(session, check)
        report.drift += drift
        if drift and report.fixed:
            await checks.fix_counter(session, check, drift)
            await _bump(session, drift[0].table, drift)
            _logged(drift)
            if check.model.__tablename__ == "projects":
                moved |= {d.id for d in drift}
    report.checks.append("conversations.last_message_id")
    drift = await checks.find_conversation_drift(session)
    report.drift += drift
    if drift and report.fixed:
        await checks.fix_conversations(session, [d.id for d in drift])
        _logged(drift)
    return moved


def _computed(row: Any) -> dict[str, float]:
    scores = proof_scores(
        ScoreInputs(
            email_verified=row.email_verified,
            has_oxcert=row.has_oxcert,
            github_connected=row.github_connected,
            upvotes=row.upvotes,
            downvotes=row.downvotes,
            comment_count=row.comment_count,
            badge_points=row.badge_points,
            has_demo=bool(row.demo_url),
            has_github=bool(row.github_url),
            has_screenshot=row.screenshot_count > 0,
            description_length=row.description_length or 0,
        )
    )
    return {
        "proof_score": scores.proof,
        "verification_score": scores.verification,
        "community_score": scores.community,
        "validation_score": scores.validation,
        "quality_score": scores.quality,
        "trending_score": trending_score(
            upvotes=row.upvotes,
            downvotes=row.downvotes,
            comment_count=row.comment_count,
            proof_score=scores.proof,
            is_featured=row.is_featured,
            created_at=row.created_at,
        ),
    }


async def _project_scores(session: AsyncSession, report: Report) -> dict[uuid.UUID, float]:
    """Recompute every project's scores in Python (batches of SCORE_BATCH) and compare; without
    fix, the owners' expected karma corrections (computed - stored proof of live projects)."""
    report.checks += [f"projects.{name}" for name in PROJECT_SCORES]
    # Scores are compared with what the CORRECT counters give: a drifting counter is reported as
    # that counter only (when fixing, the counters are already corrected here).
    actual: dict[uuid.UUID, dict[str, Any]] = defaultdict(dict)
    for d in report.drift:
        if d.table == "projects":
            actual[d.id][d.column] = d.actual
    drifting: dict[uuid.UUID, uuid.UUID] = {}
    karma: dict[uuid.UUID, float] = defaultdict(float)
    found: list[Drift] = []
    after: uuid.UUID | None = None
    while True:
        rows = await checks.project_score_rows(session, after=after, limit=SCORE_BATCH)
        for row in rows:
            inputs = SimpleNamespace(**{**row._asdict(), **actual.get(row.id, {})})
            for name, value in _computed(inputs).items():
                stored = float(getattr(row, name))
                if abs(stored - value) > SCORE_TOLERANCE:
                    found.append(Drift("projects", name, row.id, stored, value, row.user_id))
                    drifting[row.id] = row.user_id
                    if name == "proof_score" and not row.is_deleted:
                        karma[row.user_id] += value - stored
        if len(rows) < SCORE_BATCH:
            break
        after = rows[-1].id
    found.sort(key=lambda d: (PROJECT_SCORES.index(d.column), d.id))
    report.drift += found
    if report.fixed:
        for project_id, owner_id in sorted(drifting.items()):
            await projects.recompute(session, project_id)  # scores, trending, owner's karma
            project_changed(session, project_id, owner_id)
        _logged(found)
        return {}
    return dict(karma)


async def _post_scores(session: AsyncSession, report: Report) -> None:
    """Chain posts' hot scores (forum/scoring.py) from their reaction counters."""
    report.checks.append("chain_posts.hot_score")
    actual: dict[uuid.UUID, dict[str, int]] = defaultdict(dict)  # drifting reaction counters
    for d in report.drift:
        if d.table == "chain_posts" and d.column in ("upvote_count", "downvote_count"):
            actual[d.id][d.column] = d.actual
    fixes: dict[uuid.UUID, float] = {}
    found: list[Drift] = []
    after: uuid.UUID | None = None
    while True:
        rows = await checks.post_score_rows(session, after=after, limit=SCORE_BATCH)
        for row in rows:
            counts = {"upvote_count": row.upvote_count, "downvote_count": row.downvote_count}
            counts.update(actual.get(row.id, {}))
            value = hot_score(
                upvotes=counts["upvote_count"],
                downvotes=counts["downvote_count"],
                created_at=row.created_at,
            )
            if abs(float(row.hot_score) - value) > SCORE_TOLERANCE:
                found.append(
                    Drift("chain_posts", "hot_score", row.id, row.hot_score, value, row.chain_id)
                )
                fixes[row.id] = value
        if len(rows) < SCORE_BATCH:
            break
        after = rows[-1].id
    report.drift += found
    if found and report.fixed:
        await checks.set_hot_scores(session, fixes)
        await _bump(session, "chain_posts", found)
        _logged(found)


async def _karma(
    session: AsyncSession, report: Report, corrections: dict[uuid.UUID, float]
) -> None:
    report.checks.append("users.karma")
    drift = await checks.find_karma_drift(session, corrections)
    report.drift += drift
    if drift and report.fixed:
        await checks.fix_karma(session, [d.id for d in drift])
        await _bump(session, "users", drift)
        _logged(drift)


async def reconcile(session: AsyncSession, *, fix: bool) -> Report:
    """Run every check; with `fix`, correct the drift in this transaction (caches bumped after
    commit through the outbox)."""
    report = Report(fixed=fix)
    moved = await _counters(session, report)
    corrections = await _project_scores(session, report)
    if fix:
        # Projects whose counters moved but whose scores happened to agree still get their
        # breakdown (upvotes, comment_count… shown in score_breakdown) rewritten.
        recomputed = {
            d.id for d in report.drift if d.table == "projects" and d.column in PROJECT_SCORES
        }
        owners = await checks.owners_of(session, sorted(moved - recomputed))
        for project_id, owner_id in owners.items():
            await projects.recompute(session, project_id)
            project_changed(session, project_id, owner_id)
    await _post_scores(session, report)
    await _karma(session, report, corrections)
    return report


def summary(report: Report) -> dict[str, int]:
    """Drift count per `table.column`."""
    counts: dict[str, int] = defaultdict(int)
    for d in report.drift:
        counts[f"{d.table}.{d.column}"] += 1
    return dict(counts)
