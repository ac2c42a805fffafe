"""HTTP routes of admin."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query

from oxship.admin import moderation, service
from oxship.admin.schemas import (
    AdminProjectOut,
    AdminUserOut,
    BanBody,
    ChainStatus,
    DeletedOut,
    PlatformStatsOut,
    Role,
    SuspendBody,
    UserDeletedOut,
)
from oxship.audit.schemas import AuditEntryOut
from oxship.auth.dependencies import AdminUser
from oxship.chains.schemas import ChainOut, FeatureStateOut
from oxship.db import SessionDep
from oxship.kit.envelope import ERROR_RESPONSES, Envelope, ErrorOut, JSONBody, PageEnvelope, ok
from oxship.kit.pagination import Pagination
from oxship.projects.schemas import ProjectPatch

router = APIRouter(prefix="/api/admin", tags=["admin"], responses=ERROR_RESPONSES)

PRIVATE = {"Cache-Control": "private, no-store"}
CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"model": ErrorOut, "description": "Not in a state that allows this"}
}
Search = Annotated[str | None, Query(max_length=100)]

# --- users -------------------------------------------------------------------------------------


@router.get("/users", response_model=PageEnvelope[AdminUserOut])
async def list_users(
    session: SessionDep,
    admin: AdminUser,
    params: Pagination,
    search: Search = None,
    role: Role | None = None,
    is_active: bool | None = None,
) -> JSONBody:
    """Every account with its email and state, newest first (admin)."""
    body = await service.users_page(
        session,
        params=params,
        search=search,
        role=role.value if role else None,
        is_active=is_active,
    )
    return JSONBody(body, headers=PRIVATE)


@router.post(
    "/users/{user_id}/toggle-admin", response_model=Envelope[AdminUserOut], responses=CONFLICT
)
async def toggle_admin(user_id: uuid.UUID, session: SessionDep, admin: AdminUser) -> JSONBody:
    """Grant or remove the admin role (never on yourself)."""
    user = await service.toggle_admin(session, admin=admin, user_id=user_id)
    return ok(user, headers=PRIVATE)


@router.post("/users/{user_id}/ban", response_model=Envelope[AdminUserOut], responses=CONFLICT)
async def ban_user(
    user_id: uuid.UUID, body: BanBody, session: SessionDep, admin: AdminUser
) -> JSONBody:
    """Ban an account: sessions end, content hidden, sockets closed."""
    user = await service.ban(session, admin=admin, user_id=user_id, reason=body.reason)
    return ok(user, message="User banned", headers=PRIVATE)


@router.post("/users/{user_id}/unban", response_model=Envelope[AdminUserOut], responses=CONFLICT)
async def unban_user(user_id: uuid.UUID, session: SessionDep, admin: AdminUser) -> JSONBody:
    """Lift a ban."""
    user = await service.unban(session, admin=admin, user_id=user_id)
    return ok(user, message="User unbanned", headers=PRIVATE)


@router.delete("/users/{user_id}", response_model=Envelope[UserDeletedOut], responses=CONFLICT)
async def delete_user(user_id: uuid.UUID, session: SessionDep, admin: AdminUser) -> JSONBody:
    """Anonymise an account and soft-delete its projects and comments."""
    outcome = await service.delete_user(session, admin=admin, user_id=user_id)
    return ok(outcome, message="User deleted")


# --- projects ----------------------------------------------------------------------------------


@router.get("/projects", response_model=PageEnvelope[AdminProjectOut])
async def list_projects(
    session: SessionDep,
    admin: AdminUser,
    params: Pagination,
    search: Search = None,
    include_deleted: bool = False,
) -> JSONBody:
    """Projects of every owner, newest first; deleted ones with `include_deleted`."""
    body = await moderation.projects_page(
        session, params=params, search=search, include_deleted=include_deleted
    )
    return JSONBody(body, headers=PRIVATE)


@router.put("/projects/{project_id}", response_model=Envelope[AdminProjectOut])
async def update_project(
    project_id: uuid.UUID, body: ProjectPatch, session: SessionDep, admin: AdminUser
) -> JSONBody:
    """Edit any live project; scores recomputed."""
    item = await moderation.update_project(
        session, admin=admin, project_id=project_id, changes=body
    )
    return ok(item, headers=PRIVATE)


@router.delete("/projects/{project_id}", response_model=Envelope[DeletedOut])
async def delete_project(project_id: uuid.UUID, session: SessionDep, admin: AdminUser) -> JSONBody:
    """Soft-delete a project."""
    await moderation.delete_project(session, admin=admin, project_id=project_id)
    return ok({"deleted": True}, message="Project deleted")


@router.post(
    "/projects/{project_id}/restore", response_model=Envelope[AdminProjectOut], responses=CONFLICT
)
async def restore_project(project_id: uuid.UUID, session: SessionDep, admin: AdminUser) -> JSONBody:
    """Undo a soft delete (the project does not re-join its former chains)."""
    item = await moderation.restore_project(session, admin=admin, project_id=project_id)
    return ok(item, message="Project restored", headers=PRIVATE)


@router.post("/projects/{project_id}/feature", response_model=Envelope[AdminProjectOut])
async def feature_project(project_id: uuid.UUID, session: SessionDep, admin: AdminUser) -> JSONBody:
    """Toggle a project's featured flag."""
    item = await moderation.feature_project(session, admin=admin, project_id=project_id)
    return ok(item, headers=PRIVATE)


