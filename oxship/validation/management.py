"""Admin management of validators (profiles, permissions) and of review assignments."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from oxship.audit import service as audit
from oxship.errors import Conflict, NotFound, ValidationFailed
from oxship.kit.clock import utcnow
from oxship.kit.outbox import outbox_of
from oxship.kit.pagination import PageParams, page_body
from oxship.models import User, ValidatorProfile
from oxship.notifications import service as notifications
from oxship.projects import service as projects
from oxship.users.cache import profile_ns
from oxship.validation import repository
from oxship.validation.repository import AssignmentFilters
from oxship.validation.schemas import (
    BUILTIN_BADGE_POINTS,
    PRIORITIES,
    AssignmentCreate,
    BulkAssign,
    PermissionsUpdate,
)
from oxship.validation.validators import assignment_json, permissions_json, with_projects

# A new validator may award every built-in type, on the projects assigned to them, until an admin
# widens or narrows that with the permissions route.
DEFAULT_BADGE_TYPES = list(BUILTIN_BADGE_POINTS)


# --- admin: validators ---------------------------------------------------------------------------


def _validator_json(user: User, profile: ValidatorProfile | None, awarded: int) -> dict[str, Any]:
    return {
        "id": str(user.id),
        "username": user.username,
        "display_name": user.display_name,
        "avatar_url": user.avatar_url,
        "email": user.email,
        "is_validator": user.is_validator,
        "badges_awarded": awarded,
        "profile": permissions_json(user.id, profile) if profile is not None else None,
    }


async def validators_page(session: AsyncSession, *, params: PageParams) -> dict[str, Any]:
    """Validators by username with their profiles (2 statements)."""
    rows, total = await repository.validator_page(session, offset=params.offset, limit=params.limit)
    return page_body(
        [_validator_json(u, p, int(n)) for u, p, n in (tuple(r) for r in rows)], params, total
    )


async def _upsert_profile(
    session: AsyncSession, user: User, values: dict[str, Any], *, admin: User
) -> ValidatorProfile:
    profile = await repository.get_profile(session, user.id)
    if profile is None:
        defaults: dict[str, Any] = {
            "user_id": user.id,
            "is_active": True,
            "can_validate_all": False,
            "allowed_badge_types": DEFAULT_BADGE_TYPES,
            "allowed_categories": [],
            "allowed_project_ids": [],
            "added_by": admin.id,
        }
        return await repository.insert_profile(session, {**defaults, **values})
    if values:
        await repository.update_profile(session, profile, {**values, "updated_at": utcnow()})
    return profile


async def add_by_email(session: AsyncSession, *, admin: User, email: str) -> dict[str, Any]:
    """Make the user with this email a validator (404 unknown, 409 already a validator)."""
    found = await repository.user_by_email(session, email)
    user = await repository.lock_user(session, found.id) if found is not None else None
    if user is None:
        raise NotFound("No user has this email")
    # The conditional UPDATE decides: of concurrent adds, one flips the flag and the rest get 409.
    if not await repository.set_validator_flag(session, user, True):
        raise Conflict("This user is already a validator")
    profile = await _upsert_profile(
        session, user, {"is_active": True, "added_by": admin.id}, admin=admin
    )
    outbox_of(session).bump(profile_ns(user.username))
    audit.record(
        session,
        actor=admin,
        action="validator.add",
        target_type="validator",
        target_id=user.id,
        data={"email": user.email},
    )
    return _validator_json(user, profile, 0)


async def _validator(session: AsyncSession, user_id: uuid.UUID, *, lock: bool = False) -> User:
    user = await (repository.lock_user if lock else repository.get_user)(session, user_id)
    if user is None or not user.is_validator:
        raise NotFound("Validator not found")
    return user


async def remove(session: AsyncSession, *, admin: User, user_id: uuid.UUID) -> dict[str, Any]:
    """Stop a user being a validator: profile inactive, open assignments deleted (badges stay)."""
    user = await _validator(session, user_id, lock=True)
    if not await repository.set_validator_flag(session, user, False):
        raise NotFound("Validator not found")
    profile = await repository.get_profile(session, user.id)
    if profile is not None:
        await repository.update_profile(
            session, profile, {"is_active": False, "updated_at": utcnow()}
        )
    dropped = await repository.delete_open_assignments(session, user.id)
    outbox_of(session).bump(profile_ns(user.username))
    audit.record(
        session,
        actor=admin,
        action="validator.remove",
        target_type="validator",
        target_id=user.id,
        data={"deleted_open_assignments": dropped},
    )
    awarded = sum((await repository.badges_by_type(session, user.id)).values())
    return _validator_json(user, profile, awarded)


async def set_permissions(
    session: AsyncSession, *, admin: User, user_id: uuid.UUID, data: PermissionsUpdate
) -> dict[str, Any]:
    """Replace the permissions sent (admin); badge types must exist (422)."""
    user = await _validator(session, user_id, lock=True)
    values = data.model_dump(exclude_unset=True)
    if "allowed_badge_types" in values:
        wanted = values["allowed_badge_types"]
        custom = await repository.custom_type_names(
            session, [t for t in wanted if t not in BUILTIN_BADGE_POINTS]
        )
        unknown = [t for t in wanted if t not in BUILTIN_BADGE_POINTS and t not in custom]
        if unknown:
            raise ValidationFailed.field(
                "allowed_badge_types", f"unknown badge type: {', '.join(unknown)}"
            )
    if "allowed_project_ids" in values:
        values["allowed_project_ids"] = list(
            dict.fromkeys(str(pid) for pid in values["allowed_project_ids"])
        )
    profile = await _upsert_profile(session, user, values, admin=admin)
    audit.record(
        session,
        actor=admin,
        action="validator.permissions",
        target_type="validator",
        target_id=user.id,
        data={k: (list(v) if isinstance(v, list) else v) for k, v in values.items()},
    )
    return permissions_json(user.id, profile)


# --- admin: assignments --------------------------------------------------------------------------


async def create_assignment(
    session: AsyncSession, *, admin: User, data: AssignmentCreate
) -> dict[str, Any]:
    """Assign a live project to a validator (409 when already assigned to them)."""
    validator = await repository.get_user(session, data.validator_id)
    if validator is None:
        raise NotFound("Validator not found")
    if not validator.is_validator:
        raise ValidationFailed.field("validator_id", "this user is not a validator")
    project = await projects.get_live(session, data.project_id)
    if project.user_id == validator.id:
        raise ValidationFailed.field("project_id", "validators cannot review their own project")
    now = utcnow()
    assignment_id = uuid.uuid4()
    values = {
        "id": assignment_id,
        "validator_id": validator.id,
        "project_id": project.id,
        "status": "pending",
        "priority": data.priority,
        "priority_rank": PRIORITIES[data.priority],
        "notes": data.notes or None,
        "assigned_by": admin.id,
        "created_at": now,
        "updated_at": now,
    }
    if not await repository.insert_assignment(session, values):
        raise Conflict("This project is already assigned to this validator")
    await notifications.notify(
        session,
        user_id=validator.id,
        actor_id=admin.id,
        type="validator_assignment",
        title="A project was assigned to you",
        message=f"Please review “{project.title}” ({data.priority} priority)",
        project_id=project.id,
        data={"assignment_id": str(assignment_id), "priority": data.priority},
    )
    audit.record(
        session,
        actor=admin,
        action="validator_assignment.create",
        target_type="validator",
        target_id=validator.id,
        data={"project_id": str(project.id), "priority": data.priority},
    )
    assignment = await repository.get_assignment(session, assignment_id)
    assert assignment is not None
    return assignment_json(assignment)


async def bulk_assign(session: AsyncSession, *, admin: User, data: BulkAssign) -> dict[str, Any]:
    """Assign up to `limit` unassigned live projects of a category to a validator (one INSERT)."""
    validator = await repository.get_user(session, data.validator_id)
    if validator is None:
        raise NotFound("Validator not found")
    if not validator.is_validator:
        raise ValidationFailed.field("validator_id", "this user is not a validator")
    category = data.category_filter.lower()
    created = await repository.bulk_assign(
        session,
        validator_id=validator.id,
        category=category,
        priority=data.priority,
        rank=PRIORITIES[data.priority],
        limit=data.limit,
        assigned_by=admin.id,
    )
    if created:
        await notifications.notify(
            session,
            user_id=validator.id,
            actor_id=admin.id,
            type="validator_assignment",
            title="Projects were assigned to you",
            message=f"{created} “{data.category_filter}” project"
            f"{'s' if created != 1 else ''} to review",
            data={"count": created, "category": category, "priority": data.priority},
        )
    audit.record(
        session,
        actor=admin,
        action="validator_assignment.bulk",
        target_type="validator",
        target_id=validator.id,
        data={"category": category, "priority": data.priority, "created": created},
    )
    return {"created": created, "validator_id": str(validator.id), "category_filter": category}


async def delete_assignment(
    session: AsyncSession, *, admin: User, assignment_id: uuid.UUID
) -> dict[str, Any]:
    """Delete an assignment (admin); 404 when unknown."""
    assignment = await repository.get_assignment(session, assignment_id)
    if assignment is None or not await repository.delete_assignment(session, assignment_id):
        raise NotFound("Assignment not found")
    audit.record(
        session,
        actor=admin,
        action="validator_assignment.delete",
        target_type="validator",
        target_id=assignment.validator_id,
        data={"assignment_id": str(assignment_id), "project_id": str(assignment.project_id)},
    )
    return {"deleted": True}


async def assignments_of(
    session: AsyncSession, *, admin: User, validator_id: uuid.UUID, params: PageParams
) -> dict[str, Any]:
    """A validator's assignments of live projects, in dashboard order (admin)."""
    if await repository.get_user(session, validator_id) is None:
        raise NotFound("User not found")
    rows, total = await repository.assignment_page(
        session,
        AssignmentFilters(validator_id=validator_id),
        offset=params.offset,
        limit=params.limit,
    )
    return await with_projects(session, admin, rows, params, total)
