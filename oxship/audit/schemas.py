"""Audit log responses."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from oxship.kit.envelope import OutModel


class AuditActorOut(OutModel):
    id: uuid.UUID
    username: str | None


class AuditEntryOut(OutModel):
    """One admin action."""

    id: uuid.UUID
    actor: AuditActorOut | None
    action: str
    target_type: str
    target_id: str | None
    reason: str | None
    data: dict[str, Any]
    created_at: dt.datetime
