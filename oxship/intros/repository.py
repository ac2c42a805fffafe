"""SQL for introductions (both directions), their expiry, and the job-run claims."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, literal, select, union_all, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from oxship.kit.sql import insert_ignoring_conflicts
from oxship.models import Intro, IntroRequest, InvestorProfile, JobRun, Project, User

Investor = aliased(User, name="investor")
Builder = aliased(User, name="builder")
Requester = aliased(User, name="requester")
Recipient = aliased(User, name="recipient")


def _live(user: Any) -> tuple[Any, ...]:
    return (user.is_active.is_(True), user.banned_at.is_(None), user.deleted_at.is_(None))


def _card(user: Any, prefix: str) -> list[Any]:
    return [
        user.id.label(f"{prefix}_id"),
        user.username.label(f"{prefix}_username"),
        user.display_name.label(f"{prefix}_display_name"),
        user.avatar_url.label(f"{prefix}_avatar_url"),
    ]


_PROJECT = [
    Project.id.label("p_id"),
    Project.title.label("p_title"),
    Project.tagline.label("p_tagline"),
    Project.is_deleted.label("p_deleted"),
]


# ---- people ---------------------------------------------------------------------------------


async def lock_user(session: AsyncSession, user_id: uuid.UUID) -> None:
    """Lock a user row (PostgreSQL; SQLite serializes writers): serializes one investor's sends."""
    # FOR NO KEY UPDATE: rows referencing the user (their FK's KEY SHARE lock) are not blocked.
    await session.execute(select(User.id).where(User.id == user_id).with_for_update(key_share=True))


async def plan_of(session: AsyncSession, user_id: uuid.UUID) -> str | None:
    """The plan of the user's approved investor profile, or None without one."""
    stmt = select(InvestorProfile.plan_type).where(
        InvestorProfile.user_id == user_id, InvestorProfile.status == "approved"
    )
    return (await session.execute(stmt.limit(1))).scalar_one_or_none()


async def investor_target(session: AsyncSession, user_id: uuid.UUID) -> tuple[User, bool] | None:
    """(user, open_to_requests) of a live investor with an approved profile, or None."""
    stmt = (
        select(User, InvestorProfile.open_to_requests)
        .join(InvestorProfile, InvestorProfile.user_id == User.id)
        .where(
            User.id == user_id,
            User.is_investor.is_(True),
            InvestorProfile.status == "approved",
            *_live(User),
        )
        .limit(1)
    )
    row = (await session.execute(stmt)).first()
    return None if row is None else (row[0], bool(row[1]))


async def add_accepted_intro(session: AsyncSession, investor_id: uuid.UUID) -> None:
    """`accepted_intro_count + 1` on the investor's approved profile (the directory's most_active)."""
    await session.execute(
        update(InvestorProfile)
        .where(InvestorProfile.user_id == investor_id, InvestorProfile.status == "approved")
        .values(accepted_intro_count=InvestorProfile.accepted_intro_count + 1)
        .execution_options(synchronize_session=False)
    )


# ---- intro requests (investor → builder) -----------------------------------------------------


async def sent_since(session: AsyncSession, investor_id: uuid.UUID, since: datetime) -> int:
    """Intro requests the investor sent since `since`, whatever became of them."""
    stmt = select(func.count()).where(
        IntroRequest.investor_id == investor_id, IntroRequest.created_at >= since
    )
    return int((await session.execute(stmt)).scalar_one())


async def insert_request(session: AsyncSession, **values: Any) -> uuid.UUID | None:
    """Insert a request unless the partial unique index finds an open one; its id, or None."""
    stmt = insert_ignoring_conflicts(session, IntroRequest, values).returning(IntroRequest.id)
    return (await session.execute(stmt)).scalar_one_or_none()


def _request_select() -> Select[Any]:
    return (
        select(IntroRequest, *_PROJECT, *_card(Investor, "investor"), *_card(Builder, "builder"))
        .join(Project, Project.id == IntroRequest.project_id)
        .join(Investor, Investor.id == IntroRequest.investor_id)
        .join(Builder, Builder.id == IntroRequest.builder_id)
    )


async def request_row(session: AsyncSession, request_id: uuid.UUID) -> Any:
    """The request with its project and both cards, or None."""
    stmt = _request_select().where(IntroRequest.id == request_id)
    return (await session.execute(stmt)).first()


