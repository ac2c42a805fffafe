"""Badge rules: types, awards (with their effects in one transaction), admin edits and removals."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from oxship.audit import service as audit
from oxship.errors import Conflict, Forbidden, NotFound, ValidationFailed
from oxship.kit.clock import iso, utcnow
from oxship.kit.outbox import outbox_of
from oxship.kit.pagination import PageParams, page_body
from oxship.models import Badge, User
from oxship.notifications import service as notifications
from oxship.projects import service as projects
from oxship.realtime.publisher import project_room, user_room
from oxship.users import service as users
from oxship.validation import repository, validators
from oxship.validation.cache import badges_changed, types_changed
from oxship.validation.repository import BadgeFilters
from oxship.validation.schemas import (
    BUILTIN_BADGE_POINTS,
    AdminBadgeAward,
    BadgeAward,
    BadgePatch,
    BadgeTypeCreate,
    badge_json,
)

__all__ = [
    "BadgeFilters",
    "admin_award",
    "assign_new_project",
    "award",
    "badge_json",
    "create_type",
    "get_badge",
    "patch_badge",
    "project_badges",
    "remove_badge",
    "types_page",
]


# --- badge types ---------------------------------------------------------------------------------


async def points_of(session: AsyncSession, badge_type: str, *, field: str = "badge_type") -> int:
    """The points of a built-in or custom badge type; 422 for an unknown one."""
    if badge_type in BUILTIN_BADGE_POINTS:
        return BUILTIN_BADGE_POINTS[badge_type]
    custom = await repository.custom_type(session, badge_type)
    if custom is None:
        raise ValidationFailed.field(field, f"unknown badge type: {badge_type}")
    return custom.points


def _type_json(*, name: str, points: int, builtin: bool, row: Any = None) -> dict[str, Any]:
    return {
        "id": str(row.id) if row is not None else None,
        "name": name,
        "points": points,
        "icon_url": row.icon_url if row is not None else None,
        "color": row.color if row is not None else None,
        "is_builtin": builtin,
        "created_at": iso(row.created_at) if row is not None else None,
    }


async def types_page(session: AsyncSession, *, params: PageParams) -> dict[str, Any]:
    """The five built-in types (fixed order), then custom types by name (2 statements)."""
    builtin = [
        _type_json(name=name, points=points, builtin=True)
        for name, points in BUILTIN_BADGE_POINTS.items()
    ]
    total = len(builtin) + await repository.count_types(session)
    items = builtin[params.offset : params.offset + params.limit]
    remaining = params.limit - len(items)
    if remaining > 0:
        offset = max(0, params.offset - len(builtin))
        rows = await repository.type_page(session, offset=offset, limit=remaining)
        items += [_type_json(name=r.name, points=r.points, builtin=False, row=r) for r in rows]
    return page_body(items, params, total)


async def create_type(
    session: AsyncSession, *, admin: User, data: BadgeTypeCreate
) -> dict[str, Any]:
    """Define a custom badge type (admin); 409 for a built-in or existing name (any letter case)."""
    if data.name in BUILTIN_BADGE_POINTS:
        raise Conflict("A built-in badge type has this name", details={"field": "name"})
    type_id = uuid.uuid4()
    values = {
        "id": type_id,
        "name": data.name,
        "points": data.points,
        "icon_url": data.icon_url,
        "color": data.color,
        "created_by": admin.id,
        "created_at": utcnow(),
    }
    # The unique name decides (names are stored lower-cased): concurrent creates make one row.
    if not await repository.insert_type(session, values):
        raise Conflict("A badge type with this name exists", details={"field": "name"})
    audit.record(
        session,
        actor=admin,
        action="badge_type.create",
        target_type="badge_type",
        target_id=type_id,
        data={"name": data.name, "points": data.points},
    )
    types_changed(session)
    row = await repository.custom_type(session, data.name)
    return _type_json(name=data.name, points=data.points, builtin=False, row=row)


# --- awarding ------------------------------------------------------------------------------------


async def _scores(session: AsyncSession, project_id: uuid.UUID) -> dict[str, Any]:
    row = await repository.project_scores(session, project_id)
    return {
        "id": str(row.id),
        "badge_count": row.badge_count,
        "badge_points": row.badge_points,
        "validation_score": round(row.validation_score, 2),
        "proof_score": round(row.proof_score, 2),
        "trending_score": row.trending_score,
    }


async def _moved(
    session: AsyncSession,
    *,
    project_id: uuid.UUID,
    owner_id: uuid.UUID,
    badges: int,
    points: int,
    validator_id: uuid.UUID | None,
) -> None:
    """Move the project's and owner's badge counters in SQL, then recompute scores and karma."""
    deltas = {"badge_points": points}
    if badges:
        deltas["badge_count"] = badges
        await repository.add_user_badge_count(session, owner_id, badges)
    await projects.add_to_counters(session, project_id, **deltas)
    await projects.recompute(session, project_id)  # proof, trending, then the owner's karma
    if validator_id is not None:
        await users.refresh_karma(session, validator_id)  # 2 per badge awarded
    badges_changed(session, project_id, owner_id)


def _emit(
    session: AsyncSession,
    name: str,
    *,
    project_id: uuid.UUID,
    owner_id: uuid.UUID,
    data: dict[str, Any],
) -> None:
    outbox_of(session).emit(
        name,
        {"project_id": str(project_id), "data": data},
        room=[project_room(project_id), user_room(owner_id)],
    )


async def _award(
    session: AsyncSession,
    *,
    validator: User,
    project_id: uuid.UUID,
    badge_type: str,
    rationale: str,
    check_permission: bool,
) -> dict[str, Any]:
    points = await points_of(session, badge_type)
    project = await projects.get_live(session, project_id, lock=True)
    if project.user_id == validator.id:
        raise Forbidden("You cannot award a badge to your own project")
    if check_permission:
        await validators.require_award_permission(
            session, validator=validator, project=project, badge_type=badge_type
        )
    badge_id = uuid.uuid4()
    values = {
        "id": badge_id,
        "project_id": project.id,
        "validator_id": validator.id,
        "badge_type": badge_type,
        "points": points,
        "rationale": rationale,
        "created_at": utcnow(),
        "updated_at": None,
    }
    # The (validator, project) unique constraint decides: concurrent awards make one row.
    if not await repository.insert_badge(session, values):
        raise Conflict("This validator has already awarded a badge to this project")
    await _moved(
        session,
        project_id=project.id,
        owner_id=project.user_id,
        badges=1,
        points=points,
        validator_id=validator.id,
    )
    await repository.settle_assignments(session, project_id=project.id, validator_id=validator.id)
    row = await repository.badge_row(session, badge_id)
    data = badge_json(row)
    await notifications.notify(
        session,
        user_id=project.user_id,
        actor_id=validator.id,
        type="badge",
        title="Your project received a badge",
        message=f"“{project.title}” received a {badge_type} badge",
        project_id=project.id,
        data={"badge_id": str(badge_id), "badge_type": badge_type, "points": points},
    )
    _emit(session, "badge:awarded", project_id=project.id, owner_id=project.user_id, data=data)
    return {**data, "project": await _scores(session, project.id)}


async def award(session: AsyncSession, *, user: User, data: BadgeAward) -> dict[str, Any]:
    """Award a badge as a permitted validator, or as an admin (API §3.10)."""
    if not (user.is_admin or user.is_validator):
        raise Forbidden("Only validators can award badges")
    return await _award(
        session,
        validator=user,
        project_id=data.project_id,
        badge_type=data.badge_type,
        rationale=data.rationale,
        check_permission=not user.is_admin,
    )


async def admin_award(
    session: AsyncSession, *, admin: User, data: AdminBadgeAward
) -> dict[str, Any]:
    """Award a badge on behalf of any validator (admin; no permission check)."""
    validator = await repository.get_user(session, data.validator_id)
    if validator is None:
        raise NotFound("Validator not found")
    if not validator.is_validator:
        raise ValidationFailed.field("validator_id", "this user is not a validator")
    result = await _award(
        session,
        validator=validator,
        project_id=data.project_id,
        badge_type=data.badge_type,
        rationale=data.rationale,
        check_permission=False,
    )
    audit.record(
        session,
        actor=admin,
        action="badge.award",
        target_type="badge",
        target_id=result["id"],
        data={
            "validator_id": str(validator.id),
            "project_id": str(data.project_id),
            "badge_type": data.badge_type,
        },
    )
    return result


# --- reading -------------------------------------------------------------------------------------


async def project_badges(
    session: AsyncSession, *, project_id: uuid.UUID, params: PageParams
) -> dict[str, Any]:
    """A live project's badges with their validators, newest first (3 statements)."""
    await projects.get_live(session, project_id)
    rows, total = await repository.project_badges(
        session, project_id, offset=params.offset, limit=params.limit
    )
    return page_body([badge_json(r) for r in rows], params, total)


