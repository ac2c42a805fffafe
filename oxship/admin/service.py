"""Admin rules for accounts (list, admin role, ban, unban, deletion) and the platform counters."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from oxship.admin import repository
from oxship.admin.schemas import admin_user_json
from oxship.audit.service import record
from oxship.chains.cache import chain_changed
from oxship.comments.cache import comments_ns
from oxship.errors import Conflict, Forbidden, NotFound
from oxship.investors.cache import investors_changed
from oxship.kit.clock import iso, utcnow
from oxship.kit.outbox import outbox_of
from oxship.kit.pagination import PageParams, page_body
from oxship.models import User
from oxship.projects import service as projects
from oxship.projects.cache import project_changed
from oxship.realtime.publisher import disconnect_user, leaderboard_changed
from oxship.users import service as users
from oxship.users.cache import profile_ns

# A value argon2 can never verify: deleted accounts cannot log in with any password.
UNUSABLE_PASSWORD = "!deleted"


async def users_page(
    session: AsyncSession,
    *,
    params: PageParams,
    search: str | None,
    role: str | None,
    is_active: bool | None,
) -> dict[str, Any]:
    """Every account (banned and deleted included), newest first, with emails (2 statements)."""
    rows, total = await repository.users_page(
        session,
        search=search,
        role=role,
        is_active=is_active,
        offset=params.offset,
        limit=params.limit,
    )
    return page_body([admin_user_json(u) for u in rows], params, total)


async def _target(
    session: AsyncSession,
    admin: User,
    user_id: uuid.UUID,
    *,
    not_admin: bool = False,
    lock: bool = True,
) -> User:
    """The undeleted account an admin acts on (row-locked with `lock`); never the admin themself."""
    user = await repository.get_user(session, user_id, lock=lock)
    if user is None or user.deleted_at is not None:
        raise NotFound("User not found")
    if user.id == admin.id:
        raise Conflict("Admins cannot do this to their own account")
    if not_admin and user.is_admin:
        raise Forbidden("Remove the admin role from this account first")
    return user


async def toggle_admin(session: AsyncSession, *, admin: User, user_id: uuid.UUID) -> dict[str, Any]:
    """Grant or remove the admin role (409 on yourself or on a banned account)."""
    user = await _target(session, admin, user_id)
    if not user.is_active:
        raise Conflict("Unban this account first")
    granted = not user.is_admin
    await users.set_fields(session, user, is_admin=granted)
    record(
        session,
        actor=admin,
        action="user.grant_admin" if granted else "user.revoke_admin",
        target_type="user",
        target_id=user.id,
        data={"is_admin": granted},
    )
    return admin_user_json(user)


def _account_gone(session: AsyncSession, user_id: uuid.UUID) -> None:
    """After commit: the account's sockets close and every leaderboard is recomputed."""
    disconnect_user(session, user_id)
    leaderboard_changed(session, "projects", "users")


async def ban(
    session: AsyncSession, *, admin: User, user_id: uuid.UUID, reason: str
) -> dict[str, Any]:
    """Ban: every token of the account is refused (401) from the next request, its content
    leaves every list and its sockets close. 409 when already banned; 403 on an admin."""
    user = await _target(session, admin, user_id, not_admin=True)
    if not user.is_active:
        raise Conflict("This account is already banned")
    now = utcnow()
    # The sessions stay unrevoked on purpose: `is_active = false` already refuses every token
    # with 401 on every route (API §1.2), whereas a revoked session would make public routes
    # treat the caller as anonymous. Unbanning revokes them, so pre-ban tokens never come back.
    await users.set_fields(session, user, is_active=False, banned_at=now, ban_reason=reason)
    await projects.owner_status_changed(session, user.id)
    investors_changed(session)  # the directory lists only active investors
    _account_gone(session, user.id)
    record(
        session,
        actor=admin,
        action="user.ban",
        target_type="user",
        target_id=user.id,
        reason=reason,
    )
    return admin_user_json(user)


async def unban(session: AsyncSession, *, admin: User, user_id: uuid.UUID) -> dict[str, Any]:
    """Lift a ban (409 when the account is not banned): the account logs in again; the sessions
    it had before the ban are revoked, so old tokens stay dead."""
    user = await _target(session, admin, user_id)
    if user.is_active:
        raise Conflict("This account is not banned")
    previous = user.ban_reason
    await users.set_fields(session, user, is_active=True, banned_at=None, ban_reason=None)
    await repository.revoke_sessions(session, user.id, utcnow())
    await projects.owner_status_changed(session, user.id)
    investors_changed(session)  # the directory lists only active investors
    leaderboard_changed(session, "projects", "users")
    record(
        session,
        actor=admin,
        action="user.unban",
        target_type="user",
        target_id=user.id,
        data={"previous_reason": previous},
    )
    return admin_user_json(user)


