"""HTTP routes of investors."""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request
from starlette.responses import Response

from oxship.auth.dependencies import AdminUser, CurrentUser, InvestorUser, OptionalUser
from oxship.db import SessionDep
from oxship.errors import ValidationFailed
from oxship.investors import directory, service
from oxship.investors.cache import DIRECTORY_TTL, INVESTORS
from oxship.investors.filters import DirectoryFilters, DirectorySort
from oxship.investors.schemas import (
    MAX_ITEM_CHARS,
    MAX_LIST_ITEMS,
    MAX_TICKET,
    AdminInvestorRequestOut,
    ApplicationCreate,
    ApplicationUpdate,
    ApproveBody,
    InvestorProfileOut,
    InvestorRequestOut,
    InvestorStatsOut,
    InvestorType,
    MatchOut,
    PlanBody,
    ProfileUpdate,
    RejectBody,
    RevokedOut,
    Stage,
)
from oxship.kit.cache import CacheDep, cached_json
from oxship.kit.envelope import ERROR_RESPONSES, Envelope, ErrorOut, JSONBody, PageEnvelope, ok
from oxship.kit.pagination import Pagination

router = APIRouter(prefix="/api/investor-requests", tags=["investors"], responses=ERROR_RESPONSES)
directory_router = APIRouter(prefix="/api/investors", tags=["investors"], responses=ERROR_RESPONSES)
admin_router = APIRouter(prefix="/api/admin", tags=["admin"], responses=ERROR_RESPONSES)
# Registered before the projects router: its `/{project_id}` would capture `investor`.
matches_router = APIRouter(prefix="/api/projects", tags=["investors"], responses=ERROR_RESPONSES)

PRIVATE = {"Cache-Control": "private, no-store"}
CONFLICT: dict[int | str, dict[str, Any]] = {409: {"model": ErrorOut, "description": "Conflict"}}


class RequestStatus(StrEnum):
    """Which applications an admin list shows."""

    ALL = "all"
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    REVOKED = "revoked"


def _status(value: RequestStatus | None) -> str | None:
    return None if value in (None, RequestStatus.ALL) else str(value)


# --- applications (declared before every `/{id}` route) ---------------------------------------


@router.post(
    "/apply", status_code=201, response_model=Envelope[InvestorRequestOut], responses=CONFLICT
)
async def apply(body: ApplicationCreate, session: SessionDep, user: CurrentUser) -> JSONBody:
    """Apply to become an investor (pending until an admin decides)."""
    data = await service.apply(session, user=user, data=body)
    return ok(data, message="Application submitted", status_code=201, headers=PRIVATE)


@router.put("/apply", response_model=Envelope[InvestorRequestOut], responses=CONFLICT)
async def update_application(
    body: ApplicationUpdate, session: SessionDep, user: CurrentUser
) -> JSONBody:
    """Edit the caller's application while it is pending."""
    data = await service.update_application(session, user=user, data=body)
    return ok(data, message="Application updated", headers=PRIVATE)


@router.get("/my-request", response_model=Envelope[InvestorRequestOut])
async def my_request(session: SessionDep, user: CurrentUser) -> JSONBody:
    """The caller's latest application (404 if none)."""
    return ok(await service.my_request(session, user=user), headers=PRIVATE)


@router.put("/profile", response_model=Envelope[InvestorRequestOut])
async def update_profile(body: ProfileUpdate, session: SessionDep, user: InvestorUser) -> JSONBody:
    """Edit the caller's approved investor profile (public fields only)."""
    data = await service.update_profile(session, user=user, data=body)
    return ok(data, message="Profile updated", headers=PRIVATE)


# --- legacy admin paths ----------------------------------------------------------------------


@router.get("/pending", response_model=PageEnvelope[AdminInvestorRequestOut])
async def legacy_pending(session: SessionDep, admin: AdminUser, params: Pagination) -> JSONBody:
    """Pending applications, newest first (admin; legacy path)."""
    body = await service.admin_page(session, status="pending", params=params)
    return JSONBody(body, headers=PRIVATE)


