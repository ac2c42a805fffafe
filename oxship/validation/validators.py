"""Validator rules: permissions, the review queue and its transitions, auto-assignment."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from oxship.errors import Conflict, Forbidden, NotFound
from oxship.kit.clock import iso
from oxship.kit.pagination import PageParams, page_body
from oxship.models import Project, User, ValidatorAssignment, ValidatorProfile
from oxship.notifications import service as notifications
from oxship.projects import listing
from oxship.projects import service as projects
from oxship.validation import repository
from oxship.validation.repository import AssignmentFilters, Scope
from oxship.validation.schemas import (
    ASSIGNMENT_STATUSES,
    badge_json,
)

DETAIL_BADGES = 100


def assignment_json(a: ValidatorAssignment) -> dict[str, Any]:
    """The JSON of an assignment."""
    return {
        "id": str(a.id),
        "validator_id": str(a.validator_id),
        "project_id": str(a.project_id),
        "status": a.status,
        "priority": a.priority,
        "notes": a.notes,
        "assigned_by": str(a.assigned_by) if a.assigned_by else None,
        "created_at": iso(a.created_at),
        "updated_at": iso(a.updated_at),
    }


def permissions_json(user_id: uuid.UUID, profile: ValidatorProfile | None) -> dict[str, Any]:
    """What a validator may validate (all false/empty without a profile)."""
    return {
        "user_id": str(user_id),
        "has_profile": profile is not None,
        "is_active": bool(profile and profile.is_active),
        "can_validate_all": bool(profile and profile.can_validate_all),
        "allowed_badge_types": list(profile.allowed_badge_types) if profile else [],
        "allowed_categories": list(profile.allowed_categories) if profile else [],
        "allowed_project_ids": list(profile.allowed_project_ids) if profile else [],
    }


def _scope(profile: ValidatorProfile) -> Scope:
    ids = []
    for raw in profile.allowed_project_ids or []:
        try:
            ids.append(uuid.UUID(raw))
        except ValueError:
            continue
    return Scope(
        validator_id=profile.user_id,
        can_validate_all=profile.can_validate_all,
        categories=tuple(c.lower() for c in profile.allowed_categories or []),
        project_ids=tuple(ids),
    )


async def _active_profile(session: AsyncSession, user: User) -> ValidatorProfile | None:
    profile = await repository.get_profile(session, user.id)
    return profile if profile is not None and profile.is_active else None


async def require_award_permission(
    session: AsyncSession, *, validator: User, project: Project, badge_type: str
) -> None:
    """403 unless the validator may award this type to this project (API §3.10)."""
    profile = await _active_profile(session, validator)
    if profile is None:
        raise Forbidden("You have no active validator profile")
    if badge_type not in {t.lower() for t in profile.allowed_badge_types or []}:
        raise Forbidden(f"You may not award {badge_type} badges")
    scope = _scope(profile)
    if scope.can_validate_all or project.id in scope.project_ids:
        return
    if {c.strip().lower() for c in project.categories or []} & set(scope.categories):
        return
    if await repository.assignment_of(session, validator_id=validator.id, project_id=project.id):
        return
    raise Forbidden("You may not validate this project")


# --- the validator's own routes ------------------------------------------------------------------


async def with_projects(
    session: AsyncSession,
    viewer: User,
    rows: list[Any],
    params: PageParams,
    total: int,
    meta: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A page of (assignment, project card columns…) rows: each assignment with its `project`."""
    items = await listing.project_items(session, [row[1:5] for row in rows])
    data = [
        {**assignment_json(row[0]), "project": item} for row, item in zip(rows, items, strict=True)
    ]
    await listing.overlay_caller(session, viewer, {"data": items})  # edits the items in place
    return page_body(data, params, total, meta=meta)


async def dashboard(
    session: AsyncSession,
    *,
    user: User,
    status: str | None,
    priority: str | None,
    params: PageParams,
) -> dict[str, Any]:
    """The caller's assignments of live projects, most urgent then oldest first (7 statements)."""
    rows, total = await repository.assignment_page(
        session,
        AssignmentFilters(validator_id=user.id, status=status, priority=priority),
        offset=params.offset,
        limit=params.limit,
    )
    meta = {"filters": {"status": status, "priority": priority}}
    return await with_projects(session, user, rows, params, total, meta)


async def _moved_assignment(
    session: AsyncSession, *, user: User, assignment_id: uuid.UUID, moved: bool, verb: str
) -> dict[str, Any]:
    assignment = await repository.get_assignment(session, assignment_id)
    if assignment is None or assignment.validator_id != user.id:
        raise NotFound("Assignment not found")
    if not moved:
        raise Conflict(f"Cannot {verb} an assignment that is {assignment.status}")
    return assignment_json(assignment)


