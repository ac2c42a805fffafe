"""Introduction rules, both directions (API §3.15).

Investor → builder (`IntroRequest`): one open (pending or accepted) request per (investor, project),
enforced by a partial unique index; free-plan investors send at most 5 per calendar month (UTC);
the builder accepts once (a conditional UPDATE), which opens the direct conversation with a first
message from the builder. Builder → investor (`Intro`): one pending per (requester, recipient,
project; `builder_intros.py`). Pending ones expire after 30 days. Events go to the one user
concerned, never broadcast.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from oxship.errors import Conflict, Forbidden, NotFound, RateLimited, ValidationFailed
from oxship.intros import repository
from oxship.intros.cache import connections_changed
from oxship.intros.views import connection_json, display_name, request_json
from oxship.investors.cache import investors_changed
from oxship.kit.clock import iso, utcnow
from oxship.kit.outbox import outbox_of
from oxship.kit.pagination import PageParams, page_body
from oxship.messages import service as messages
from oxship.models import Project, User
from oxship.notifications.service import notify
from oxship.projects.service import get_live
from oxship.realtime.publisher import user_room
from oxship.users.schemas import user_card

EXPIRY = timedelta(days=30)
FREE_MONTHLY_REQUESTS = 5
UNLIMITED_PLANS = frozenset({"professional", "enterprise"})


def emit_to(session: AsyncSession, name: str, user_id: uuid.UUID, payload: dict[str, Any]) -> None:
    """After commit, send an event to one user's sockets (never broadcast)."""
    outbox_of(session).emit(name, payload, room=user_room(user_id))


def month_start(now: datetime) -> datetime:
    """The first instant of `now`'s calendar month (UTC)."""
    return now.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _next_month(now: datetime) -> datetime:
    start = month_start(now)
    return (
        start.replace(year=start.year + 1, month=1)
        if start.month == 12
        else start.replace(month=start.month + 1)
    )


async def _check_quota(session: AsyncSession, investor: User, now: datetime) -> None:
    """Free plan (or no approved profile): 5 requests per calendar month, else 429."""
    plan = await repository.plan_of(session, investor.id)
    if plan in UNLIMITED_PLANS:
        return
    # The investor's row lock serializes their concurrent sends, so the count cannot be raced.
    await repository.lock_user(session, investor.id)
    if await repository.sent_since(session, investor.id, month_start(now)) >= FREE_MONTHLY_REQUESTS:
        retry = int((_next_month(now) - now).total_seconds())
        raise RateLimited(
            f"The free plan allows {FREE_MONTHLY_REQUESTS} intro requests per calendar month; "
            "upgrade to professional for unlimited requests, or wait until next month",
            retry_after=retry,
        )


# ---- investor → builder ----------------------------------------------------------------------


async def announce_received(
    session: AsyncSession,
    *,
    recipient_id: uuid.UUID,
    sender: User,
    kind: str,
    item_id: uuid.UUID,
    project: Project,
    title: str,
    message: str,
) -> None:
    """Notify the recipient of a new intro request or intro, and push `intro:received` to them only."""
    id_key = "request_id" if kind == "intro_request" else "intro_id"
    await notify(
        session,
        user_id=recipient_id,
        actor_id=sender.id,
        type="intro_request",
        title=title,
        message=message,
        project_id=project.id,
        data={"kind": kind, id_key: str(item_id)},
    )
    emit_to(
        session,
        "intro:received",
        recipient_id,
        {
            "kind": kind,
            "id": str(item_id),
            "project_id": str(project.id),
            "from": user_card(sender),
        },
    )


async def send_request(
    session: AsyncSession, *, investor: User, project_id: uuid.UUID, message: str
) -> dict[str, Any]:
    """An investor asks a live project's builder for an introduction → the request JSON."""
    project = await get_live(session, project_id)
    if project.user_id == investor.id:
        raise ValidationFailed.field(
            "project_id", "you cannot request an intro to your own project"
        )
    now = utcnow()
    await _check_quota(session, investor, now)
    request_id = await repository.insert_request(
        session,
        investor_id=investor.id,
        builder_id=project.user_id,
        project_id=project.id,
        message=message,
        status="pending",
        created_at=now,
        updated_at=now,
    )
    if request_id is None:
        raise Conflict("You already have an open intro request for this project")
    await announce_received(
        session,
        recipient_id=project.user_id,
        sender=investor,
        kind="intro_request",
        item_id=request_id,
        project=project,
        title="New intro request",
        message=f"{display_name(investor)} would like an introduction about {project.title}",
    )
    row = await repository.request_row(session, request_id)
    return request_json(row)


async def requests_received(
    session: AsyncSession, *, user: User, status: str | None, params: PageParams
) -> dict[str, Any]:
    """Intro requests about the caller's projects, newest first (1 statement per page)."""
    rows, total = await repository.requests_page(
        session, builder_id=user.id, status=status, offset=params.offset, limit=params.limit
    )
    return page_body([request_json(r) for r in rows], params, total)


