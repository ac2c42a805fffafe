"""Notification response models and the type list of API §3.17."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal, get_args

from oxship.kit.envelope import OutModel

NotificationType = Literal[
    "vote",
    "comment",
    "comment_reply",
    "badge",
    "chain_new_project",
    "project_added_to_chain",
    "chain_project_request",
    "chain_request_approved",
    "chain_request_rejected",
    "project_removed_from_chain",
    "chain_follower",
    "chain_featured",
    "chain_post_reply",
    "intro_request",
    "intro_accepted",
    "intro_declined",
    "investor_request_approved",
    "investor_request_rejected",
    "validator_assignment",
    "project_featured",
    "message",
    "system",
]
NOTIFICATION_TYPES: frozenset[str] = frozenset(get_args(NotificationType))


class NotificationOut(OutModel):
    """One notification; a coalesced one counts its events in `count`."""

    id: uuid.UUID
    type: NotificationType
    title: str
    message: str
    actor_id: uuid.UUID | None
    project_id: uuid.UUID | None
    comment_id: uuid.UUID | None
    data: dict[str, Any]
    count: int
    is_read: bool
    read_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime


class UnreadCountOut(OutModel):
    """The caller's unread notifications."""

    unread_count: int


class ReadAllOut(OutModel):
    """How many notifications were marked read, and the unread count after."""

    marked: int
    unread_count: int


class DeletedOneOut(OutModel):
    """One notification was deleted."""

    deleted: bool
    unread_count: int


class DeletedAllOut(OutModel):
    """How many notifications were deleted."""

    deleted: int
    unread_count: int
