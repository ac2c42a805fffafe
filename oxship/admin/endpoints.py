"""HTTP routes of admin (built next)."""

from __future__ import annotations

from fastapi import APIRouter

from oxship.kit.envelope import ERROR_RESPONSES

router = APIRouter(prefix="/api/admin", tags=["admin"], responses=ERROR_RESPONSES)