async def requests_sent(
    session: AsyncSession, *, user: User, status: str | None, params: PageParams
) -> dict[str, Any]:
    """Intro requests the investor sent, newest first (1 statement per page)."""
    rows, total = await repository.requests_page(
        session, investor_id=user.id, status=status, offset=params.offset, limit=params.limit
    )
    return page_body([request_json(r) for r in rows], params, total)


async def _request_for_builder(session: AsyncSession, user: User, request_id: uuid.UUID) -> Any:
    row = await repository.request_row(session, request_id)
    if row is None or user.id not in (row[0].builder_id, row[0].investor_id):
        raise NotFound("Intro request not found")
    if row[0].builder_id != user.id:
        raise Forbidden("Only the project's builder can answer this request")
    if row.p_deleted:
        raise NotFound("Project not found")
    return row


def not_pending(status: str) -> Conflict:
    """The 409 for answering something no longer pending."""
    if status == "pending":  # pending in the row, but older than the expiry window
        return Conflict("This request has expired")
    return Conflict(f"This request is already {status}")


async def accept_request(
    session: AsyncSession, *, user: User, request_id: uuid.UUID, note: str | None
) -> dict[str, Any]:
    """The builder accepts (once): conversation opened with a first message, investor notified."""
    row = await _request_for_builder(session, user, request_id)
    req = row[0]
    now = utcnow()
    if not await repository.decide_request(
        session, req.id, not_before=now - EXPIRY, now=now, status="accepted"
    ):
        raise not_pending(req.status)
    first = await messages.send(
        session,
        sender=user,
        recipient_id=req.investor_id,
        body=note or f"Hi! Thanks for your interest in {row.p_title}. Happy to connect.",
    )
    conversation_id = uuid.UUID(first["conversation_id"])
    await repository.set_conversation(session, req.id, conversation_id)
    await repository.add_accepted_intro(session, req.investor_id)
    data = {"kind": "intro_request", "request_id": str(req.id)}
    await notify(
        session,
        user_id=req.investor_id,
        actor_id=user.id,
        type="intro_accepted",
        title="Intro request accepted",
        message=f"{display_name(user)} accepted your intro request about {row.p_title}",
        project_id=req.project_id,
        data={**data, "conversation_id": str(conversation_id)},
    )
    emit_to(
        session,
        "intro:accepted",
        req.investor_id,
        {
            "kind": "intro_request",
            "id": str(req.id),
            "project_id": str(req.project_id),
            "by": user_card(user),
            "conversation_id": str(conversation_id),
        },
    )
    connections_changed(session)
    investors_changed(session)  # the directory shows accepted_intro_count (most_active)
    return request_json(
        row,
        status="accepted",
        responded_at=iso(now),
        updated_at=iso(now),
        conversation_id=str(conversation_id),
    )


async def decline_request(
    session: AsyncSession, *, user: User, request_id: uuid.UUID, reason: str | None
) -> dict[str, Any]:
    """The builder declines a pending request; the investor is told (with the reason)."""
    row = await _request_for_builder(session, user, request_id)
    req = row[0]
    now = utcnow()
    if not await repository.decide_request(
        session, req.id, not_before=now - EXPIRY, now=now, status="declined", decline_reason=reason
    ):
        raise not_pending(req.status)
    await notify(
        session,
        user_id=req.investor_id,
        actor_id=user.id,
        type="intro_declined",
        title="Intro request declined",
        message=f"{display_name(user)} declined your intro request about {row.p_title}",
        project_id=req.project_id,
        data={"kind": "intro_request", "request_id": str(req.id), "reason": reason},
    )
    emit_to(
        session,
        "intro:declined",
        req.investor_id,
        {"kind": "intro_request", "id": str(req.id), "project_id": str(req.project_id)},
    )
    return request_json(
        row, status="declined", decline_reason=reason, responded_at=iso(now), updated_at=iso(now)
    )


async def pending_count(session: AsyncSession, *, user: User) -> dict[str, Any]:
    """Pending introductions the caller received: requests as a builder, intros as an investor."""
    requests, intros = await repository.pending_received(session, user.id)
    return {"pending_count": requests + intros, "intro_requests": requests, "intros": intros}


async def recent_connections(session: AsyncSession, *, limit: int) -> list[dict[str, Any]]:
    """Recent accepted introductions of both kinds: project and the two public cards only."""
    rows = await repository.recent_connections(session, limit=limit)
    return [connection_json(row) for row in rows]


# ---- expiry ----------------------------------------------------------------------------------


async def expire_stale(session: AsyncSession, now: datetime) -> dict[str, int]:
    """Expire every request and intro still pending 30 days after creation (two set-based UPDATEs)."""
    requests, intros = await repository.expire_pending(
        session, created_before=now - EXPIRY, now=now
    )
    return {"intro_requests": requests, "intros": intros}
