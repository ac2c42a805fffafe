"""HTTP routes of validation: `/api/badges`, `/api/validator` and the admin validation routes."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from oxship.auth.dependencies import AdminUser, CurrentUser, ValidatorUser
from oxship.db import SessionDep
from oxship.kit.cache import CacheDep, cached_json
from oxship.kit.envelope import ERROR_RESPONSES, Envelope, ErrorOut, JSONBody, PageEnvelope, ok
from oxship.kit.pagination import Pagination
from oxship.projects.cache import project_ns
from oxship.validation import management, service, validators
from oxship.validation.cache import BADGE_TYPES, BADGES_TTL, TYPES_TTL, badges_ns
from oxship.validation.schemas import (
    AdminBadgeAward,
    AdminBadgeOut,
    AssignmentCreate,
    AssignmentOut,
    AssignmentStatus,
    AssignmentWithProjectOut,
    BadgeAward,
    BadgeChangeOut,
    BadgeOut,
    BadgePatch,
    BadgeRemovedOut,
    BadgeTypeCreate,
    BadgeTypeOut,
    BulkAssign,
    BulkAssignOut,
    DeletedOut,
    PermissionsOut,
    PermissionsUpdate,
    Priority,
    RejectBody,
    ValidatorEmail,
    ValidatorOut,
    ValidatorProjectDetailOut,
    ValidatorProjectOut,
    ValidatorStatsOut,
    badge_type_key,
)

router = APIRouter(prefix="/api/badges", tags=["badges"], responses=ERROR_RESPONSES)
validator_router = APIRouter(prefix="/api/validator", tags=["validator"], responses=ERROR_RESPONSES)
admin_router = APIRouter(prefix="/api/admin", tags=["admin"], responses=ERROR_RESPONSES)

PRIVATE = {"Cache-Control": "private, no-store"}
CONFLICT: dict[int | str, dict[str, Any]] = {409: {"model": ErrorOut, "description": "Conflict"}}


# --- /api/badges ---------------------------------------------------------------------------------


@router.post("/award", status_code=201, response_model=Envelope[BadgeChangeOut], responses=CONFLICT)
async def award_badge(body: BadgeAward, session: SessionDep, user: CurrentUser) -> JSONBody:
    """Award a badge to a project (a permitted validator, or an admin); one per validator."""
    badge = await service.award(session, user=user, data=body)
    return ok(badge, message="Badge awarded", status_code=201)


@router.get("/types", response_model=PageEnvelope[BadgeTypeOut])
async def badge_types(
    request: Request, session: SessionDep, cache: CacheDep, params: Pagination
) -> Response:
    """The built-in badge types, then the custom ones by name."""

    async def load() -> dict[str, Any]:
        return await service.types_page(session, params=params)

    return await cached_json(request, cache, namespaces=[BADGE_TYPES], ttl=TYPES_TTL, load=load)


@router.get("/{project_id}", response_model=PageEnvelope[BadgeOut])
async def project_badges(
    project_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    cache: CacheDep,
    params: Pagination,
) -> Response:
    """A live project's badges with their validators, newest first."""

    async def load() -> dict[str, Any]:
        return await service.project_badges(session, project_id=project_id, params=params)

    return await cached_json(
        request,
        cache,
        namespaces=[badges_ns(project_id), project_ns(project_id)],
        ttl=BADGES_TTL,
        load=load,
    )


# --- /api/validator ------------------------------------------------------------------------------


@validator_router.get("/dashboard", response_model=PageEnvelope[AssignmentWithProjectOut])
async def dashboard(
    session: SessionDep,
    user: ValidatorUser,
    params: Pagination,
    status: AssignmentStatus | None = None,
    priority: Priority | None = None,
) -> JSONBody:
    """The caller's assignments with their projects: most urgent first, then oldest."""
    body = await validators.dashboard(
        session, user=user, status=status, priority=priority, params=params
    )
    return JSONBody(body, headers=PRIVATE)


@validator_router.post(
    "/assignments/{assignment_id}/start-review",
    response_model=Envelope[AssignmentOut],
    responses=CONFLICT,
)
async def start_review(
    assignment_id: uuid.UUID, session: SessionDep, user: ValidatorUser
) -> JSONBody:
    """Start reviewing one of the caller's pending assignments."""
    data = await validators.start_review(session, user=user, assignment_id=assignment_id)
    return ok(data, message="Review started")