# --- chains ------------------------------------------------------------------------------------


@router.get("/chains", response_model=PageEnvelope[ChainOut])
async def list_chains(
    session: SessionDep,
    admin: AdminUser,
    params: Pagination,
    status: ChainStatus | None = None,
    search: Search = None,
) -> JSONBody:
    """Every chain, private ones included, newest first, by effective status."""
    body = await moderation.chains_page(
        session, params=params, status=status.value if status else None, search=search
    )
    return JSONBody(body, headers=PRIVATE)


@router.get("/chains/moderation-logs", response_model=PageEnvelope[AuditEntryOut])
async def chain_moderation_logs(
    session: SessionDep, admin: AdminUser, params: Pagination
) -> JSONBody:
    """Every admin action on chains, newest first."""
    body = await moderation.moderation_logs(session, params=params)
    return JSONBody(body, headers=PRIVATE)


@router.get("/chains/{slug}/logs", response_model=PageEnvelope[AuditEntryOut])
async def chain_logs(
    slug: str, session: SessionDep, admin: AdminUser, params: Pagination
) -> JSONBody:
    """Admin actions on one chain, newest first."""
    body = await moderation.chain_logs(session, slug=slug, params=params)
    return JSONBody(body, headers=PRIVATE)


@router.post("/chains/{slug}/ban", response_model=Envelope[ChainOut], responses=CONFLICT)
async def ban_chain(slug: str, body: BanBody, session: SessionDep, admin: AdminUser) -> JSONBody:
    """Ban a chain (read-only for non-admins); the owner is notified."""
    chain = await moderation.ban_chain(session, admin=admin, slug=slug, reason=body.reason)
    return ok(chain, message="Chain banned", headers=PRIVATE)


@router.post("/chains/{slug}/suspend", response_model=Envelope[ChainOut], responses=CONFLICT)
async def suspend_chain(
    slug: str, body: SuspendBody, session: SessionDep, admin: AdminUser
) -> JSONBody:
    """Suspend a chain for 1..365 days; it lifts itself when the time ends."""
    chain = await moderation.suspend_chain(
        session, admin=admin, slug=slug, reason=body.reason, duration_days=body.duration_days
    )
    return ok(chain, message="Chain suspended", headers=PRIVATE)


@router.post("/chains/{slug}/unban", response_model=Envelope[ChainOut], responses=CONFLICT)
async def unban_chain(slug: str, session: SessionDep, admin: AdminUser) -> JSONBody:
    """Lift a chain's ban or running suspension."""
    chain = await moderation.unban_chain(session, admin=admin, slug=slug)
    return ok(chain, message="Chain reinstated", headers=PRIVATE)


@router.delete("/chains/{slug}", response_model=Envelope[DeletedOut])
async def delete_chain(slug: str, session: SessionDep, admin: AdminUser) -> JSONBody:
    """Soft-delete a chain; its followers are notified."""
    await moderation.delete_chain(session, admin=admin, slug=slug)
    return ok({"deleted": True}, message="Chain deleted")


@router.post("/chains/{slug}/feature", response_model=Envelope[FeatureStateOut])
async def feature_chain(slug: str, session: SessionDep, admin: AdminUser) -> JSONBody:
    """Toggle a chain's featured flag."""
    return ok(await moderation.feature_chain(session, admin=admin, slug=slug))


# --- stats -------------------------------------------------------------------------------------


@router.get("/stats", response_model=Envelope[PlatformStatsOut])
async def platform_stats(session: SessionDep, admin: AdminUser) -> JSONBody:
    """Platform counters: users, projects, badges, investor requests, chains, feedback."""
    return ok(await service.stats(session), headers=PRIVATE)