async def _page(
    session: AsyncSession,
    rows_stmt: Any,
    count_stmt: Any,
    where: list[Any],
    order: tuple[Any, ...],
    offset: int,
    limit: int,
) -> tuple[Sequence[Any], int]:
    """One page and the total in one statement (a window count); a page past the end counts apart."""
    stmt = (
        rows_stmt.add_columns(func.count().over().label("total"))
        .where(*where)
        .order_by(*order)
        .offset(offset)
        .limit(limit)
    )
    rows = (await session.execute(stmt)).all()
    if rows or not offset:
        return rows, int(rows[0].total) if rows else 0
    return rows, int((await session.execute(count_stmt.where(*where))).scalar_one())


async def requests_page(
    session: AsyncSession,
    *,
    builder_id: uuid.UUID | None = None,
    investor_id: uuid.UUID | None = None,
    status: str | None,
    offset: int,
    limit: int,
) -> tuple[Sequence[Any], int]:
    """Requests received by a builder or sent by an investor, newest first; the total."""
    where: list[Any] = [Project.is_deleted.is_(False), *_live(Investor), *_live(Builder)]
    if builder_id is not None:
        where.append(IntroRequest.builder_id == builder_id)
    if investor_id is not None:
        where.append(IntroRequest.investor_id == investor_id)
    if status is not None:
        where.append(IntroRequest.status == status)
    count = (
        select(func.count())
        .select_from(IntroRequest)
        .join(Project, Project.id == IntroRequest.project_id)
        .join(Investor, Investor.id == IntroRequest.investor_id)
        .join(Builder, Builder.id == IntroRequest.builder_id)
    )
    order = (IntroRequest.created_at.desc(), IntroRequest.id.desc())
    return await _page(session, _request_select(), count, where, order, offset, limit)


