"""Project rules: create, edit, delete, feature, views and shares, and score recomputation."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from oxship.chains.cache import chain_changed
from oxship.errors import Forbidden, NotFound
from oxship.events.cache import events_changed
from oxship.kit.clock import utcnow
from oxship.kit.outbox import outbox_of
from oxship.models import Project, User
from oxship.notifications import service as notifications
from oxship.projects import listing, repository
from oxship.projects.cache import (
    FEED,
    LEADERBOARD,
    TAGGED,
    project_changed,
    project_ns,
    user_projects_ns,
)
from oxship.projects.schemas import ProjectCreate, ProjectPatch
from oxship.projects.scoring import ScoreInputs, proof_scores, trending_score
from oxship.users import service as users

_COPIED_FIELDS = (
    "title",
    "tagline",
    "description",
    "project_story",
    "inspiration",
    "market_comparison",
    "novelty_factor",
    "pitch_deck_url",
    "demo_url",
    "github_url",
    "hackathon_name",
    "hackathon_date",
)


async def get_live(session: AsyncSession, project_id: uuid.UUID, *, lock: bool = False) -> Project:
    """A live project (not deleted, owner active), optionally row-locked; 404 otherwise."""
    project = await repository.get_live(session, project_id, lock=lock)
    if project is None:
        raise NotFound("Project not found")
    return project


async def add_to_counters(
    session: AsyncSession, project_id: uuid.UUID, **deltas: int
) -> tuple[int, ...]:
    """Move project counters in SQL (`col = col + delta`); their new values, in argument order.

    Callers hold the project row lock (`get_live(lock=True)`) and call `recompute` afterwards.
    """
    return tuple(await repository.add_to_counters(session, project_id, **deltas))


async def recompute(
    session: AsyncSession, project_id: uuid.UUID, *, karma_by_delta: bool = False
) -> Project:
    """Recompute the stored scores and trending of a project, then its owner's karma.

    Call inside the transaction that changed an input, after the change (counters already moved).
    `karma_by_delta` (hot paths: votes) moves the owner's karma by the change of this live project's
    proof score instead of summing every source row; use the default after anything that changes
    which projects count (deletion, restore) or other karma inputs.
    """
    row = await repository.score_inputs(session, project_id)
    scores = proof_scores(
        ScoreInputs(
            email_verified=row.email_verified,
            has_oxcert=row.has_oxcert,
            github_connected=row.github_connected,
            upvotes=row.upvotes,
            downvotes=row.downvotes,
            comment_count=row.comment_count,
            badge_points=row.badge_points,
            has_demo=bool(row.demo_url),
            has_github=bool(row.github_url),
            has_screenshot=row.screenshot_count > 0,
            description_length=row.description_length or 0,
        )
    )
    values = {
        "verification_score": scores.verification,
        "community_score": scores.community,
        "validation_score": scores.validation,
        "quality_score": scores.quality,
        "proof_score": scores.proof,
        "score_breakdown": scores.breakdown,
        "trending_score": trending_score(
            upvotes=row.upvotes,
            downvotes=row.downvotes,
            comment_count=row.comment_count,
            proof_score=scores.proof,
            is_featured=row.is_featured,
            created_at=row.created_at,
        ),
    }
    await repository.store_scores(session, project_id, values)
    if karma_by_delta and not row.is_deleted:
        await users.add_karma(session, row.user_id, round(scores.proof - row.stored_proof, 2))
    else:
        await users.refresh_karma(session, row.user_id)
    project = await session.get(Project, project_id)  # the caller's locked row: no statement
    assert project is not None
    for name, value in values.items():
        setattr(project, name, value)
    return project


async def recompute_owner_projects(session: AsyncSession, user_id: uuid.UUID) -> None:
    """Recompute every live project of a user (their verification flags changed)."""
    for project_id in await repository.live_ids_of_owner(session, user_id):
        await recompute(session, project_id)
        project_changed(session, project_id, user_id)


async def owner_status_changed(session: AsyncSession, user_id: uuid.UUID) -> None:
    """An owner was banned, unbanned or deleted: drop every cached list and detail showing them.

    The visibility rule lives in SQL (`OWNER_VISIBLE`), so only the cache can be stale; the admin
    paths that change `is_active` or `deleted_at` call this in the same transaction.
    """
    names = [project_ns(pid) for pid in await repository.live_ids_of_owner(session, user_id)]
    outbox_of(session).bump(FEED, LEADERBOARD, user_projects_ns(user_id), TAGGED, *names)


def _tags(project: Project) -> dict[str, list[str]]:
    hackathons = [h.get("name", "") for h in project.hackathons or []]
    if project.hackathon_name:
        hackathons.append(project.hackathon_name)
    members = [str(m["user_id"]) for m in project.team_members or [] if m.get("user_id")]
    return {
        "category": list(project.categories or []),
        "tech": list(project.tech_stack or []),
        "hackathon": hackathons,
        "member": members,
    }


def _json_ready(values: dict[str, Any]) -> dict[str, Any]:
    """Dates inside hackathons/team members as ISO strings, UUIDs as strings (JSON columns)."""
    out = dict(values)
    if out.get("hackathons") is not None:
        out["hackathons"] = [
            {
                **h,
                "date": h["date"].isoformat() if isinstance(h.get("date"), date) else h.get("date"),
            }
            for h in out["hackathons"]
        ]
    if out.get("team_members") is not None:
        out["team_members"] = [
            {**m, "user_id": str(m["user_id"]) if m.get("user_id") else None}
            for m in out["team_members"]
        ]
    return out


async def create(session: AsyncSession, *, owner: User, data: ProjectCreate) -> dict[str, Any]:
    """Create a project with its screenshots and tags; scores computed in the same transaction."""
    fields = _json_ready(data.model_dump(exclude={"screenshot_urls", "chain_ids"}))
    values = {name: fields.get(name) for name in _COPIED_FIELDS}
    values.update(
        user_id=owner.id,
        hackathons=fields.get("hackathons") or [],
        categories=fields.get("categories") or [],
        tech_stack=fields.get("tech_stack") or [],
        team_members=fields.get("team_members") or [],
        screenshot_count=len(data.screenshot_urls or []),
    )
    project = await repository.insert_project(session, values)
    await repository.replace_screenshots(session, project.id, data.screenshot_urls or [])
    for kind, tags in _tags(project).items():
        await repository.replace_tags(session, project.id, kind, tags)
    await users.add_project_count(session, owner.id, 1)
    await recompute(session, project.id)
    project_changed(session, project.id, owner.id)
    outbox_of(session).emit("project:created", {"project_id": str(project.id)}, room=None)
    return await detail(session, project.id)


async def detail(session: AsyncSession, project_id: uuid.UUID) -> dict[str, Any]:
    """The anonymous JSON of a live project; 404 when deleted or its owner is banned."""
    row = await repository.detail_row(session, project_id)
    if row is None:
        raise NotFound("Project not found")
    return (await listing.project_items(session, [row]))[0]


def _can_edit(project: Project, user: User) -> bool:
    return project.user_id == user.id or user.is_admin


async def update(
    session: AsyncSession, *, project_id: uuid.UUID, user: User, changes: ProjectPatch
) -> dict[str, Any]:
    """Apply a partial edit (owner or admin) and recompute the scores."""
    project = await get_live(session, project_id, lock=True)
    if not _can_edit(project, user):
        raise Forbidden("Only the project's owner or an admin can edit it")
    sent = changes.model_dump(exclude_unset=True)
    fields = _json_ready({k: v for k, v in sent.items() if k != "screenshot_urls"})
    values = {name: fields[name] for name in fields if name in _COPIED_FIELDS}
    for name in ("hackathons", "categories", "tech_stack", "team_members"):
        if name in fields:
            values[name] = fields[name] or []
    if "screenshot_urls" in sent:
        urls = sent["screenshot_urls"] or []
        await repository.replace_screenshots(session, project.id, urls)
        values["screenshot_count"] = len(urls)
    if values:
        values["updated_at"] = utcnow()
        await repository.update_fields(session, project.id, values)
        for name, value in values.items():
            setattr(project, name, value)
        for kind, tags in _tags(project).items():
            await repository.replace_tags(session, project.id, kind, tags)
        await recompute(session, project.id)
        project_changed(session, project.id, project.user_id)
        outbox_of(session).emit("project:updated", {"project_id": str(project.id)}, room=None)
    return await detail(session, project.id)


async def delete(session: AsyncSession, *, project_id: uuid.UUID, user: User) -> None:
    """Soft-delete (owner or admin): the project leaves every list and its owner's karma at once."""
    project = await get_live(session, project_id, lock=True)
    if not _can_edit(project, user):
        raise Forbidden("Only the project's owner or an admin can delete it")
    now = utcnow()
    await repository.update_fields(
        session, project.id, {"is_deleted": True, "deleted_at": now, "updated_at": now}
    )
    await users.add_project_count(session, project.user_id, -1)
    await users.refresh_karma(session, project.user_id)
    # Chains count live projects only: a deleted project leaves its chains at once.
    for chain_id in await repository.leave_chains(session, project.id):
        chain_changed(session, chain_id)
    events_changed(session, await repository.leave_events(session, project.id))
    project_changed(session, project.id, project.user_id)
    outbox_of(session).emit("project:deleted", {"project_id": str(project.id)}, room=None)