def _admin_json(row: Any) -> dict[str, Any]:
    return {**badge_json(row), "project_title": row[4]}


async def admin_page(
    session: AsyncSession, *, filters: BadgeFilters, params: PageParams
) -> dict[str, Any]:
    """Every badge, newest first, filtered (2 statements whatever the page size)."""
    rows, total = await repository.badge_page(
        session, filters, offset=params.offset, limit=params.limit
    )
    return page_body([_admin_json(r) for r in rows], params, total)


async def get_badge(session: AsyncSession, *, badge_id: uuid.UUID) -> dict[str, Any]:
    """One badge with its validator and project title; 404 when unknown."""
    rows, _ = await repository.badge_page(
        session, BadgeFilters(badge_id=badge_id), offset=0, limit=1
    )
    if not rows:
        raise NotFound("Badge not found")
    return _admin_json(rows[0])


# --- admin edits ---------------------------------------------------------------------------------


async def _locked(session: AsyncSession, badge_id: uuid.UUID) -> tuple[Badge, Any]:
    """The badge and its project's (user_id, title), project row locked first, then the badge."""
    badge = await repository.get_badge(session, badge_id)
    if badge is None:
        raise NotFound("Badge not found")
    project = await repository.lock_project(session, badge.project_id)
    locked = await repository.get_badge(session, badge_id, lock=True)
    if project is None or locked is None:
        raise NotFound("Badge not found")
    return locked, project