@router.get("/all", response_model=PageEnvelope[AdminInvestorRequestOut])
async def legacy_all(
    session: SessionDep, admin: AdminUser, params: Pagination, status: RequestStatus | None = None
) -> JSONBody:
    """Applications of any or one status, newest first (admin; legacy path)."""
    body = await service.admin_page(session, status=_status(status), params=params)
    return JSONBody(body, headers=PRIVATE)


@router.get("/user/{user_id}", response_model=Envelope[InvestorProfileOut])
async def public_profile(
    user_id: uuid.UUID, request: Request, session: SessionDep, cache: CacheDep, viewer: OptionalUser
) -> Response:
    """The approved, public investor profile of a user (404 otherwise)."""

    async def load() -> dict[str, Any]:
        return await directory.public_profile(session, user_id=user_id)

    return await cached_json(request, cache, namespaces=[INVESTORS], ttl=DIRECTORY_TTL, load=load)


@router.post(
    "/{request_id}/approve", response_model=Envelope[AdminInvestorRequestOut], responses=CONFLICT
)
async def legacy_approve(
    request_id: uuid.UUID,
    session: SessionDep,
    admin: AdminUser,
    body: Annotated[ApproveBody | None, Body()] = None,
) -> JSONBody:
    """Approve a pending application (admin; legacy path)."""
    notes = body.admin_notes if body else None
    data = await service.approve(session, admin=admin, request_id=request_id, admin_notes=notes)
    return ok(data, message="Investor request approved")


@router.post(
    "/{request_id}/reject", response_model=Envelope[AdminInvestorRequestOut], responses=CONFLICT
)
async def legacy_reject(
    request_id: uuid.UUID, body: RejectBody, session: SessionDep, admin: AdminUser
) -> JSONBody:
    """Reject a pending application with a reason (admin; legacy path)."""
    data = await service.reject(session, admin=admin, request_id=request_id, reason=body.reason)
    return ok(data, message="Investor request rejected")


# --- admin -----------------------------------------------------------------------------------


@admin_router.get("/investor-requests", response_model=PageEnvelope[AdminInvestorRequestOut])
async def admin_requests(
    session: SessionDep, admin: AdminUser, params: Pagination, status: RequestStatus | None = None
) -> JSONBody:
    """Investor applications of any or one status, newest first, with the applicant's email."""
    body = await service.admin_page(session, status=_status(status), params=params)
    return JSONBody(body, headers=PRIVATE)


@admin_router.post(
    "/investor-requests/{request_id}/approve",
    response_model=Envelope[AdminInvestorRequestOut],
    responses=CONFLICT,
)
async def admin_approve(
    request_id: uuid.UUID,
    session: SessionDep,
    admin: AdminUser,
    body: Annotated[ApproveBody | None, Body()] = None,
) -> JSONBody:
    """Approve a pending application: sets `is_investor` and notifies the applicant."""
    notes = body.admin_notes if body else None
    data = await service.approve(session, admin=admin, request_id=request_id, admin_notes=notes)
    return ok(data, message="Investor request approved")


@admin_router.post(
    "/investor-requests/{request_id}/reject",
    response_model=Envelope[AdminInvestorRequestOut],
    responses=CONFLICT,
)
async def admin_reject(
    request_id: uuid.UUID, body: RejectBody, session: SessionDep, admin: AdminUser
) -> JSONBody:
    """Reject a pending application with a reason; the applicant is notified."""
    data = await service.reject(session, admin=admin, request_id=request_id, reason=body.reason)
    return ok(data, message="Investor request rejected")


@admin_router.post("/investors/{user_id}/revoke", response_model=Envelope[RevokedOut])
async def admin_revoke(user_id: uuid.UUID, session: SessionDep, admin: AdminUser) -> JSONBody:
    """Revoke a user's investor status (404 if not an investor)."""
    data = await service.revoke(session, admin=admin, user_id=user_id)
    return ok(data, message="Investor status revoked")


