"""Admin moderation of content: projects (list, edit, delete, restore, feature) and chains (list,
ban, suspend, unban, delete, feature, moderation logs)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from oxship.admin import repository
from oxship.audit import service as audit
from oxship.audit.service import record
from oxship.chains import service as chains
from oxship.chains.cache import chain_changed
from oxship.chains.schemas import chain_json
from oxship.errors import Conflict, NotFound
from oxship.kit.clock import iso, utcnow
from oxship.kit.outbox import outbox_of
from oxship.kit.pagination import PageParams, page_body
from oxship.models import Chain, User
from oxship.notifications.service import notify
from oxship.projects import listing
from oxship.projects import service as projects
from oxship.projects.cache import project_changed
from oxship.projects.schemas import ProjectPatch
from oxship.users import service as users

# --- projects ----------------------------------------------------------------------------------


async def projects_page(
    session: AsyncSession, *, params: PageParams, search: str | None, include_deleted: bool
) -> dict[str, Any]:
    """Projects of every owner (banned ones too), newest first; deleted ones on request
    (5 statements whatever the page size)."""
    rows, total = await repository.projects_page(
        session,
        search=search,
        include_deleted=include_deleted,
        offset=params.offset,
        limit=params.limit,
    )
    items = await listing.project_items(session, rows)
    for item, row in zip(items, rows, strict=True):
        item["is_deleted"] = row[0].is_deleted
        item["deleted_at"] = iso(row[0].deleted_at)
    return page_body(items, params, total)


def _admin_item(item: dict[str, Any]) -> dict[str, Any]:
    return {**item, "is_deleted": False, "deleted_at": None}


async def update_project(
    session: AsyncSession, *, admin: User, project_id: uuid.UUID, changes: ProjectPatch
) -> dict[str, Any]:
    """Edit any live project (the projects service allows admins); scores recomputed."""
    item = await projects.update(session, project_id=project_id, user=admin, changes=changes)
    record(
        session,
        actor=admin,
        action="project.update",
        target_type="project",
        target_id=project_id,
        data={"fields": sorted(changes.model_dump(exclude_unset=True))},
    )
    return _admin_item(item)


async def delete_project(session: AsyncSession, *, admin: User, project_id: uuid.UUID) -> None:
    """Soft-delete an undeleted project: through the projects service (it leaves its chains) when
    its owner is active; a banned owner's project, which that service does not see, the same way
    here. 404 when unknown or already deleted."""
    found = await repository.project_with_owner(session, project_id, lock=True)
    if found is None or found[0].is_deleted:
        raise NotFound("Project not found")
    project, owner = found
    if owner.is_active and owner.deleted_at is None:
        await projects.delete(session, project_id=project_id, user=admin)
    else:
        await repository.soft_delete_project(session, project.id, utcnow())
        await users.add_project_count(session, owner.id, -1)
        await users.refresh_karma(session, owner.id)
        for chain_id in await repository.leave_chains(session, [project.id]):
            chain_changed(session, chain_id)
        project_changed(session, project.id, owner.id)
        outbox_of(session).emit("project:deleted", {"project_id": str(project.id)}, room=None)
    record(
        session, actor=admin, action="project.delete", target_type="project", target_id=project_id
    )


async def restore_project(
    session: AsyncSession, *, admin: User, project_id: uuid.UUID
) -> dict[str, Any]:
    """Undo a soft delete: the project, its owner's count and karma, and its scores come back.

    The chains it left when deleted are not re-joined. 404 unknown, 409 when not deleted or when
    its owner's account was deleted.
    """
    found = await repository.project_with_owner(session, project_id, lock=True)
    if found is None:
        raise NotFound("Project not found")
    project, owner = found
    if owner.deleted_at is not None:
        raise Conflict("The project's owner was deleted")
    if not await repository.restore_project(session, project.id, utcnow()):
        raise Conflict("This project is not deleted")
    await users.add_project_count(session, owner.id, 1)
    await projects.recompute(session, project.id)  # also refreshes the owner's karma
    project_changed(session, project.id, owner.id)
    outbox_of(session).emit("project:created", {"project_id": str(project.id)}, room=None)
    record(
        session, actor=admin, action="project.restore", target_type="project", target_id=project.id
    )
    row = await repository.project_row(session, project.id)
    item = (await listing.project_items(session, [row]))[0]
    return _admin_item(item)


async def feature_project(
    session: AsyncSession, *, admin: User, project_id: uuid.UUID
) -> dict[str, Any]:
    """Toggle the featured flag through the projects service."""
    item = await projects.toggle_feature(session, project_id=project_id, admin=admin)
    record(
        session,
        actor=admin,
        action="project.feature" if item["is_featured"] else "project.unfeature",
        target_type="project",
        target_id=project_id,
    )
    return _admin_item(item)


# --- chains ------------------------------------------------------------------------------------


async def chains_page(
    session: AsyncSession, *, params: PageParams, status: str | None, search: str | None
) -> dict[str, Any]:
    """Every undeleted chain (private ones included), newest first (2 statements)."""
    rows, total = await repository.chains_page(
        session,
        status=status,
        search=search,
        now=utcnow(),
        offset=params.offset,
        limit=params.limit,
    )
    return page_body([chain_json(row) for row in rows], params, total)


async def _chain(session: AsyncSession, slug: str) -> Chain:
    chain = await repository.chain_for_update(session, slug)
    if chain is None:
        raise NotFound("Chain not found")
    return chain


async def _after_status_change(session: AsyncSession, chain: Chain) -> dict[str, Any]:
    await session.flush()
    chain_changed(session, chain.id)
    return chain_json(await repository.chain_row(session, chain.id))


async def ban_chain(
    session: AsyncSession, *, admin: User, slug: str, reason: str
) -> dict[str, Any]:
    """Ban a chain: read-only for everyone but admins until unbanned; the owner is told."""
    chain = await _chain(session, slug)
    if chain.status == "banned":
        raise Conflict("This chain is already banned")
    chain.status = "banned"
    chain.suspended_until = None
    await notify(
        session,
        user_id=chain.creator_id,
        actor_id=admin.id,
        type="system",
        title="Your chain was banned",
        message=f"{chain.name} was banned: {reason}",
        data={
            "event": "chain_banned",
            "chain_id": str(chain.id),
            "chain_slug": chain.slug,
            "reason": reason,
        },
    )
    record(
        session,
        actor=admin,
        action="chain.ban",
        target_type="chain",
        target_id=chain.id,
        reason=reason,
        data={"slug": chain.slug},
    )
    return await _after_status_change(session, chain)


async def suspend_chain(
    session: AsyncSession, *, admin: User, slug: str, reason: str, duration_days: int
) -> dict[str, Any]:
    """Suspend a chain for `duration_days` (a new suspension replaces a running one); it lifts
    itself when `suspended_until` passes. 409 on a banned chain (unban it first)."""
    chain = await _chain(session, slug)
    if chain.status == "banned":
        raise Conflict("This chain is banned; unban it first")
    until = utcnow() + timedelta(days=duration_days)
    chain.status = "suspended"
    chain.suspended_until = until
    await notify(
        session,
        user_id=chain.creator_id,
        actor_id=admin.id,
        type="system",
        title="Your chain was suspended",
        message=f"{chain.name} is suspended for {duration_days} day(s): {reason}",
        data={
            "event": "chain_suspended",
            "chain_id": str(chain.id),
            "chain_slug": chain.slug,
            "reason": reason,
            "suspended_until": iso(until),
        },
    )
    record(
        session,
        actor=admin,
        action="chain.suspend",
        target_type="chain",
        target_id=chain.id,
        reason=reason,
        data={"slug": chain.slug, "duration_days": duration_days, "suspended_until": iso(until)},
    )
    return await _after_status_change(session, chain)


async def unban_chain(session: AsyncSession, *, admin: User, slug: str) -> dict[str, Any]:
    """Lift a ban or a running suspension (409 when the chain is active)."""
    chain = await _chain(session, slug)
    if not chains.is_read_only(chain):
        raise Conflict("This chain is not banned or suspended")
    previous = chain.status
    chain.status = "active"
    chain.suspended_until = None
    record(
        session,
        actor=admin,
        action="chain.unban",
        target_type="chain",
        target_id=chain.id,
        data={"slug": chain.slug, "previous_status": previous},
    )
    return await _after_status_change(session, chain)


async def delete_chain(session: AsyncSession, *, admin: User, slug: str) -> None:
    """Soft-delete a chain through the chains service (followers notified)."""
    chain = await _chain(session, slug)
    await chains.delete(session, slug=slug, user=admin)
    record(
        session,
        actor=admin,
        action="chain.delete",
        target_type="chain",
        target_id=chain.id,
        data={"slug": slug},
    )


async def feature_chain(session: AsyncSession, *, admin: User, slug: str) -> dict[str, Any]:
    """Toggle the featured flag through the chains service."""
    chain = await _chain(session, slug)
    state = await chains.toggle_feature(session, slug=slug, admin=admin)
    record(
        session,
        actor=admin,
        action="chain.feature" if state["is_featured"] else "chain.unfeature",
        target_type="chain",
        target_id=chain.id,
        data={"slug": slug},
    )
    return dict(state)


async def moderation_logs(session: AsyncSession, *, params: PageParams) -> dict[str, Any]:
    """Audit entries about chains, newest first."""
    return await audit.page(session, params=params, target_type="chain")


async def chain_logs(session: AsyncSession, *, slug: str, params: PageParams) -> dict[str, Any]:
    """Audit entries about one chain (deleted chains included), newest first."""
    chain_id = await repository.chain_id_by_slug(session, slug)
    if chain_id is None:
        raise NotFound("Chain not found")
    return await audit.page(session, params=params, target_type="chain", target_id=str(chain_id))