async def patch_badge(
    session: AsyncSession, *, admin: User, badge_id: uuid.UUID, changes: BadgePatch
) -> dict[str, Any]:
    """Change a badge's type or rationale (admin); a new type moves the project's points."""
    badge, project = await _locked(session, badge_id)
    sent = changes.model_dump(exclude_unset=True)
    values: dict[str, Any] = {}
    delta = 0
    if "badge_type" in sent and sent["badge_type"] != badge.badge_type:
        points = await points_of(session, sent["badge_type"])
        values.update(badge_type=sent["badge_type"], points=points)
        delta = points - badge.points
    if "rationale" in sent and sent["rationale"] != badge.rationale:
        values["rationale"] = sent["rationale"]
    if values:
        values["updated_at"] = utcnow()
        await repository.update_badge(session, badge, values)
        await _moved(
            session,
            project_id=badge.project_id,
            owner_id=project.user_id,
            badges=0,
            points=delta,
            validator_id=None,
        )
        audit.record(
            session,
            actor=admin,
            action="badge.update",
            target_type="badge",
            target_id=badge.id,
            data=dict(sent),
        )
    data = badge_json(await repository.badge_row(session, badge.id))
    if values:
        _emit(
            session,
            "badge:updated",
            project_id=badge.project_id,
            owner_id=project.user_id,
            data=data,
        )
    return {**data, "project": await _scores(session, badge.project_id)}


async def remove_badge(
    session: AsyncSession, *, admin: User, badge_id: uuid.UUID, reason: str | None = None
) -> dict[str, Any]:
    """Hard-delete a badge (admin): counters, scores, owner's and validator's karma move back."""
    badge, project = await _locked(session, badge_id)
    await repository.delete_badge(session, badge.id)
    await _moved(
        session,
        project_id=badge.project_id,
        owner_id=project.user_id,
        badges=-1,
        points=-badge.points,
        validator_id=badge.validator_id,
    )
    audit.record(
        session,
        actor=admin,
        action="badge.delete",
        target_type="badge",
        target_id=badge.id,
        reason=reason,
        data={
            "project_id": str(badge.project_id),
            "validator_id": str(badge.validator_id),
            "badge_type": badge.badge_type,
        },
    )
    _emit(
        session,
        "badge:removed",
        project_id=badge.project_id,
        owner_id=project.user_id,
        data={"id": str(badge.id), "badge_type": badge.badge_type, "points": badge.points},
    )
    return {
        "deleted": True,
        "badge_id": str(badge.id),
        "project": await _scores(session, badge.project_id),
    }


# --- auto-assignment -----------------------------------------------------------------------------


async def assign_new_project(session: AsyncSession, *, project_id: uuid.UUID) -> int:
    """Assign a just-created project to the validators who may validate it; how many (API §3.10)."""
    return await validators.assign_new_project(session, project_id=project_id)
