"""Builder → investor introductions (`Intro`): one pending per (requester, recipient, project)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from oxship.errors import Conflict, Forbidden, NotFound, ValidationFailed
from oxship.intros import repository
from oxship.intros.cache import connections_changed
from oxship.intros.service import EXPIRY, announce_received, emit_to, not_pending
from oxship.intros.views import display_name, intro_json
from oxship.investors.cache import investors_changed
from oxship.kit.clock import iso, utcnow
from oxship.kit.pagination import PageParams, page_body
from oxship.models import User
from oxship.notifications.service import notify
from oxship.projects.service import get_live
from oxship.users.schemas import user_card


async def request_intro(
    session: AsyncSession,
    *,
    user: User,
    project_id: uuid.UUID,
    recipient_id: uuid.UUID,
    message: str | None,
    contact: str,
) -> dict[str, Any]:
    """A builder introduces their live project to an investor open to requests → the intro JSON."""
    if recipient_id == user.id:
        raise ValidationFailed.field("recipient_id", "cannot be yourself")
    project = await get_live(session, project_id)
    if project.user_id != user.id:
        raise Forbidden("You can only introduce your own projects")
    target = await repository.investor_target(session, recipient_id)
    if target is None:
        raise NotFound("Investor not found")
    recipient, open_to_requests = target
    if not open_to_requests:
        raise Forbidden("This investor is not accepting intro requests")
    now = utcnow()
    intro_id = await repository.insert_intro(
        session,
        requester_id=user.id,
        recipient_id=recipient.id,
        project_id=project.id,
        message=message or None,
        requester_contact=contact,
        status="pending",
        created_at=now,
        updated_at=now,
    )
    if intro_id is None:
        raise Conflict("You already have a pending intro to this investor for this project")
    await announce_received(
        session,
        recipient_id=recipient.id,
        sender=user,
        kind="intro",
        item_id=intro_id,
        project=project,
        title="New introduction",
        message=f"{display_name(user)} would like to introduce {project.title}",
    )
    return intro_json(await repository.intro_row(session, intro_id))


async def _intro_for_recipient(session: AsyncSession, user: User, intro_id: uuid.UUID) -> Any:
    row = await repository.intro_row(session, intro_id)
    if row is None or user.id not in (row[0].recipient_id, row[0].requester_id):
        raise NotFound("Intro not found")
    if row[0].recipient_id != user.id:
        raise Forbidden("Only the investor it was sent to can answer this intro")
    if row.p_deleted:
        raise NotFound("Project not found")
    return row


async def accept_intro(
    session: AsyncSession, *, user: User, intro_id: uuid.UUID, contact_info: str | None
) -> dict[str, Any]:
    """The investor accepts a pending intro (once), optionally sharing how to reach them."""
    row = await _intro_for_recipient(session, user, intro_id)
    intro = row[0]
    now = utcnow()
    if not await repository.decide_intro(
        session,
        intro.id,
        not_before=now - EXPIRY,
        now=now,
        status="accepted",
        contact_info=contact_info,
    ):
        raise not_pending(intro.status)
    await repository.add_accepted_intro(session, user.id)
    await notify(
        session,
        user_id=intro.requester_id,
        actor_id=user.id,
        type="intro_accepted",
        title="Introduction accepted",
        message=f"{display_name(user)} accepted your introduction of {row.p_title}",
        project_id=intro.project_id,
        data={"kind": "intro", "intro_id": str(intro.id)},
    )
    emit_to(
        session,
        "intro:accepted",
        intro.requester_id,
        {
            "kind": "intro",
            "id": str(intro.id),
            "project_id": str(intro.project_id),
            "by": user_card(user),
        },
    )
    connections_changed(session)
    investors_changed(session)  # the directory shows accepted_intro_count (most_active)
    return intro_json(
        row,
        status="accepted",
        contact_info=contact_info,
        responded_at=iso(now),
        updated_at=iso(now),
    )


async def decline_intro(
    session: AsyncSession, *, user: User, intro_id: uuid.UUID, reason: str | None
) -> dict[str, Any]:
    """The investor declines a pending intro; the builder is told (with the reason)."""
    row = await _intro_for_recipient(session, user, intro_id)
    intro = row[0]
    now = utcnow()
    if not await repository.decide_intro(
        session,
        intro.id,
        not_before=now - EXPIRY,
        now=now,
        status="declined",
        decline_reason=reason,
    ):
        raise not_pending(intro.status)
    await notify(
        session,
        user_id=intro.requester_id,
        actor_id=user.id,
        type="intro_declined",
        title="Introduction declined",
        message=f"{display_name(user)} declined your introduction of {row.p_title}",
        project_id=intro.project_id,
        data={"kind": "intro", "intro_id": str(intro.id), "reason": reason},
    )
    emit_to(
        session,
        "intro:declined",
        intro.requester_id,
        {"kind": "intro", "id": str(intro.id), "project_id": str(intro.project_id)},
    )
    return intro_json(
        row, status="declined", decline_reason=reason, responded_at=iso(now), updated_at=iso(now)
    )


async def intros_received(
    session: AsyncSession, *, user: User, status: str | None, params: PageParams
) -> dict[str, Any]:
    """Intros sent to the caller (an investor), newest first (1 statement per page)."""
    rows, total = await repository.intros_page(
        session, recipient_id=user.id, status=status, offset=params.offset, limit=params.limit
    )
    return page_body([intro_json(r) for r in rows], params, total)


async def intros_sent(
    session: AsyncSession, *, user: User, status: str | None, params: PageParams
) -> dict[str, Any]:
    """Intros the caller sent, newest first (1 statement per page)."""
    rows, total = await repository.intros_page(
        session, requester_id=user.id, status=status, offset=params.offset, limit=params.limit
    )
    return page_body([intro_json(r) for r in rows], params, total)
