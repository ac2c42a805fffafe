"""Investor applications, their review by admins, and approved investors' profile edits."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from oxship.audit import service as audit
from oxship.errors import Conflict, NotFound, ValidationFailed
from oxship.investors import repository
from oxship.investors.cache import investors_changed
from oxship.investors.schemas import (
    ApplicationCreate,
    ApplicationUpdate,
    ProfileUpdate,
)
from oxship.investors.views import admin_json, card, reapply_after, request_json
from oxship.kit.clock import iso, utcnow
from oxship.kit.pagination import PageParams, page_body
from oxship.models import InvestorProfile, User
from oxship.notifications import service as notifications
from oxship.users import service as users

TAGGED = ("investment_stages", "industries", "geographic_focus")


def _me(user: User) -> dict[str, Any]:
    return card(user.id, user.username, user.display_name, user.avatar_url)


async def _sync_tags(session: AsyncSession, profile: InvestorProfile) -> None:
    await repository.replace_tags(
        session,
        profile.id,
        stages=profile.investment_stages,
        industries=profile.industries,
        geographies=profile.geographic_focus,
    )


async def apply(session: AsyncSession, *, user: User, data: ApplicationCreate) -> dict[str, Any]:
    """File the caller's application (pending); 409 while one is open or within 30 days of a rejection."""
    current = await repository.open_of_user(session, user.id)
    if current is not None:
        if current.status == "approved":
            raise Conflict("You are already an approved investor")
        raise Conflict("You already have a pending investor application")
    rejected_at = await repository.latest_decided_at(session, user.id, status="rejected")
    allowed_from = reapply_after(rejected_at)
    if allowed_from is not None and allowed_from > utcnow():
        raise Conflict(
            f"Your application was rejected recently; you may re-apply after {iso(allowed_from)}"
        )
    values = data.model_dump()
    profile = await repository.insert_application(
        session, {**values, "user_id": user.id, "status": "pending"}
    )
    if profile is None:  # a concurrent application won the partial unique index
        raise Conflict("You already have a pending investor application")
    await _sync_tags(session, profile)
    investors_changed(session)
    return request_json(profile, _me(user))


async def my_request(session: AsyncSession, *, user: User) -> dict[str, Any]:
    """The caller's latest application; 404 if none."""
    profile = await repository.latest_of_user(session, user.id)
    if profile is None:
        raise NotFound("You have not applied to become an investor")
    return request_json(profile, _me(user))


async def _edit(
    session: AsyncSession, profile: InvestorProfile, changes: ProfileUpdate
) -> InvestorProfile:
    """Apply the fields sent to a profile, keep ticket bounds ordered and tags in sync."""
    values = changes.model_dump(exclude_unset=True)
    low = values.get("ticket_size_min", profile.ticket_size_min)
    high = values.get("ticket_size_max", profile.ticket_size_max)
    if low is not None and high is not None and low > high:
        raise ValidationFailed.field(
            "ticket_size_min", "ticket_size_min must not exceed ticket_size_max"
        )
    if not values:
        return profile
    for name, value in values.items():
        setattr(profile, name, value)
    profile.updated_at = utcnow()
    await repository.flush(session)
    if any(name in values for name in TAGGED):
        await _sync_tags(session, profile)
    investors_changed(session)
    return profile


async def update_application(
    session: AsyncSession, *, user: User, data: ApplicationUpdate
) -> dict[str, Any]:
    """Edit the caller's pending application; 404 without one, 409 once decided."""
    profile = await repository.latest_of_user(session, user.id, lock=True)
    if profile is None:
        raise NotFound("You have not applied to become an investor")
    if profile.status != "pending":
        raise Conflict(f"Your application is {profile.status} and can no longer be edited")
    return request_json(await _edit(session, profile, data), _me(user))


async def update_profile(
    session: AsyncSession, *, user: User, data: ProfileUpdate
) -> dict[str, Any]:
    """Edit the caller's approved profile (public fields only); 404 without one."""
    profile = await repository.open_of_user(session, user.id, status="approved", lock=True)
    if profile is None:
        raise NotFound("You have no approved investor profile")
    return request_json(await _edit(session, profile, data), _me(user))


async def admin_page(
    session: AsyncSession, *, status: str | None, params: PageParams
) -> dict[str, Any]:
    """Applications (all, or of one status), newest first, with the applicant's email."""
    rows, total = await repository.admin_page(
        session, status=status, offset=params.offset, limit=params.limit
    )
    items = [admin_json(profile, user) for profile, user in rows]
    return page_body(items, params, total, meta={"status": status})


