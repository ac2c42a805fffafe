"""Writing and reading the audit log."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from oxship.audit import repository
from oxship.kit.clock import iso, utcnow
from oxship.kit.pagination import PageParams, page_body
from oxship.models import AdminAction, User


def record(
    session: AsyncSession,
    *,
    actor: User,
    action: str,
    target_type: str,
    target_id: uuid.UUID | str | None,
    reason: str | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    """Log an admin action in the current transaction (so it exists exactly when the action does)."""
    session.add(
        AdminAction(
            actor_id=actor.id,
            action=action,
            target_type=target_type,
            target_id=str(target_id) if target_id is not None else None,
            reason=reason,
            data=data or {},
            created_at=utcnow(),
        )
    )


def entry_json(row: Any) -> dict[str, Any]:
    """An audit entry: `{id, actor{id, username}, action, target_type, target_id, reason, data,
    created_at}`."""
    entry, username = row
    return {
        "id": str(entry.id),
        "actor": {"id": str(entry.actor_id), "username": username} if entry.actor_id else None,
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "reason": entry.reason,
        "data": entry.data or {},
        "created_at": iso(entry.created_at),
    }


async def page(
    session: AsyncSession,
    *,
    params: PageParams,
    target_type: str | None = None,
    target_id: str | None = None,
    action: str | None = None,
    actor_id: uuid.UUID | None = None,
) -> dict[str, Any]:
    """The audit log, newest first, filtered."""
    rows, total = await repository.page(
        session,
        target_type=target_type,
        target_id=target_id,
        action=action,
        actor_id=actor_id,
        offset=params.offset,
        limit=params.limit,
    )
    return page_body([entry_json(r) for r in rows], params, total)
