"""HTTP routes of feedback."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from oxship.auth.dependencies import AdminUser, CurrentUser, RuntimeDep
from oxship.db import SessionDep
from oxship.feedback import service
from oxship.feedback.schemas import (
    FeedbackCreate,
    FeedbackOut,
    FeedbackStatus,
    FeedbackStatusUpdate,
    FeedbackType,
)
from oxship.kit.envelope import ERROR_RESPONSES, Envelope, JSONBody, PageEnvelope, ok
from oxship.kit.pagination import Pagination

router = APIRouter(prefix="/api/feedback", tags=["feedback"], responses=ERROR_RESPONSES)

PRIVATE = {"Cache-Control": "private, no-store"}


@router.post("", status_code=201, response_model=Envelope[FeedbackOut])
async def submit_feedback(
    body: FeedbackCreate, session: SessionDep, runtime: RuntimeDep, user: CurrentUser
) -> JSONBody:
    """Send a suggestion, an improvement idea, a contact message or a report."""
    item = await service.submit(session, runtime, user=user, data=body)
    return ok(item, message="Thank you for your feedback", status_code=201, headers=PRIVATE)


@router.get("/admin", response_model=PageEnvelope[FeedbackOut])
async def list_feedback(
    session: SessionDep,
    admin: AdminUser,
    params: Pagination,
    type: FeedbackType | None = None,
    status: FeedbackStatus | None = None,
) -> JSONBody:
    """The review queue, newest first, by type and status (admin)."""
    body = await service.page(
        session,
        params=params,
        feedback_type=type.value if type else None,
        status=status.value if status else None,
    )
    return JSONBody(body, headers=PRIVATE)


@router.patch("/admin/{feedback_id}/status", response_model=Envelope[FeedbackOut])
async def set_feedback_status(
    feedback_id: uuid.UUID, body: FeedbackStatusUpdate, session: SessionDep, admin: AdminUser
) -> JSONBody:
    """Set an item's review status and notes (admin)."""
    item = await service.set_status(session, admin=admin, feedback_id=feedback_id, data=body)
    return ok(item, headers=PRIVATE)


@router.delete("/admin/{feedback_id}", response_model=Envelope[dict[str, bool]])
async def delete_feedback(
    feedback_id: uuid.UUID, session: SessionDep, admin: AdminUser
) -> JSONBody:
    """Delete an item (admin)."""
    await service.delete(session, admin=admin, feedback_id=feedback_id)
    return ok({"deleted": True}, message="Feedback deleted")
