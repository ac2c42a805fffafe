"""Project-update rules: the owner posts, the author edits and deletes, everyone reads."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from oxship.errors import Forbidden, NotFound
from oxship.kit.clock import utcnow
from oxship.kit.outbox import outbox_of
from oxship.kit.pagination import PageParams, page_body
from oxship.models import ProjectUpdate, User
from oxship.projects import service as projects
from oxship.updates import repository
from oxship.updates.cache import updates_ns
from oxship.updates.schemas import DEFAULT_COLORS, UpdateCreate, UpdatePatch, update_out


async def create(
    session: AsyncSession, *, user: User, project_id: uuid.UUID, data: UpdateCreate
) -> dict[str, Any]:
    """Post an update on a live project (its owner only)."""
    project = await projects.get_live(session, project_id)
    if project.user_id != user.id:
        raise Forbidden("Only the project's owner can post updates")
    now = utcnow()
    item = await repository.insert(
        session,
        {
            "project_id": project.id,
            "user_id": user.id,
            "update_type": data.update_type,
            "title": data.title,
            "content": data.content,
            "extra": data.metadata,
            "color": data.color or DEFAULT_COLORS[data.update_type],
            "created_at": now,
            "updated_at": now,
        },
    )
    outbox_of(session).bump(updates_ns(project.id))
    return update_out(item)


async def page(
    session: AsyncSession, *, project_id: uuid.UUID, params: PageParams
) -> dict[str, Any]:
    """A live project's updates, newest first (3 statements whatever the page size)."""
    project = await projects.get_live(session, project_id)
    items, total = await repository.page(
        session, project_id=project.id, offset=params.offset, limit=params.limit
    )
    return page_body([update_out(item) for item in items], params, total)


async def _own_update(
    session: AsyncSession, *, user: User, project_id: uuid.UUID, update_id: uuid.UUID
) -> ProjectUpdate:
    """The update, which must belong to this live project (404) and be the caller's (403)."""
    project = await projects.get_live(session, project_id)
    item = await repository.get(session, update_id)
    if item is None or item.project_id != project.id:
        raise NotFound("Update not found")
    if item.user_id != user.id:
        raise Forbidden("Only the update's author can change it")
    return item


async def edit(
    session: AsyncSession,
    *,
    user: User,
    project_id: uuid.UUID,
    update_id: uuid.UUID,
    changes: UpdatePatch,
) -> dict[str, Any]:
    """Change the fields sent (author only)."""
    item = await _own_update(session, user=user, project_id=project_id, update_id=update_id)
    values = changes.model_dump(exclude_unset=True)
    if "metadata" in values:
        values["extra"] = values.pop("metadata")
    if values:
        values["updated_at"] = utcnow()
        item = await repository.update_fields(session, item.id, values)
        outbox_of(session).bump(updates_ns(project_id))
    return update_out(item)


async def delete(
    session: AsyncSession, *, user: User, project_id: uuid.UUID, update_id: uuid.UUID
) -> None:
    """Delete an update (author only)."""
    item = await _own_update(session, user=user, project_id=project_id, update_id=update_id)
    await repository.delete_one(session, item.id)
    outbox_of(session).bump(updates_ns(project_id))