async def toggle_feature(
    session: AsyncSession, *, project_id: uuid.UUID, admin: User
) -> dict[str, Any]:
    """Feature or unfeature a project (admin); featuring notifies the owner."""
    project = await get_live(session, project_id, lock=True)
    featured = not project.is_featured
    await repository.update_fields(
        session,
        project.id,
        {
            "is_featured": featured,
            "featured_at": utcnow() if featured else None,
            "featured_by": admin.id if featured else None,
        },
    )
    await recompute(session, project.id)
    project_changed(session, project.id, project.user_id)
    if featured:
        await notifications.notify(
            session,
            user_id=project.user_id,
            actor_id=admin.id,
            type="project_featured",
            title="Your project was featured",
            message=f"“{project.title}” is now featured",
            project_id=project.id,
        )
    outbox_of(session).emit(
        "project:featured",
        {"project_id": str(project.id), "data": {"is_featured": featured}},
        room=None,
    )
    return await detail(session, project.id)


def viewer_key(*, user: User | None, session_id: str | None, client_ip: str) -> str:
    """Who a view is counted for: the user, else the session id, else the IP for today."""
    if user is not None:
        return f"u:{user.id}"
    if session_id:
        return f"s:{session_id}"
    return f"ip:{client_ip}:{utcnow().date().isoformat()}"


