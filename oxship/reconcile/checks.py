"""The SQL of the reconcile job: every denormalized counter against its source rows, set-based.

Each counter check is ONE statement returning the drifting rows `(id, stored, actual)`, and its fix
is ONE statement per batch of drifting rows. Counters are fixed by adding `actual - stored` (the
difference seen by the check) rather than writing `actual`: a concurrent write that moved the
counter after the check moved it by its own delta, so both changes survive.

SQL only (no outbox, cache or service), like a repository.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Float,
    Numeric,
    case,
    cast,
    exists,
    func,
    literal,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute, aliased

from oxship.kit.sql import insert_ignoring_conflicts
from oxship.models import (
    Badge,
    Chain,
    ChainFollower,
    ChainPost,
    ChainPostReaction,
    ChainProject,
    Comment,
    CommentVote,
    Conversation,
    DirectMessage,
    Event,
    EventProject,
    EventSubscriber,
    Intro,
    IntroRequest,
    InvestorProfile,
    JobRun,
    Project,
    ProjectScreenshot,
    ProjectView,
    SavedProject,
    User,
    Vote,
)

Query = Any  # a Core select (the row types vary)
FIX_BATCH = 500
KARMA_TOLERANCE = 0.005  # karma is stored rounded to 2 decimals


@dataclass(frozen=True, slots=True)
class Drift:
    """One drifting value: which row of which table, what is stored, what the source rows say."""

    table: str
    column: str
    id: uuid.UUID
    stored: Any
    actual: Any
    owner_id: uuid.UUID | None = None  # the row's parent (project owner, chain, post's chain…)

    def as_json(self) -> dict[str, Any]:
        """JSON-ready (UUIDs and datetimes as strings)."""
        return {
            "table": self.table,
            "column": self.column,
            "id": str(self.id),
            "stored": _plain(self.stored),
            "actual": _plain(self.actual),
        }


def _plain(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return value


@dataclass(frozen=True, slots=True)
class CounterCheck:
    """`model.column` must equal `actual` (a `(key, n)` select grouped by the target's id)."""

    model: Any
    column: str
    actual: Query
    owner: InstrumentedAttribute[Any] | None = None
    scope: Sequence[Any] = field(default_factory=tuple)

    @property
    def name(self) -> str:
        """`table.column`."""
        return f"{self.model.__tablename__}.{self.column}"


def _count(key: Any, *where: Any) -> Query:
    return select(key.label("key"), func.count().label("n")).where(*where).group_by(key)


def _sum(key: Any, value: Any, *where: Any) -> Query:
    return select(key.label("key"), func.sum(value).label("n")).where(*where).group_by(key)


def _live_project_ids() -> Query:
    return select(Project.id).where(Project.is_deleted.is_(False))


def _total_replies() -> Query:
    """Per post, the live posts under it at any depth (replies of deleted posts included)."""
    edges = (
        select(ChainPost.parent_id.label("anc"), ChainPost.id.label("node"))
        .where(ChainPost.parent_id.is_not(None))
        .cte("post_tree", recursive=True)
    )
    child = aliased(ChainPost)
    edges = edges.union_all(
        select(edges.c.anc, child.id).join(child, child.parent_id == edges.c.node)
    )
    node = aliased(ChainPost)
    return (
        select(edges.c.anc.label("key"), func.count().label("n"))
        .join(node, node.id == edges.c.node)
        .where(node.is_deleted.is_(False))
        .group_by(edges.c.anc)
    )


def _accepted_intros() -> Query:
    """Per investor profile, accepted intro requests (investor → builder) and intros (→ investor)."""
    accepted = union_all(
        select(IntroRequest.investor_id.label("uid")).where(IntroRequest.status == "accepted"),
        select(Intro.recipient_id.label("uid")).where(Intro.status == "accepted"),
    ).subquery("accepted")
    return (
        select(InvestorProfile.id.label("key"), func.count().label("n"))
        .join(accepted, accepted.c.uid == InvestorProfile.user_id)
        .group_by(InvestorProfile.id)
    )


def counter_checks() -> list[CounterCheck]:
    """Every integer counter the source rows determine (see docs/api.md, Reconcile)."""
    live_comment = Comment.is_deleted.is_(False)
    live_post = ChainPost.is_deleted.is_(False)
    return [
        CounterCheck(
            Project, "upvotes", _count(Vote.project_id, Vote.vote_type == "up"), Project.user_id
        ),
        CounterCheck(
            Project, "downvotes", _count(Vote.project_id, Vote.vote_type == "down"), Project.user_id
        ),
        CounterCheck(
            Project, "comment_count", _count(Comment.project_id, live_comment), Project.user_id
        ),
        CounterCheck(Project, "save_count", _count(SavedProject.project_id), Project.user_id),
        CounterCheck(Project, "badge_count", _count(Badge.project_id), Project.user_id),
        CounterCheck(
            Project, "badge_points", _sum(Badge.project_id, Badge.points), Project.user_id
        ),
        CounterCheck(
            Project, "screenshot_count", _count(ProjectScreenshot.project_id), Project.user_id
        ),
        CounterCheck(Project, "view_count", _count(ProjectView.project_id), Project.user_id),
        CounterCheck(User, "project_count", _count(Project.user_id, Project.is_deleted.is_(False))),
        CounterCheck(
            User,
            "badge_count",
            select(Project.user_id.label("key"), func.count().label("n"))
            .join(Badge, Badge.project_id == Project.id)
            .group_by(Project.user_id),
        ),
        CounterCheck(
            Comment, "reply_count", _count(Comment.parent_id, live_comment), Comment.project_id
        ),
        CounterCheck(
            Comment,
            "upvotes",
            _count(CommentVote.comment_id, CommentVote.vote_type == "up"),
            Comment.project_id,
        ),
        CounterCheck(
            Comment,
            "downvotes",
            _count(CommentVote.comment_id, CommentVote.vote_type == "down"),
            Comment.project_id,
        ),
        CounterCheck(
            Chain,
            "project_count",
            _count(ChainProject.chain_id, ChainProject.project_id.in_(_live_project_ids())),
        ),
        CounterCheck(Chain, "follower_count", _count(ChainFollower.chain_id)),
        CounterCheck(Chain, "post_count", _count(ChainPost.chain_id, live_post)),
        CounterCheck(
            ChainPost,
            "upvote_count",
            _count(ChainPostReaction.post_id, ChainPostReaction.vote_type == "upvote"),
            ChainPost.chain_id,
        ),
        CounterCheck(
            ChainPost,
            "downvote_count",
            _count(ChainPostReaction.post_id, ChainPostReaction.vote_type == "downvote"),
            ChainPost.chain_id,
        ),
        CounterCheck(
            ChainPost,
            "comment_count",
            _count(ChainPost.parent_id, live_post, ChainPost.parent_id.is_not(None)),
            ChainPost.chain_id,
        ),
        CounterCheck(ChainPost, "total_replies", _total_replies(), ChainPost.chain_id),
        CounterCheck(
            Event,
            "project_count",
            _count(EventProject.event_id, EventProject.project_id.in_(_live_project_ids())),
        ),
        CounterCheck(Event, "subscriber_count", _count(EventSubscriber.event_id)),
        CounterCheck(InvestorProfile, "accepted_intro_count", _accepted_intros()),
    ]


def drift_statement(check: CounterCheck) -> Query:
    """The rows of `check.model` whose counter differs from the source rows: (id, stored, actual,
    owner)."""
    actual = check.actual.subquery()
    stored = getattr(check.model, check.column)
    value = func.coalesce(actual.c.n, 0)
    owner = check.owner if check.owner is not None else literal(None)
    return (
        select(check.model.id, stored.label("stored"), value.label("actual"), owner.label("owner"))
        .outerjoin(actual, actual.c.key == check.model.id)
        .where(stored != value, *check.scope)
        .order_by(check.model.id)
    )


async def find_drift(session: AsyncSession, check: CounterCheck) -> list[Drift]:
    """Run one counter check (one statement)."""
    rows = await session.execute(drift_statement(check))
    return [
        Drift(
            table=check.model.__tablename__,
            column=check.column,
            id=row.id,
            stored=int(row.stored),
            actual=int(row.actual),
            owner_id=row.owner,
        )
        for row in rows
    ]


async def fix_counter(session: AsyncSession, check: CounterCheck, drift: Sequence[Drift]) -> None:
    """Move each drifting counter by `actual - stored`, one statement per FIX_BATCH rows."""
    stored = getattr(check.model, check.column)
    for start in range(0, len(drift), FIX_BATCH):
        batch = drift[start : start + FIX_BATCH]
        deltas = {d.id: d.actual - d.stored for d in batch}
        await session.execute(
            update(check.model)
            .where(check.model.id.in_(list(deltas)))
            .values({check.column: stored + case(deltas, value=check.model.id, else_=0)})
            .execution_options(synchronize_session=False)
        )


# ---- users.karma (API §2.3): sum of live projects' proof scores + 2 per badge given + live
# comments' upvotes, rounded to 2 decimals ------------------------------------------------------


def karma_statement(include: Sequence[uuid.UUID] = ()) -> Query:
    """Users whose stored karma differs from the source rows, plus the users in `include` (whose
    expected karma the caller corrects): (id, stored, actual). Comment upvotes are counted from
    `comment_votes`, so a drifting `comments.upvotes` does not show as karma drift too."""
    proofs = _sum(Project.user_id, Project.proof_score, Project.is_deleted.is_(False)).subquery(
        "proofs"
    )
    given = _count(Badge.validator_id).subquery("given")
    liked = (
        select(Comment.user_id.label("key"), func.count().label("n"))
        .join(CommentVote, CommentVote.comment_id == Comment.id)
        .where(Comment.is_deleted.is_(False), CommentVote.vote_type == "up")
        .group_by(Comment.user_id)
        .subquery("liked")
    )
    actual = cast(
        func.round(
            cast(
                func.coalesce(proofs.c.n, 0.0)
                + 2 * func.coalesce(given.c.n, 0)
                + func.coalesce(liked.c.n, 0),
                Numeric,
            ),
            2,
        ),
        Float,
    )
    wanted = func.abs(User.karma - actual) > KARMA_TOLERANCE
    if include:
        wanted = or_(wanted, User.id.in_(list(include)))
    return (
        select(User.id, User.karma.label("stored"), actual.label("actual"))
        .outerjoin(proofs, proofs.c.key == User.id)
        .outerjoin(given, given.c.key == User.id)
        .outerjoin(liked, liked.c.key == User.id)
        .where(wanted)
        .order_by(User.id)
    )


async def find_karma_drift(
    session: AsyncSession, corrections: dict[uuid.UUID, float] | None = None
) -> list[Drift]:
    """The karma check (one statement); `corrections` adds to the expected karma of some users
    (the proof scores that the score check found wrong)."""
    corrections = corrections or {}
    found = []
    for row in await session.execute(karma_statement(sorted(corrections))):
        actual = round(float(row.actual) + corrections.get(row.id, 0.0), 2)
        stored = round(float(row.stored), 2)
        if abs(stored - actual) > KARMA_TOLERANCE:
            found.append(Drift("users", "karma", row.id, stored, actual))
    return found


# ---- conversations.last_message_id / last_message_at: the newest message -----------------------


def conversation_statement() -> Query:
    """Conversations whose last message is not their newest message: (id, stored id, stored at,
    newest id, newest at)."""
    newest = (
        select(
            DirectMessage.conversation_id.label("key"),
            func.max(DirectMessage.created_at).label("at"),
        )
        .group_by(DirectMessage.conversation_id)
        .subquery("newest")
    )
    top = aliased(DirectMessage)
    newest_id = (
        select(top.id)
        .where(top.conversation_id == Conversation.id)
        .order_by(top.created_at.desc(), top.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    stored_is_newest = exists().where(
        DirectMessage.id == Conversation.last_message_id,
        DirectMessage.conversation_id == Conversation.id,
        DirectMessage.created_at == newest.c.at,
    )
    return (
        select(
            Conversation.id,
            Conversation.last_message_id,
            Conversation.last_message_at,
            newest_id.label("newest_id"),
            newest.c.at.label("newest_at"),
        )
        .join(newest, newest.c.key == Conversation.id)
        .where(or_(Conversation.last_message_at != newest.c.at, ~stored_is_newest))
        .order_by(Conversation.id)
    )


async def find_conversation_drift(session: AsyncSession) -> list[Drift]:
    """The conversations check (one statement): one drift per conversation, on last_message_id."""
    return [
        Drift("conversations", "last_message_id", row.id, row.last_message_id, row.newest_id)
        for row in await session.execute(conversation_statement())
    ]


async def fix_conversations(session: AsyncSession, ids: Sequence[uuid.UUID]) -> None:
    """Point each conversation at its newest message, one statement per FIX_BATCH."""
    top = aliased(DirectMessage)
    newest = (
        select(top.id, top.created_at)
        .where(top.conversation_id == Conversation.id)
        .order_by(top.created_at.desc(), top.id.desc())
        .limit(1)
    )
    for start in range(0, len(ids), FIX_BATCH):
        await session.execute(
            update(Conversation)
            .where(Conversation.id.in_(list(ids[start : start + FIX_BATCH])))
            .values(
                last_message_id=newest.with_only_columns(top.id).scalar_subquery(),
                last_message_at=newest.with_only_columns(top.created_at).scalar_subquery(),
            )
            .execution_options(synchronize_session=False)
        )


# ---- scores: the rows the Python formulas need, in keyset batches -----------------------------


async def project_score_rows(
    session: AsyncSession, *, after: uuid.UUID | None, limit: int
) -> Sequence[Any]:
    """One batch of projects (by id) with their stored scores and every score input."""
    stmt = (
        select(
            Project.id,
            Project.user_id,
            Project.upvotes,
            Project.downvotes,
            Project.comment_count,
            Project.badge_points,
            Project.demo_url,
            Project.github_url,
            Project.screenshot_count,
            func.length(Project.description).label("description_length"),
            Project.is_featured,
            Project.is_deleted,
            Project.created_at,
            Project.proof_score,
            Project.verification_score,
            Project.community_score,
            Project.validation_score,
            Project.quality_score,
            Project.trending_score,
            User.email_verified,
            User.has_oxcert,
            User.github_connected,
        )
        .join(User, User.id == Project.user_id)
        .order_by(Project.id)
        .limit(limit)
    )
    if after is not None:
        stmt = stmt.where(Project.id > after)
    return (await session.execute(stmt)).all()


async def post_score_rows(
    session: AsyncSession, *, after: uuid.UUID | None, limit: int
) -> Sequence[Any]:
    """One batch of chain posts (by id) with their hot score and its inputs."""
    stmt = (
        select(
            ChainPost.id,
            ChainPost.chain_id,
            ChainPost.upvote_count,
            ChainPost.downvote_count,
            ChainPost.created_at,
            ChainPost.hot_score,
        )
        .order_by(ChainPost.id)
        .limit(limit)
    )
    if after is not None:
        stmt = stmt.where(ChainPost.id > after)
    return (await session.execute(stmt)).all()


async def set_hot_scores(session: AsyncSession, scores: dict[uuid.UUID, float]) -> None:
    """Store recomputed hot scores, one statement per FIX_BATCH."""
    items = list(scores.items())
    for start in range(0, len(items), FIX_BATCH):
        batch = dict(items[start : start + FIX_BATCH])
        await session.execute(
            update(ChainPost)
            .where(ChainPost.id.in_(list(batch)))
            .values(hot_score=case(batch, value=ChainPost.id, else_=ChainPost.hot_score))
            .execution_options(synchronize_session=False)
        )


async def owners_of(session: AsyncSession, project_ids: Sequence[uuid.UUID]) -> dict[Any, Any]:
    """Project id → owner id."""
    if not project_ids:
        return {}
    rows = await session.execute(
        select(Project.id, Project.user_id).where(Project.id.in_(list(project_ids)))
    )
    return {row.id: row.user_id for row in rows}


async def usernames_of(session: AsyncSession, user_ids: Sequence[uuid.UUID]) -> list[str]:
    """The usernames of these users."""
    if not user_ids:
        return []
    return list(await session.scalars(select(User.username).where(User.id.in_(list(user_ids)))))


async def fix_karma(session: AsyncSession, ids: Sequence[uuid.UUID]) -> None:
    """Recompute karma of these users from the source rows, one statement per FIX_BATCH."""
    proofs = (
        select(func.coalesce(func.sum(Project.proof_score), 0.0))
        .where(Project.user_id == User.id, Project.is_deleted.is_(False))
        .scalar_subquery()
    )
    given = select(func.count()).where(Badge.validator_id == User.id).scalar_subquery()
    liked = (
        select(func.coalesce(func.sum(Comment.upvotes), 0))
        .where(Comment.user_id == User.id, Comment.is_deleted.is_(False))
        .scalar_subquery()
    )
    for start in range(0, len(ids), FIX_BATCH):
        await session.execute(
            update(User)
            .where(User.id.in_(list(ids[start : start + FIX_BATCH])))
            .values(karma=func.round(cast(proofs + 2 * given + liked, Numeric), 2))
            .execution_options(synchronize_session=False)
        )


# ---- the job's claim of its period (as in intros/jobs.py) ---------------------------------------


async def claim_job_run(
    session: AsyncSession, *, job: str, period: str, holder: str, now: datetime
) -> bool:
    """Insert the (job, period) row; True for the one process whose insert made it."""
    values = {"job": job, "period": period, "holder": holder, "started_at": now, "result": {}}
    result = await session.execute(insert_ignoring_conflicts(session, JobRun, values))
    return bool(getattr(result, "rowcount", 0))


async def finish_job_run(
    session: AsyncSession, *, job: str, period: str, now: datetime, result: dict[str, Any]
) -> None:
    """Record the end and the result of a claimed run."""
    await session.execute(
        update(JobRun)
        .where(JobRun.job == job, JobRun.period == period)
        .values(finished_at=now, result=result)
        .execution_options(synchronize_session=False)
    )
