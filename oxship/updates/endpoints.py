"""HTTP routes of /api/projects/{id}/updates."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from oxship.auth.dependencies import CurrentUser
from oxship.db import SessionDep
from oxship.kit.cache import CacheDep, cached_json
from oxship.kit.envelope import ERROR_RESPONSES, Envelope, JSONBody, PageEnvelope, ok
from oxship.kit.pagination import Pagination
from oxship.updates import service
from oxship.updates.cache import LIST_TTL, list_namespaces
from oxship.updates.schemas import ProjectUpdateOut, UpdateCreate, UpdatePatch

router = APIRouter(prefix="/api/projects", tags=["updates"], responses=ERROR_RESPONSES)


@router.post("/{project_id}/updates", status_code=201, response_model=Envelope[ProjectUpdateOut])
async def create_update(
    project_id: uuid.UUID, body: UpdateCreate, session: SessionDep, user: CurrentUser
) -> JSONBody:
    """Post an update on the caller's project."""
    item = await service.create(session, user=user, project_id=project_id, data=body)
    return ok(item, status_code=201)


@router.get("/{project_id}/updates", response_model=PageEnvelope[ProjectUpdateOut])
async def list_updates(
    request: Request,
    project_id: uuid.UUID,
    session: SessionDep,
    cache: CacheDep,
    params: Pagination,
) -> Response:
    """A project's updates, newest first."""

    async def load() -> dict[str, Any]:
        return await service.page(session, project_id=project_id, params=params)

    return await cached_json(
        request, cache, namespaces=list_namespaces(project_id), ttl=LIST_TTL, load=load
    )


@router.put("/{project_id}/updates/{update_id}", response_model=Envelope[ProjectUpdateOut])
async def edit_update(
    project_id: uuid.UUID,
    update_id: uuid.UUID,
    body: UpdatePatch,
    session: SessionDep,
    user: CurrentUser,
) -> JSONBody:
    """Edit an update (its author only); only the fields sent change."""
    item = await service.edit(
        session, user=user, project_id=project_id, update_id=update_id, changes=body
    )
    return ok(item)


@router.delete("/{project_id}/updates/{update_id}", response_model=Envelope[dict[str, bool]])
async def delete_update(
    project_id: uuid.UUID, update_id: uuid.UUID, session: SessionDep, user: CurrentUser
) -> JSONBody:
    """Delete an update (its author only)."""
    await service.delete(session, user=user, project_id=project_id, update_id=update_id)
    return ok({"deleted": True}, message="Update deleted")