@validator_router.post(
    "/assignments/{assignment_id}/reject",
    response_model=Envelope[AssignmentOut],
    responses=CONFLICT,
)
async def reject_assignment(
    assignment_id: uuid.UUID, body: RejectBody, session: SessionDep, user: ValidatorUser
) -> JSONBody:
    """Reject one of the caller's open assignments, with notes."""
    data = await validators.reject(
        session, user=user, assignment_id=assignment_id, notes=body.notes
    )
    return ok(data, message="Assignment rejected")


@validator_router.get("/projects", response_model=PageEnvelope[ValidatorProjectOut])
async def validator_projects(
    session: SessionDep,
    user: ValidatorUser,
    params: Pagination,
    validated: Literal["false", "true", "all"] = "false",
) -> JSONBody:
    """Live projects the caller may validate: not yet badged by them, badged, or all."""
    wanted = {"false": False, "true": True, "all": None}[validated]
    body = await validators.projects_page(session, user=user, validated=wanted, params=params)
    return JSONBody(body, headers=PRIVATE)


@validator_router.get("/projects/{project_id}", response_model=Envelope[ValidatorProjectDetailOut])
async def validator_project(
    project_id: uuid.UUID, session: SessionDep, user: ValidatorUser
) -> JSONBody:
    """A project to review, with its badges and the caller's badge and assignment."""
    data = await validators.project_detail(session, user=user, project_id=project_id)
    return ok(data, headers=PRIVATE)


@validator_router.get("/permissions", response_model=Envelope[PermissionsOut])
async def permissions(session: SessionDep, user: ValidatorUser) -> JSONBody:
    """What the caller may validate."""
    return ok(await validators.my_permissions(session, user=user), headers=PRIVATE)


@validator_router.get("/stats", response_model=Envelope[ValidatorStatsOut])
async def stats(session: SessionDep, user: ValidatorUser) -> JSONBody:
    """The caller's badges by type, assignments by status and karma."""
    return ok(await validators.stats(session, user=user), headers=PRIVATE)


# --- /api/admin: validators and assignments ------------------------------------------------------


@admin_router.get("/validators", response_model=PageEnvelope[ValidatorOut])
async def list_validators(session: SessionDep, admin: AdminUser, params: Pagination) -> JSONBody:
    """Validators by username, with their profiles."""
    body = await management.validators_page(session, params=params)
    return JSONBody(body, headers=PRIVATE)


@admin_router.post(
    "/validators/add-email", response_model=Envelope[ValidatorOut], responses=CONFLICT
)
async def add_validator(body: ValidatorEmail, session: SessionDep, admin: AdminUser) -> JSONBody:
    """Make the user with this email a validator."""
    data = await management.add_by_email(session, admin=admin, email=body.email)
    return ok(data, message="Validator added")


@admin_router.post("/validators/{user_id}/remove", response_model=Envelope[ValidatorOut])
async def remove_validator(user_id: uuid.UUID, session: SessionDep, admin: AdminUser) -> JSONBody:
    """Stop a user being a validator; their open assignments are deleted."""
    data = await management.remove(session, admin=admin, user_id=user_id)
    return ok(data, message="Validator removed")


@admin_router.post("/validators/{user_id}/permissions", response_model=Envelope[PermissionsOut])
async def set_permissions(
    user_id: uuid.UUID, body: PermissionsUpdate, session: SessionDep, admin: AdminUser
) -> JSONBody:
    """Replace the permissions sent of a validator."""
    data = await management.set_permissions(session, admin=admin, user_id=user_id, data=body)
    return ok(data, message="Permissions updated")


@admin_router.post(
    "/validator-assignments",
    status_code=201,
    response_model=Envelope[AssignmentOut],
    responses=CONFLICT,
)
async def create_assignment(
    body: AssignmentCreate, session: SessionDep, admin: AdminUser
) -> JSONBody:
    """Assign a project to a validator."""
    data = await management.create_assignment(session, admin=admin, data=body)
    return ok(data, message="Assignment created", status_code=201)


