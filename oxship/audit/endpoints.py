"""HTTP routes of /api/admin/audit-log."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from oxship.audit import service
from oxship.audit.schemas import AuditEntryOut
from oxship.auth.dependencies import AdminUser
from oxship.db import SessionDep
from oxship.kit.envelope import ERROR_RESPONSES, JSONBody, PageEnvelope
from oxship.kit.pagination import Pagination

router = APIRouter(prefix="/api/admin", tags=["admin"], responses=ERROR_RESPONSES)

PRIVATE = {"Cache-Control": "private, no-store"}


@router.get("/audit-log", response_model=PageEnvelope[AuditEntryOut])
async def audit_log(
    session: SessionDep,
    admin: AdminUser,
    params: Pagination,
    action: Annotated[str | None, Query(max_length=60)] = None,
    target_type: Annotated[str | None, Query(max_length=30)] = None,
    target_id: Annotated[str | None, Query(max_length=64)] = None,
    actor_id: uuid.UUID | None = None,
) -> JSONBody:
    """Every admin action, newest first (admin)."""
    body = await service.page(
        session,
        params=params,
        action=action,
        target_type=target_type,
        target_id=target_id,
        actor_id=actor_id,
    )
    return JSONBody(body, headers=PRIVATE)
