"""HTTP routes of messages (built next)."""

from __future__ import annotations

from fastapi import APIRouter

from oxship.kit.envelope import ERROR_RESPONSES

router = APIRouter(prefix="/api/messages", tags=["messages"], responses=ERROR_RESPONSES)