async def start_review(
    session: AsyncSession, *, user: User, assignment_id: uuid.UUID
) -> dict[str, Any]:
    """pending → in_review (the assigned validator only; 409 from another state)."""
    moved = await repository.move_assignment(
        session,
        assignment_id,
        validator_id=user.id,
        from_statuses=("pending",),
        values={"status": "in_review"},
    )
    return await _moved_assignment(
        session, user=user, assignment_id=assignment_id, moved=moved, verb="start reviewing"
    )


async def reject(
    session: AsyncSession, *, user: User, assignment_id: uuid.UUID, notes: str
) -> dict[str, Any]:
    """pending | in_review → rejected with the validator's notes (replacing the admin's)."""
    moved = await repository.move_assignment(
        session,
        assignment_id,
        validator_id=user.id,
        from_statuses=("pending", "in_review"),
        values={"status": "rejected", "notes": notes},
    )
    return await _moved_assignment(
        session, user=user, assignment_id=assignment_id, moved=moved, verb="reject"
    )


async def projects_page(
    session: AsyncSession, *, user: User, validated: bool | None, params: PageParams
) -> dict[str, Any]:
    """Live projects the caller may validate (not their own), newest first (8 statements)."""
    profile = await _active_profile(session, user)
    if profile is None:
        return page_body([], params, 0)
    rows, total = await repository.scope_page(
        session, _scope(profile), validated=validated, offset=params.offset, limit=params.limit
    )
    items = await listing.project_items(session, [row[:4] for row in rows])
    for item, row in zip(items, rows, strict=True):
        item["validated_by_me"] = bool(row.mine)
    body = page_body(items, params, total)
    await listing.overlay_caller(session, user, body)
    return body


async def project_detail(
    session: AsyncSession, *, user: User, project_id: uuid.UUID
) -> dict[str, Any]:
    """A project to review with its badges; 404 unknown, 403 outside the caller's permission."""
    project = await projects.get_live(session, project_id)
    profile = await _active_profile(session, user)
    if (
        profile is None
        or project.user_id == user.id
        or not await repository.in_scope(session, _scope(profile), project.id)
    ):
        raise Forbidden("You may not validate this project")
    detail = await projects.detail(session, project.id)
    envelope = {"data": detail}
    await listing.overlay_caller(session, user, envelope)
    rows, _ = await repository.project_badges(session, project.id, offset=0, limit=DETAIL_BADGES)
    mine = await repository.badge_of(session, validator_id=user.id, project_id=project.id)
    assignment = await repository.assignment_of(
        session, validator_id=user.id, project_id=project.id
    )
    return {
        "project": envelope["data"],
        "badges": [badge_json(r) for r in rows],
        "my_badge": badge_json(mine) if mine else None,
        "assignment": assignment_json(assignment) if assignment else None,
        "allowed_badge_types": list(profile.allowed_badge_types or []),
    }


async def my_permissions(session: AsyncSession, *, user: User) -> dict[str, Any]:
    """The caller's validator permissions."""
    return permissions_json(user.id, await repository.get_profile(session, user.id))


async def stats(session: AsyncSession, *, user: User) -> dict[str, Any]:
    """Badges the caller awarded (per type), assignments per status, karma."""
    by_type = await repository.badges_by_type(session, user.id)
    found = await repository.assignments_by_status(session, user.id)
    by_status = {status: found.get(status, 0) for status in ASSIGNMENT_STATUSES}
    return {
        "badges_awarded": sum(by_type.values()),
        "badges_by_type": by_type,
        "assignments_total": sum(by_status.values()),
        "assignments_by_status": by_status,
        "karma": round(user.karma or 0.0, 2),
    }


# --- auto-assignment -----------------------------------------------------------------------------


async def assign_new_project(session: AsyncSession, *, project_id: uuid.UUID) -> int:
    """Assign a new project to every active validator who may validate all projects or shares a
    category with it (one INSERT … SELECT), and notify them (one INSERT … SELECT)."""
    project = await projects.get_live(session, project_id)
    categories = sorted({c.strip().lower() for c in project.categories or [] if c.strip()})
    created = await repository.auto_assign(
        session, project_id=project.id, owner_id=project.user_id, categories=categories
    )
    if created:
        await notifications.notify_many(
            session,
            recipients=repository.assignees_of(project.id),
            actor_id=None,
            type="validator_assignment",
            title="A new project to review",
            message=f"“{project.title}” was assigned to you",
            project_id=project.id,
        )
    return created
