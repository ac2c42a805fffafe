"""HTTP routes of investors (built next)."""

from __future__ import annotations

from fastapi import APIRouter

from oxship.kit.envelope import ERROR_RESPONSES

router = APIRouter(prefix="/api/investor-requests", tags=["investors"], responses=ERROR_RESPONSES)
directory_router = APIRouter(prefix="/api/investors", tags=["investors"], responses=ERROR_RESPONSES)
admin_router = APIRouter(prefix="/api/admin", tags=["admin"], responses=ERROR_RESPONSES)
matches_router = APIRouter(prefix="/api/projects", tags=["investors"], responses=ERROR_RESPONSES)
