"""HTTP routes of feedback (built next)."""

from __future__ import annotations

from fastapi import APIRouter

from oxship.kit.envelope import ERROR_RESPONSES

router = APIRouter(prefix="/api/feedback", tags=["feedback"], responses=ERROR_RESPONSES)
