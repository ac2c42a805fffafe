"""Feedback rules: who may send what, report targets that exist, admin review."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from oxship.audit.service import record
from oxship.errors import NotFound, ValidationFailed
from oxship.feedback import repository
from oxship.feedback.schemas import (
    FeedbackCreate,
    FeedbackStatusUpdate,
    FeedbackType,
    feedback_json,
    feedback_row_json,
)
from oxship.kit.clock import utcnow
from oxship.kit.pagination import PageParams, page_body
from oxship.models import User
from oxship.runtime import Runtime

# Per sender, a moving window: enough for real use, too few for flooding the review queue.
RATE_LIMIT = "20/hour"


async def submit(
    session: AsyncSession, runtime: Runtime, *, user: User, data: FeedbackCreate
) -> dict[str, Any]:
    """File a feedback item or a report; 422 when a report lacks its reason, another type sends
    one, or a referenced project or user does not exist; 429 beyond the per-user rate."""
    is_report = data.feedback_type is FeedbackType.REPORT
    if is_report and data.report_reason is None:
        raise ValidationFailed.field("report_reason", "Field required for reports")
    if not is_report and data.report_reason is not None:
        raise ValidationFailed.field("report_reason", "Only reports take a reason")
    if data.reported_project_id is not None and not await repository.project_exists(
        session, data.reported_project_id
    ):
        raise ValidationFailed.field("reported_project_id", "No such project")
    if data.reported_user_id is not None:
        if data.reported_user_id == user.id:
            raise ValidationFailed.field("reported_user_id", "You cannot report yourself")
        if not await repository.user_exists(session, data.reported_user_id):
            raise ValidationFailed.field("reported_user_id", "No such user")
    await runtime.limiter.hit(
        RATE_LIMIT, "feedback", str(user.id), message="Too much feedback, try again later"
    )
    item = await repository.insert(
        session,
        {
            "user_id": user.id,
            "feedback_type": data.feedback_type.value,
            "message": data.message,
            "contact_email": data.contact_email,
            "report_reason": data.report_reason.value if data.report_reason else None,
            "reported_project_id": data.reported_project_id,
            "reported_user_id": data.reported_user_id,
            "status": "pending",
        },
    )
    body = feedback_json(item)
    body["user"] = {
        "id": str(user.id),
        "username": user.username,
        "display_name": user.display_name,
        "avatar_url": user.avatar_url,
    }
    return body


async def page(
    session: AsyncSession,
    *,
    params: PageParams,
    feedback_type: str | None,
    status: str | None,
) -> dict[str, Any]:
    """The review queue, newest first (2 statements whatever the page size)."""
    rows, total = await repository.page(
        session,
        feedback_type=feedback_type,
        status=status,
        offset=params.offset,
        limit=params.limit,
    )
    return page_body([feedback_row_json(r) for r in rows], params, total)


async def set_status(
    session: AsyncSession, *, admin: User, feedback_id: uuid.UUID, data: FeedbackStatusUpdate
) -> dict[str, Any]:
    """Move an item to a review status (notes replaced when sent); the reviewer is recorded."""
    item = await repository.get(session, feedback_id, lock=True)
    if item is None:
        raise NotFound("Feedback not found")
    previous = item.status
    item.status = data.status.value
    if "admin_notes" in data.model_fields_set:
        item.admin_notes = data.admin_notes
    item.reviewed_by = admin.id
    item.reviewed_at = utcnow()
    await session.flush()
    record(
        session,
        actor=admin,
        action="feedback.status",
        target_type="feedback",
        target_id=item.id,
        data={"from": previous, "to": item.status},
    )
    found = await repository.row(session, item.id)
    return feedback_row_json(found)


async def delete(session: AsyncSession, *, admin: User, feedback_id: uuid.UUID) -> None:
    """Delete an item for good (404 when unknown)."""
    item = await repository.get(session, feedback_id, lock=True)
    if item is None:
        raise NotFound("Feedback not found")
    data = {"feedback_type": item.feedback_type, "status": item.status}
    await repository.delete_one(session, item.id)
    record(
        session,
        actor=admin,
        action="feedback.delete",
        target_type="feedback",
        target_id=feedback_id,
        data=data,
    )
