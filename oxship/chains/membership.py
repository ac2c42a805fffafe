"""Projects in chains: add (instant or by request), remove, pin, and the request queue."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from oxship.chains import repository
from oxship.chains.cache import chain_changed
from oxship.chains.service import can_see, is_admin, is_read_only, visible
from oxship.errors import Conflict, Forbidden, NotFound
from oxship.kit.clock import iso, utcnow
from oxship.kit.outbox import outbox_of
from oxship.kit.pagination import PageParams, page_body
from oxship.models import Chain, ChainProject, ChainProjectRequest, Project, User
from oxship.notifications.service import notify, notify_many
from oxship.projects.cache import project_chains_changed
from oxship.projects.listing import FeedFilters, project_items
from oxship.projects.service import get_live

MAX_CHAINS_PER_PROJECT = 5


def request_json(req: ChainProjectRequest) -> dict[str, Any]:
    """The JSON of a request."""
    return {
        "id": str(req.id),
        "chain_id": str(req.chain_id),
        "project_id": str(req.project_id),
        "requested_by": str(req.requested_by) if req.requested_by else None,
        "message": req.message,
        "status": req.status,
        "reason": req.reason,
        "decided_by": str(req.decided_by) if req.decided_by else None,
        "decided_at": iso(req.decided_at),
        "created_at": iso(req.created_at),
    }


def metadata_json(row: ChainProject) -> dict[str, Any]:
    """`chain_metadata` of a membership."""
    return {
        "added_at": iso(row.added_at),
        "is_pinned": row.is_pinned,
        "added_by": str(row.added_by) if row.added_by else None,
    }


def _chain_data(chain: Chain, project: Project) -> dict[str, Any]:
    return {
        "chain_id": str(chain.id),
        "chain_slug": chain.slug,
        "chain_name": chain.name,
        "project_id": str(project.id),
        "project_title": project.title,
    }


def _writable(chain: Chain, user: User) -> None:
    if is_read_only(chain) and not is_admin(user):
        raise Forbidden("This chain is read-only")


async def _check_addable(session: AsyncSession, chain: Chain, project: Project) -> None:
    if await repository.membership(session, chain.id, project.id) is not None:
        raise Conflict("The project is already in this chain")
    if await repository.pending_request(session, chain.id, project.id) is not None:
        raise Conflict("A request for this project is already pending")


async def _check_limit(session: AsyncSession, project_id: uuid.UUID) -> None:
    if await repository.chain_count_of_project(session, project_id) >= MAX_CHAINS_PER_PROJECT:
        raise Conflict(f"A project can be in at most {MAX_CHAINS_PER_PROJECT} chains")


async def _attach(
    session: AsyncSession, chain: Chain, project: Project, *, by: User
) -> tuple[ChainProject, int]:
    """Insert the membership, notify, emit, bump; the row and the new `project_count`."""
    row, count = await repository.insert_membership(session, chain.id, project.id, by.id)
    data = _chain_data(chain, project)
    await notify_many(
        session,
        recipients=repository.follower_ids_query(chain.id, exclude=by.id),
        actor_id=by.id,
        type="chain_new_project",
        title="New project in a chain you follow",
        message=f"{project.title} was added to {chain.name}",
        project_id=project.id,
        data=data,
    )
    await notify(
        session,
        user_id=project.user_id,
        actor_id=by.id,
        type="project_added_to_chain",
        title="Project added to a chain",
        message=f"{project.title} was added to {chain.name}",
        project_id=project.id,
        data=data,
    )
    outbox_of(session).emit(
        "chain:project_added",
        {**data, "added_by": str(by.id), "project_count": int(count)},
        room=f"chain:{chain.id}",
    )
    chain_changed(session, chain.id)
    project_chains_changed(session, project.id, project.user_id)
    return row, count


async def add(
    session: AsyncSession,
    *,
    slug: str,
    user: User,
    project_id: uuid.UUID,
    message: str | None,
) -> tuple[int, dict[str, Any]]:
    """Add a project (201) or file a request when the chain requires approval (202)."""
    chain = await visible(session, slug, user)
    # The project row lock serializes every add of one project: the 5-chain count cannot race.
    project = await get_live(session, project_id, lock=True)
    return await _add(session, chain, project, user=user, message=message)


async def join_on_create(
    session: AsyncSession, *, user: User, project_id: uuid.UUID, chain_ids: list[uuid.UUID]
) -> list[dict[str, Any]]:
    """Add a new project to each chain (or request it) with the rules of `add`; all or nothing.

    An unknown or invisible chain is a 404 and a read-only one a 403, which roll back the creation.
    """
    project = await get_live(session, project_id, lock=True)
    outcomes = []
    for chain_id in dict.fromkeys(chain_ids):
        chain = await repository.live_by_id(session, chain_id)
        if chain is None or not await can_see(session, chain, user):
            raise NotFound(f"Chain {chain_id} not found")
        status, body = await _add(session, chain, project, user=user, message=None)
        outcome = {"chain_id": str(chain.id), "chain_slug": chain.slug, "status": body["status"]}
        outcome["request_id"] = body["request"]["id"] if status == 202 else None
        outcomes.append(outcome)
    return outcomes


async def _add(
    session: AsyncSession, chain: Chain, project: Project, *, user: User, message: str | None
) -> tuple[int, dict[str, Any]]:
    _writable(chain, user)
    if project.user_id != user.id and not is_admin(user):
        raise Forbidden("Only the project's owner can add it to a chain")
    await _check_addable(session, chain, project)
    await _check_limit(session, project.id)
    if chain.requires_approval and chain.creator_id != user.id and not is_admin(user):
        req = ChainProjectRequest(
            chain_id=chain.id,
            project_id=project.id,
            requested_by=user.id,
            message=message or None,
            status="pending",
            created_at=utcnow(),
        )
        session.add(req)
        try:
            async with session.begin_nested():
                await session.flush()
        except IntegrityError as exc:
            raise Conflict("A request for this project is already pending") from exc
        await notify(
            session,
            user_id=chain.creator_id,
            actor_id=user.id,
            type="chain_project_request",
            title="New project request",
            message=f"{project.title} asks to join {chain.name}",
            project_id=project.id,
            data={**_chain_data(chain, project), "request_id": str(req.id)},
        )
        body = {
            "status": "pending",
            "chain_id": str(chain.id),
            "project_id": str(project.id),
            "project_count": chain.project_count,
            "request": request_json(req),
        }
        return 202, body
    row, count = await _attach(session, chain, project, by=user)
    body = {
        "status": "added",
        "chain_id": str(chain.id),
        "project_id": str(project.id),
        "project_count": count,
        "chain_metadata": metadata_json(row),
    }
    return 201, body


async def remove(
    session: AsyncSession, *, slug: str, user: User, project_id: uuid.UUID
) -> dict[str, Any]:
    """Remove a project (its owner, the chain owner or an admin)."""
    chain = await repository.live_by_slug(session, slug)
    if chain is None:
        raise NotFound("Chain not found")
    project = await get_live(session, project_id, lock=True)
    if project.user_id != user.id and not await can_see(session, chain, user):
        raise NotFound("Chain not found")
    if user.id not in (project.user_id, chain.creator_id) and not is_admin(user):
        raise Forbidden("Only the project's owner, the chain owner or an admin can remove it")
    count = await repository.delete_membership(session, chain.id, project.id)
    if count is None:
        raise NotFound("The project is not in this chain")
    data = _chain_data(chain, project)
    await notify(
        session,
        user_id=project.user_id,
        actor_id=user.id,
        type="project_removed_from_chain",
        title="Project removed from a chain",
        message=f"{project.title} was removed from {chain.name}",
        project_id=project.id,
        data=data,
    )
    outbox_of(session).emit(
        "chain:project_removed",
        {**data, "removed_by": str(user.id), "project_count": int(count)},
        room=f"chain:{chain.id}",
    )
    chain_changed(session, chain.id)
    project_chains_changed(session, project.id, project.user_id)
    return {"removed": True, "project_count": int(count)}


async def _owned(session: AsyncSession, slug: str, user: User) -> Chain:
    chain = await visible(session, slug, user)
    if chain.creator_id != user.id:
        raise Forbidden("Only the chain owner can do this")
    return chain


async def toggle_pin(
    session: AsyncSession,
    *,
    slug: str,
    user: User,
    project_id: uuid.UUID,
    target: bool | None = None,
) -> dict[str, Any]:
    """Pin or unpin a project of the chain (chain owner); `target` sets instead of toggling."""
    chain = await _owned(session, slug, user)
    _writable(chain, user)
    row = await repository.membership(session, chain.id, project_id)
    if row is None:
        raise NotFound("The project is not in this chain")
    row.is_pinned = (not row.is_pinned) if target is None else target
    await session.flush()
    chain_changed(session, chain.id)
    project = await get_live(session, project_id)
    project_chains_changed(session, project.id, project.user_id)
    return {"is_pinned": row.is_pinned}


async def requests(
    session: AsyncSession, *, slug: str, user: User, status: str | None, params: PageParams
) -> dict[str, Any]:
    """The chain's requests, newest first (chain owner)."""
    chain = await _owned(session, slug, user)
    rows, total = await repository.requests_page(
        session, chain.id, status=status, offset=params.offset, limit=params.limit
    )
    return page_body([request_json(r) for r in rows], params, total)