async def decide_request(
    session: AsyncSession,
    request_id: uuid.UUID,
    *,
    not_before: datetime,
    now: datetime,
    **values: Any,
) -> bool:
    """Move a pending, not yet stale request to its answer; False when it was not pending.

    The conditional UPDATE is the once-only guard: concurrent answers wait for the row lock and
    then find it no longer pending.
    """
    result = await session.execute(
        update(IntroRequest)
        .where(
            IntroRequest.id == request_id,
            IntroRequest.status == "pending",
            IntroRequest.created_at >= not_before,
        )
        .values(responded_at=now, updated_at=now, **values)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


async def set_conversation(
    session: AsyncSession, request_id: uuid.UUID, conversation_id: uuid.UUID
) -> None:
    """Store the conversation an accepted request opened."""
    await session.execute(
        update(IntroRequest)
        .where(IntroRequest.id == request_id)
        .values(conversation_id=conversation_id)
        .execution_options(synchronize_session=False)
    )


async def pending_received(session: AsyncSession, user_id: uuid.UUID) -> tuple[int, int]:
    """(pending intro requests to the user as builder, pending intros to the user as investor).

    Counts what the received lists show: live counterparts, projects not deleted.
    """
    requests = (
        select(func.count())
        .select_from(IntroRequest)
        .join(Project, Project.id == IntroRequest.project_id)
        .join(Investor, Investor.id == IntroRequest.investor_id)
        .where(
            IntroRequest.builder_id == user_id,
            IntroRequest.status == "pending",
            Project.is_deleted.is_(False),
            *_live(Investor),
        )
        .scalar_subquery()
    )
    intros = (
        select(func.count())
        .select_from(Intro)
        .join(Project, Project.id == Intro.project_id)
        .join(Requester, Requester.id == Intro.requester_id)
        .where(
            Intro.recipient_id == user_id,
            Intro.status == "pending",
            Project.is_deleted.is_(False),
            *_live(Requester),
        )
        .scalar_subquery()
    )
    row = (await session.execute(select(requests, intros))).one()
    return int(row[0]), int(row[1])


# ---- intros (builder → investor) --------------------------------------------------------------


async def insert_intro(session: AsyncSession, **values: Any) -> uuid.UUID | None:
    """Insert an intro unless the partial unique index finds a pending one; its id, or None."""
    stmt = insert_ignoring_conflicts(session, Intro, values).returning(Intro.id)
    return (await session.execute(stmt)).scalar_one_or_none()


def _intro_select() -> Select[Any]:
    return (
        select(Intro, *_PROJECT, *_card(Requester, "requester"), *_card(Recipient, "recipient"))
        .join(Project, Project.id == Intro.project_id)
        .join(Requester, Requester.id == Intro.requester_id)
        .join(Recipient, Recipient.id == Intro.recipient_id)
    )


async def intro_row(session: AsyncSession, intro_id: uuid.UUID) -> Any:
    """The intro with its project and both cards, or None."""
    return (await session.execute(_intro_select().where(Intro.id == intro_id))).first()


async def intros_page(
    session: AsyncSession,
    *,
    requester_id: uuid.UUID | None = None,
    recipient_id: uuid.UUID | None = None,
    status: str | None,
    offset: int,
    limit: int,
) -> tuple[Sequence[Any], int]:
    """Intros sent by a builder or received by an investor, newest first; the total."""
    where: list[Any] = [Project.is_deleted.is_(False), *_live(Requester), *_live(Recipient)]
    if requester_id is not None:
        where.append(Intro.requester_id == requester_id)
    if recipient_id is not None:
        where.append(Intro.recipient_id == recipient_id)
    if status is not None:
        where.append(Intro.status == status)
    count = (
        select(func.count())
        .select_from(Intro)
        .join(Project, Project.id == Intro.project_id)
        .join(Requester, Requester.id == Intro.requester_id)
        .join(Recipient, Recipient.id == Intro.recipient_id)
    )
    order = (Intro.created_at.desc(), Intro.id.desc())
    return await _page(session, _intro_select(), count, where, order, offset, limit)


async def decide_intro(
    session: AsyncSession,
    intro_id: uuid.UUID,
    *,
    not_before: datetime,
    now: datetime,
    **values: Any,
) -> bool:
    """Move a pending, not yet stale intro to its answer; False when it was not pending."""
    result = await session.execute(
        update(Intro)
        .where(Intro.id == intro_id, Intro.status == "pending", Intro.created_at >= not_before)
        .values(responded_at=now, updated_at=now, **values)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


# ---- public connections -----------------------------------------------------------------------


async def recent_connections(session: AsyncSession, *, limit: int) -> Sequence[Any]:
    """Accepted intros and intro requests, newest answer first, between live users on live projects."""
    both = union_all(
        select(
            Intro.id.label("id"),
            literal("intro").label("kind"),
            Intro.responded_at.label("at"),
            Intro.project_id.label("project_id"),
            Intro.requester_id.label("builder_id"),
            Intro.recipient_id.label("investor_id"),
        ).where(Intro.status == "accepted"),
        select(
            IntroRequest.id,
            literal("intro_request"),
            IntroRequest.responded_at,
            IntroRequest.project_id,
            IntroRequest.builder_id,
            IntroRequest.investor_id,
        ).where(IntroRequest.status == "accepted"),
    ).subquery("connections")
    stmt = (
        select(
            both.c.id,
            both.c.kind,
            both.c.at,
            *_PROJECT,
            *_card(Builder, "builder"),
            *_card(Investor, "investor"),
        )
        .select_from(both)
        .join(Project, Project.id == both.c.project_id)
        .join(Builder, Builder.id == both.c.builder_id)
        .join(Investor, Investor.id == both.c.investor_id)
        .where(Project.is_deleted.is_(False), *_live(Builder), *_live(Investor))
        .order_by(both.c.at.desc(), both.c.id.desc())
        .limit(limit)
    )
    return (await session.execute(stmt)).all()


# ---- expiry and job runs ----------------------------------------------------------------------


async def expire_pending(
    session: AsyncSession, *, created_before: datetime, now: datetime
) -> tuple[int, int]:
    """Expire every request and intro still pending that was created before the cutoff."""
    counts = []
    for model in (IntroRequest, Intro):
        result = await session.execute(
            update(model)
            .where(model.status == "pending", model.created_at < created_before)
            .values(status="expired", updated_at=now)
            .execution_options(synchronize_session=False)
        )
        counts.append(int(getattr(result, "rowcount", 0)))
    return counts[0], counts[1]


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