async def delete_user(session: AsyncSession, *, admin: User, user_id: uuid.UUID) -> dict[str, Any]:
    """Anonymise an account and soft-delete its projects and comments.

    Rows that reference the account (votes, follows, badges, messages, notifications, chains it
    created) are kept, so no foreign key can block the deletion; the account simply stops being
    anyone. 404 for an unknown or already deleted account, 409 on yourself, 403 on an admin.
    """
    await _target(session, admin, user_id, not_admin=True, lock=False)  # 404/409/403 early
    await repository.lock_projects_touched_by(session, user_id)
    user = await _target(session, admin, user_id, not_admin=True)  # a concurrent deletion won
    # Its tokens are refused by `deleted_at` on every route for good (as for a ban, the sessions
    # are left unrevoked so public routes answer 401 rather than the anonymous view).
    now = utcnow()
    old_username = user.username
    project_ids = await repository.soft_delete_projects_of(session, user.id, now)
    chain_ids = await repository.leave_chains(session, project_ids)
    comments = await repository.soft_delete_comments_of(session, user.id, now)
    touched = sorted({project_id for project_id, _ in comments})
    # Other people's projects lost comments: their scores and their owners' karma follow.
    for project_id, owner_id in await repository.live_project_ids(session, touched):
        await projects.recompute(session, project_id)
        project_changed(session, project_id, owner_id)
    outbox = outbox_of(session)
    outbox.bump(*(comments_ns(pid) for pid in touched))
    for project_id in project_ids:
        project_changed(session, project_id, user.id)
        outbox.emit("project:deleted", {"project_id": str(project_id)}, room=None)
    for chain_id in chain_ids:
        chain_changed(session, chain_id)
    short = user.id.hex[-16:]
    await users.set_fields(
        session,
        user,
        email=f"deleted-{user.id.hex}@deleted.invalid",
        username=f"deleted_{short}",
        display_name=None,
        avatar_url=None,
        bio=None,
        location=None,
        wallet_address=None,
        github_username=None,
        github_connected=False,
        has_oxcert=False,
        email_verified=False,
        password_hash=UNUSABLE_PASSWORD,
        is_active=False,
        deleted_at=now,
    )
    if project_ids:
        await users.add_project_count(session, user.id, -len(project_ids))
    await users.refresh_karma(session, user.id)
    outbox.bump(profile_ns(old_username))
    await projects.owner_status_changed(session, user.id)
    investors_changed(session)  # the directory lists only active investors
    _account_gone(session, user.id)
    record(
        session,
        actor=admin,
        action="user.delete",
        target_type="user",
        target_id=user.id,
        data={
            "projects_deleted": len(project_ids),
            "comments_deleted": len(comments),
            "chains_left": [str(c) for c in chain_ids],
        },
    )
    return {
        "id": str(user.id),
        "deleted": True,
        "projects_deleted": len(project_ids),
        "comments_deleted": len(comments),
    }


def _with_zeros(counts: dict[str, int], keys: tuple[str, ...]) -> dict[str, int]:
    return dict.fromkeys(keys, 0) | counts


async def stats(session: AsyncSession) -> dict[str, Any]:
    """Platform counters in 6 aggregate statements."""
    now = utcnow()
    (
        u_total,
        u_active,
        u_banned,
        u_deleted,
        admins,
        validators,
        investors,
    ) = await repository.user_stats(session)
    p_total, p_live, p_deleted, p_featured = await repository.project_stats(session)
    c_total, c_active, c_suspended, c_banned, c_deleted = await repository.chain_stats(session, now)
    badges = await repository.badge_counts(session)
    requests = await repository.investor_request_counts(session)
    feedback = await repository.feedback_counts(session)
    requests = _with_zeros(requests, ("pending", "approved", "rejected", "revoked"))
    feedback = _with_zeros(feedback, ("pending", "reviewed", "resolved", "dismissed"))
    return {
        "users": {
            "total": int(u_total),
            "active": int(u_active),
            "banned": int(u_banned),
            "deleted": int(u_deleted),
            "admins": int(admins),
            "validators": int(validators),
            "investors": int(investors),
        },
        "projects": {
            "total": int(p_total),
            "live": int(p_live),
            "deleted": int(p_deleted),
            "featured": int(p_featured),
        },
        "badges": {"total": sum(badges.values()), "by": badges},
        "investor_requests": {"total": sum(requests.values()), "by": requests},
        "chains": {
            "total": int(c_total),
            "active": int(c_active),
            "suspended": int(c_suspended),
            "banned": int(c_banned),
            "deleted": int(c_deleted),
        },
        "feedback": {"total": sum(feedback.values()), "by": feedback},
        "generated_at": iso(now),
    }