@admin_router.post("/validator-assignments/bulk", response_model=Envelope[BulkAssignOut])
async def bulk_assign(body: BulkAssign, session: SessionDep, admin: AdminUser) -> JSONBody:
    """Assign unassigned live projects of a category to a validator."""
    return ok(await management.bulk_assign(session, admin=admin, data=body))


@admin_router.delete("/validator-assignments/{assignment_id}", response_model=Envelope[DeletedOut])
async def delete_assignment(
    assignment_id: uuid.UUID, session: SessionDep, admin: AdminUser
) -> JSONBody:
    """Delete an assignment."""
    data = await management.delete_assignment(session, admin=admin, assignment_id=assignment_id)
    return ok(data, message="Assignment deleted")


@admin_router.get(
    "/validator-assignments/validator/{user_id}",
    response_model=PageEnvelope[AssignmentWithProjectOut],
)
async def validator_assignments(
    user_id: uuid.UUID, session: SessionDep, admin: AdminUser, params: Pagination
) -> JSONBody:
    """A validator's assignments with their projects, in dashboard order."""
    body = await management.assignments_of(
        session, admin=admin, validator_id=user_id, params=params
    )
    return JSONBody(body, headers=PRIVATE)


# --- /api/admin: badges and badge types ----------------------------------------------------------


@admin_router.get("/badges", response_model=PageEnvelope[AdminBadgeOut])
async def list_badges(
    session: SessionDep,
    admin: AdminUser,
    params: Pagination,
    badge_type: Annotated[str | None, Query(min_length=1, max_length=50)] = None,
    validator_id: uuid.UUID | None = None,
    project_id: uuid.UUID | None = None,
) -> JSONBody:
    """Every badge, newest first; filters `badge_type`, `validator_id`, `project_id`."""
    filters = service.BadgeFilters(
        badge_type=_type_filter(badge_type), validator_id=validator_id, project_id=project_id
    )
    body = await service.admin_page(session, filters=filters, params=params)
    return JSONBody(body, headers=PRIVATE)


def _type_filter(raw: str | None) -> str | None:
    if raw is None or not raw.strip():
        return None
    try:
        return badge_type_key(raw)
    except ValueError:
        return raw.strip().lower()


@admin_router.post(
    "/badges/award", status_code=201, response_model=Envelope[BadgeChangeOut], responses=CONFLICT
)
async def admin_award(body: AdminBadgeAward, session: SessionDep, admin: AdminUser) -> JSONBody:
    """Award a badge on behalf of any validator (no permission check; one per validator)."""
    data = await service.admin_award(session, admin=admin, data=body)
    return ok(data, message="Badge awarded", status_code=201)


@admin_router.get("/badges/{badge_id}", response_model=Envelope[AdminBadgeOut])
async def get_badge(badge_id: uuid.UUID, session: SessionDep, admin: AdminUser) -> JSONBody:
    """One badge."""
    return ok(await service.get_badge(session, badge_id=badge_id), headers=PRIVATE)


@admin_router.patch("/badges/{badge_id}", response_model=Envelope[BadgeChangeOut])
async def patch_badge(
    badge_id: uuid.UUID, body: BadgePatch, session: SessionDep, admin: AdminUser
) -> JSONBody:
    """Change a badge's type or rationale; scores are recomputed."""
    data = await service.patch_badge(session, admin=admin, badge_id=badge_id, changes=body)
    return ok(data, message="Badge updated")


@admin_router.delete("/badges/{badge_id}", response_model=Envelope[BadgeRemovedOut])
async def delete_badge(badge_id: uuid.UUID, session: SessionDep, admin: AdminUser) -> JSONBody:
    """Delete a badge; scores and karma are recomputed."""
    data = await service.remove_badge(session, admin=admin, badge_id=badge_id)
    return ok(data, message="Badge deleted")


@admin_router.post(
    "/badge-types", status_code=201, response_model=Envelope[BadgeTypeOut], responses=CONFLICT
)
async def create_badge_type(
    body: BadgeTypeCreate, session: SessionDep, admin: AdminUser
) -> JSONBody:
    """Define a custom badge type."""
    data = await service.create_type(session, admin=admin, data=body)
    return ok(data, message="Badge type created", status_code=201)
