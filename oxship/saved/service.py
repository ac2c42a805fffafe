"""Saved-project rules: one save per (user, project), `save_count` moved in SQL with the save."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from oxship.errors import Conflict, NotFound
from oxship.kit.clock import iso
from oxship.kit.pagination import PageParams, page_body
from oxship.models import User
from oxship.projects import listing
from oxship.projects import service as projects
from oxship.saved import repository


async def save(session: AsyncSession, *, user: User, project_id: uuid.UUID) -> dict[str, Any]:
    """Save a live project for the caller → `{saved, save_count}`; 409 when already saved."""
    project = await projects.get_live(session, project_id)
    # The primary key decides (INSERT … ON CONFLICT DO NOTHING): concurrent saves make one row.
    if not await repository.insert(session, user_id=user.id, project_id=project.id):
        raise Conflict("Project already saved")
    count = await projects.add_saves(session, project.id, 1)
    return {"saved": True, "save_count": count}


async def unsave(session: AsyncSession, *, user: User, project_id: uuid.UUID) -> dict[str, Any]:
    """Remove the caller's save → `{saved, save_count}`; 404 when it was not saved."""
    if not await repository.delete_one(session, user_id=user.id, project_id=project_id):
        raise NotFound("Project is not saved")
    count = await projects.add_saves(session, project_id, -1)
    return {"saved": False, "save_count": count}


async def is_saved(session: AsyncSession, *, user: User, project_id: uuid.UUID) -> bool:
    """Whether the caller saved this live project; 404 for a deleted or unknown project."""
    project = await projects.get_live(session, project_id)
    return await repository.exists(session, user_id=user.id, project_id=project.id)


async def my_saved(session: AsyncSession, *, user: User, params: PageParams) -> dict[str, Any]:
    """The caller's visible saved projects, newest save first (6 statements whatever the page)."""
    rows, total = await repository.page(
        session, user_id=user.id, offset=params.offset, limit=params.limit
    )
    items = await listing.project_items(session, [row[:4] for row in rows])
    for item, row in zip(items, rows, strict=True):
        item["saved_at"] = iso(row.saved_at)
    body = page_body(items, params, total)
    await listing.overlay_caller(session, user, body)
    return body