async def _pending(
    session: AsyncSession, slug: str, user: User, request_id: uuid.UUID
) -> tuple[Chain, ChainProjectRequest]:
    chain = await _owned(session, slug, user)
    _writable(chain, user)
    req = await repository.request_by_id(session, chain.id, request_id, lock=True)
    if req is None:
        raise NotFound("Request not found")
    if req.status != "pending":
        raise Conflict(f"This request was already {req.status}")
    return chain, req


async def approve(
    session: AsyncSession,
    *,
    slug: str,
    user: User,
    request_id: uuid.UUID,
    note: str | None = None,
) -> dict[str, Any]:
    """Approve a pending request: the project joins the chain (limits checked again)."""
    chain, req = await _pending(session, slug, user, request_id)
    project = await get_live(session, req.project_id, lock=True)
    if await repository.membership(session, chain.id, project.id) is not None:
        raise Conflict("The project is already in this chain")
    await _check_limit(session, project.id)
    req.status = "approved"
    req.decided_by = user.id
    req.decided_at = utcnow()
    await session.flush()
    requester = req.requested_by or project.user_id
    await _attach(session, chain, project, by=user)
    await notify(
        session,
        user_id=requester,
        actor_id=user.id,
        type="chain_request_approved",
        title="Chain request approved",
        message=f"{project.title} joined {chain.name}",
        project_id=project.id,
        data={**_chain_data(chain, project), "request_id": str(req.id), "note": note or None},
    )
    return request_json(req)


