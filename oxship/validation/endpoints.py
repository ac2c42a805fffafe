"""HTTP routes of validation (built next)."""

from __future__ import annotations

from fastapi import APIRouter

from oxship.kit.envelope import ERROR_RESPONSES

router = APIRouter(prefix="/api/badges", tags=["badges"], responses=ERROR_RESPONSES)
validator_router = APIRouter(prefix="/api/validator", tags=["validator"], responses=ERROR_RESPONSES)
admin_router = APIRouter(prefix="/api/admin", tags=["admin"], responses=ERROR_RESPONSES)