@admin_router.put("/investors/{user_id}/plan", response_model=Envelope[AdminInvestorRequestOut])
async def admin_set_plan(
    user_id: uuid.UUID, body: PlanBody, session: SessionDep, admin: AdminUser
) -> JSONBody:
    """Set the plan (free, professional, enterprise) of a user's open investor application."""
    data = await service.set_plan(session, admin=admin, user_id=user_id, plan_type=body.plan_type)
    return ok(data, message="Investor plan updated")


# --- directory -------------------------------------------------------------------------------

TagQuery = Annotated[
    list[str] | None,
    Query(max_length=MAX_LIST_ITEMS, description="repeatable; any of the values matches"),
]


def _tags(name: str, values: list[str] | None) -> tuple[str, ...]:
    cleaned: list[str] = []
    for value in values or ():
        text = value.strip().lower()
        if len(text) > MAX_ITEM_CHARS or "\x00" in text:
            raise ValidationFailed.field(name, f"each value is at most {MAX_ITEM_CHARS} characters")
        if text and text not in cleaned:
            cleaned.append(text)
    return tuple(cleaned)


@directory_router.get("/public", response_model=PageEnvelope[InvestorProfileOut])
async def public_directory(
    request: Request,
    session: SessionDep,
    cache: CacheDep,
    viewer: OptionalUser,
    params: Pagination,
    type: InvestorType | None = None,  # the contract's parameter name
    stage: Annotated[list[Stage] | None, Query(max_length=6, description="repeatable")] = None,
    industry: TagQuery = None,
    geography: TagQuery = None,
    min_ticket: Annotated[int | None, Query(ge=0, le=MAX_TICKET)] = None,
    max_ticket: Annotated[int | None, Query(ge=0, le=MAX_TICKET)] = None,
    open_to_requests: bool | None = None,
    search: Annotated[str | None, Query(max_length=200)] = None,
    sort: DirectorySort = DirectorySort.NEWEST,
) -> Response:
    """Approved public investors: filters, sorts, pagination; `meta.filters` echoes the filters."""
    if min_ticket is not None and max_ticket is not None and min_ticket > max_ticket:
        raise ValidationFailed.field("min_ticket", "min_ticket must not exceed max_ticket")
    text = (search or "").strip()
    if "\x00" in text:
        raise ValidationFailed.field("search", "must not contain NUL characters")
    filters = DirectoryFilters(
        investor_type=type,
        stages=tuple(dict.fromkeys(stage or ())),
        industries=_tags("industry", industry),
        geographies=_tags("geography", geography),
        min_ticket=min_ticket,
        max_ticket=max_ticket,
        open_to_requests=open_to_requests,
        search=text or None,
    )

    async def load() -> dict[str, Any]:
        return await directory.page(session, filters=filters, sort=sort, params=params)

    return await cached_json(request, cache, namespaces=[INVESTORS], ttl=DIRECTORY_TTL, load=load)


@directory_router.get("/stats", response_model=Envelope[InvestorStatsOut])
async def investor_stats(
    request: Request, session: SessionDep, cache: CacheDep, viewer: OptionalUser
) -> Response:
    """Counts of approved public investors by type, stage and industry."""

    async def load() -> dict[str, Any]:
        return await directory.stats(session)

    return await cached_json(request, cache, namespaces=[INVESTORS], ttl=DIRECTORY_TTL, load=load)


# --- matches ---------------------------------------------------------------------------------


@matches_router.get("/investor/matches", response_model=PageEnvelope[MatchOut])
async def investor_matches(session: SessionDep, user: InvestorUser, params: Pagination) -> JSONBody:
    """Live projects ranked by `match_score` against the caller's approved investor profile."""
    body = await directory.matches(session, user=user, params=params)
    return JSONBody(body, headers=PRIVATE)