async def reject(
    session: AsyncSession,
    *,
    slug: str,
    user: User,
    request_id: uuid.UUID,
    reason: str | None,
) -> dict[str, Any]:
    """Reject a pending request, with an optional reason."""
    chain, req = await _pending(session, slug, user, request_id)
    req.status = "rejected"
    req.reason = reason or None
    req.decided_by = user.id
    req.decided_at = utcnow()
    await session.flush()
    if req.requested_by is not None:
        await notify(
            session,
            user_id=req.requested_by,
            actor_id=user.id,
            type="chain_request_rejected",
            title="Chain request rejected",
            message=f"Your request to join {chain.name} was rejected",
            project_id=req.project_id,
            data={
                "chain_id": str(chain.id),
                "chain_slug": chain.slug,
                "chain_name": chain.name,
                "project_id": str(req.project_id),
                "request_id": str(req.id),
                "reason": req.reason,
            },
        )
    return request_json(req)


async def chain_for_projects(session: AsyncSession, *, slug: str, viewer: User | None) -> Chain:
    """The chain whose projects the viewer may list (404 as its detail would)."""
    return await visible(session, slug, viewer)


async def projects_page(
    session: AsyncSession,
    *,
    chain: Chain,
    sort: str,
    tech_stack: list[str],
    min_proof_score: float | None,
    pinned_only: bool,
    params: PageParams,
) -> dict[str, Any]:
    """The chain's projects, pinned first, as anonymous full project JSON (4 statements)."""
    filters = FeedFilters(tech=tuple(tech_stack), min_score=min_proof_score)
    rows, total = await repository.projects_page(
        session,
        chain.id,
        filters=filters,
        pinned_only=pinned_only,
        sort=sort,
        offset=params.offset,
        limit=params.limit,
    )
    items = await project_items(session, [row[:4] for row in rows])
    for item, row in zip(items, rows, strict=True):
        item["chain_metadata"] = metadata_json(row[4])
    return page_body(items, params, total)
