"""HTTP routes of /api/saved."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from oxship.auth.dependencies import CurrentUser
from oxship.db import SessionDep
from oxship.kit.envelope import ERROR_RESPONSES, Envelope, ErrorOut, JSONBody, PageEnvelope, ok
from oxship.kit.pagination import Pagination
from oxship.saved import service
from oxship.saved.schemas import SavedCheckOut, SavedProjectOut, SaveStateOut

router = APIRouter(prefix="/api/saved", tags=["saved"], responses=ERROR_RESPONSES)

PRIVATE = {"Cache-Control": "private, no-store"}


@router.post(
    "/save/{project_id}",
    status_code=201,
    response_model=Envelope[SaveStateOut],
    responses={409: {"model": ErrorOut, "description": "Already saved"}},
)
async def save_project(project_id: uuid.UUID, session: SessionDep, user: CurrentUser) -> JSONBody:
    """Save a project for the caller (409 if already saved)."""
    state = await service.save(session, user=user, project_id=project_id)
    return ok(state, message="Project saved", status_code=201)


@router.delete("/unsave/{project_id}", response_model=Envelope[SaveStateOut])
async def unsave_project(project_id: uuid.UUID, session: SessionDep, user: CurrentUser) -> JSONBody:
    """Remove a project from the caller's saved projects (404 if not saved)."""
    state = await service.unsave(session, user=user, project_id=project_id)
    return ok(state, message="Project removed from saved")


@router.get("/my-saved", response_model=PageEnvelope[SavedProjectOut])
async def my_saved(session: SessionDep, user: CurrentUser, params: Pagination) -> JSONBody:
    """The caller's saved projects, newest save first, each with `saved_at`."""
    body = await service.my_saved(session, user=user, params=params)
    return JSONBody(body, headers=PRIVATE)


@router.get("/check/{project_id}", response_model=Envelope[SavedCheckOut])
async def check_saved(project_id: uuid.UUID, session: SessionDep, user: CurrentUser) -> JSONBody:
    """Whether the caller saved the project."""
    saved = await service.is_saved(session, user=user, project_id=project_id)
    return ok({"saved": saved}, headers=PRIVATE)