async def _pending(session: AsyncSession, request_id: uuid.UUID) -> tuple[InvestorProfile, User]:
    profile = await repository.get(session, request_id, lock=True)
    if profile is None:
        raise NotFound("Investor request not found")
    if profile.status != "pending":
        raise Conflict(f"This request is already {profile.status}")
    applicant = await users.get(session, profile.user_id)
    if applicant is None:  # the FK cascades: unreachable
        raise NotFound("Investor request not found")
    return profile, applicant


async def approve(
    session: AsyncSession, *, admin: User, request_id: uuid.UUID, admin_notes: str | None
) -> dict[str, Any]:
    """Approve a pending application: the user becomes an investor and is notified."""
    profile, applicant = await _pending(session, request_id)
    profile.status = "approved"
    profile.admin_notes = admin_notes
    profile.decided_by = admin.id
    profile.decided_at = profile.updated_at = utcnow()
    await repository.flush(session)
    await users.set_fields(session, applicant, is_investor=True)
    await notifications.notify(
        session,
        user_id=applicant.id,
        actor_id=admin.id,
        type="investor_request_approved",
        title="Investor application approved",
        message="Your investor application was approved: your profile is now in the directory.",
        data={"request_id": str(profile.id)},
    )
    audit.record(
        session,
        actor=admin,
        action="investor.approve",
        target_type="investor",
        target_id=profile.id,
        data={"user_id": str(applicant.id), "admin_notes": admin_notes},
    )
    investors_changed(session)
    return admin_json(profile, applicant)


async def reject(
    session: AsyncSession, *, admin: User, request_id: uuid.UUID, reason: str
) -> dict[str, Any]:
    """Reject a pending application with a reason; the applicant is notified."""
    profile, applicant = await _pending(session, request_id)
    profile.status = "rejected"
    profile.rejection_reason = reason
    profile.decided_by = admin.id
    profile.decided_at = profile.updated_at = utcnow()
    await repository.flush(session)
    await notifications.notify(
        session,
        user_id=applicant.id,
        actor_id=admin.id,
        type="investor_request_rejected",
        title="Investor application rejected",
        message=f"Your investor application was not approved: {reason}",
        data={"request_id": str(profile.id), "reason": reason},
    )
    audit.record(
        session,
        actor=admin,
        action="investor.reject",
        target_type="investor",
        target_id=profile.id,
        reason=reason,
        data={"user_id": str(applicant.id)},
    )
    investors_changed(session)
    return admin_json(profile, applicant)


async def revoke(session: AsyncSession, *, admin: User, user_id: uuid.UUID) -> dict[str, Any]:
    """Revoke an investor: the approved profile leaves the directory, `is_investor` is cleared."""
    user = await users.get(session, user_id)
    if user is None:
        raise NotFound("User not found")
    profile = await repository.open_of_user(session, user_id, status="approved", lock=True)
    if profile is None and not user.is_investor:
        raise NotFound("This user is not an investor")
    if profile is not None:
        profile.status = "revoked"
        profile.decided_by = admin.id
        profile.decided_at = profile.updated_at = utcnow()
        await repository.flush(session)
    await users.set_fields(session, user, is_investor=False)
    audit.record(
        session,
        actor=admin,
        action="investor.revoke",
        target_type="investor",
        target_id=profile.id if profile is not None else user.id,
        data={"user_id": str(user.id)},
    )
    investors_changed(session)
    return {
        "user_id": str(user.id),
        "is_investor": False,
        "revoked_request_id": str(profile.id) if profile is not None else None,
    }


async def set_plan(
    session: AsyncSession, *, admin: User, user_id: uuid.UUID, plan_type: str
) -> dict[str, Any]:
    """Change the plan of a user's open (pending or approved) application; 404 without one."""
    user = await users.get(session, user_id)
    profile = await repository.open_of_user(session, user_id, lock=True) if user else None
    if user is None or profile is None:
        raise NotFound("This user has no open investor application")
    previous = profile.plan_type
    profile.plan_type = plan_type
    profile.updated_at = utcnow()
    await repository.flush(session)
    audit.record(
        session,
        actor=admin,
        action="investor.plan",
        target_type="investor",
        target_id=profile.id,
        data={"user_id": str(user.id), "from": previous, "to": plan_type},
    )
    investors_changed(session)
    return admin_json(profile, user)