async def record_view(session: AsyncSession, *, project_id: uuid.UUID, key: str) -> dict[str, Any]:
    """Count a view once per viewer key → `{view_count, is_new_view}`."""
    project = await get_live(session, project_id)
    is_new = await repository.record_view(session, project.id, key)
    if is_new:
        (count,) = await repository.add_to_counters(session, project.id, view_count=1)
        project_changed(session, project.id, project.user_id, lists=False)
    else:
        count = project.view_count
    return {"view_count": count, "is_new_view": is_new}


async def share(session: AsyncSession, *, project_id: uuid.UUID) -> dict[str, Any]:
    """Count a share → `{share_count}`."""
    project = await get_live(session, project_id)
    (count,) = await repository.add_to_counters(session, project.id, share_count=1)
    project_changed(session, project.id, project.user_id, lists=False)
    return {"share_count": count}


async def add_saves(session: AsyncSession, project_id: uuid.UUID, delta: int) -> int:
    """Move `save_count` by `delta` in SQL and invalidate what shows the project; the new count."""
    (count,) = await repository.add_to_counters(session, project_id, save_count=delta)
    project = await repository.get_any(session, project_id)  # usually already in the session
    assert project is not None
    project_changed(session, project_id, project.user_id)
    return int(count)


async def scoring_status(session: AsyncSession, *, project_id: uuid.UUID) -> dict[str, Any]:
    """Scoring is synchronous: always `completed`, with the stored score and breakdown."""
    project = await get_live(session, project_id)
    return {
        "scoring_status": "completed",
        "proof_score": round(project.proof_score, 2),
        "score_breakdown": project.score_breakdown or {},
    }
