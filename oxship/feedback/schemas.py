"""Feedback request/response models."""

from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel

from oxship.auth.schemas import Email
from oxship.kit.clock import iso
from oxship.kit.envelope import OutModel
from oxship.kit.text import NulFree, trimmed
from oxship.models import Feedback
from oxship.users.schemas import UserCardOut


class FeedbackType(StrEnum):
    """What a feedback item is."""

    SUGGESTION = "suggestion"
    IMPROVEMENT = "improvement"
    CONTACT = "contact"
    REPORT = "report"


class ReportReason(StrEnum):
    """Why something is reported (reports only)."""

    SPAM = "spam"
    INAPPROPRIATE = "inappropriate"
    HARASSMENT = "harassment"
    FALSE_INFO = "false_info"
    OTHER = "other"


class FeedbackStatus(StrEnum):
    """Where an item is in review."""

    PENDING = "pending"
    REVIEWED = "reviewed"
    RESOLVED = "resolved"
    DISMISSED = "dismissed"


class FeedbackCreate(BaseModel):
    """`POST /api/feedback`."""

    feedback_type: FeedbackType
    message: Annotated[str, trimmed(10, 2000), NulFree]
    contact_email: Email | None = None
    report_reason: ReportReason | None = None
    reported_project_id: uuid.UUID | None = None
    reported_user_id: uuid.UUID | None = None


class FeedbackStatusUpdate(BaseModel):
    """`PATCH /api/feedback/admin/{id}/status`: `admin_notes` absent keeps, null clears."""

    status: FeedbackStatus
    admin_notes: Annotated[str, trimmed(0, 5000), NulFree] | None = None


class ReportedProjectOut(OutModel):
    """The project a report is about."""

    id: uuid.UUID
    title: str
    is_deleted: bool


class FeedbackOut(OutModel):
    """A feedback item (`user` is null when the sender's account was removed)."""

    id: uuid.UUID
    feedback_type: FeedbackType
    message: str
    contact_email: str | None
    report_reason: ReportReason | None
    reported_project_id: uuid.UUID | None
    reported_user_id: uuid.UUID | None
    status: FeedbackStatus
    admin_notes: str | None
    reviewed_by: uuid.UUID | None
    reviewed_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime
    user: UserCardOut | None = None
    reported_project: ReportedProjectOut | None = None
    reported_user: UserCardOut | None = None


def _card(
    user_id: uuid.UUID | None, username: str | None, name: str | None, avatar: str | None
) -> Any:
    if user_id is None or username is None:
        return None
    return {"id": str(user_id), "username": username, "display_name": name, "avatar_url": avatar}


def feedback_json(item: Feedback) -> dict[str, Any]:
    """The JSON of a feedback item without the embedded cards."""
    return {
        "id": str(item.id),
        "feedback_type": item.feedback_type,
        "message": item.message,
        "contact_email": item.contact_email,
        "report_reason": item.report_reason,
        "reported_project_id": str(item.reported_project_id) if item.reported_project_id else None,
        "reported_user_id": str(item.reported_user_id) if item.reported_user_id else None,
        "status": item.status,
        "admin_notes": item.admin_notes,
        "reviewed_by": str(item.reviewed_by) if item.reviewed_by else None,
        "reviewed_at": iso(item.reviewed_at),
        "created_at": iso(item.created_at),
        "updated_at": iso(item.updated_at),
        "user": None,
        "reported_project": None,
        "reported_user": None,
    }


def feedback_row_json(row: Any) -> dict[str, Any]:
    """The JSON of a list row (Feedback, sender card, reported user card, project brief)."""
    item = feedback_json(row.Feedback)
    item["user"] = _card(row.Feedback.user_id, row.s_username, row.s_name, row.s_avatar)
    item["reported_user"] = _card(
        row.Feedback.reported_user_id, row.r_username, row.r_name, row.r_avatar
    )
    if row.p_title is not None:
        item["reported_project"] = {
            "id": str(row.Feedback.reported_project_id),
            "title": row.p_title,
            "is_deleted": bool(row.p_deleted),
        }
    return item
