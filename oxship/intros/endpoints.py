"""HTTP routes of intros (built next)."""

from __future__ import annotations

from fastapi import APIRouter

from oxship.kit.envelope import ERROR_RESPONSES

router = APIRouter(prefix="/api/intro-requests", tags=["intro-requests"], responses=ERROR_RESPONSES)
intros_router = APIRouter(prefix="/api/intros", tags=["intros"], responses=ERROR_RESPONSES)
