"""Vote rules: toggle semantics, no self-votes, counters in SQL, scores and karma recomputed."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from oxship.errors import Forbidden, NotFound
from oxship.kit.outbox import outbox_of
from oxship.kit.pagination import PageParams, page_body
from oxship.models import Project, User
from oxship.notifications import service as notifications
from oxship.projects import service as projects
from oxship.projects.cache import project_changed
from oxship.projects.scoring import upvote_ratio
from oxship.realtime.publisher import FEED_ROOM, project_room
from oxship.votes import repository
from oxship.votes.schemas import user_vote_out


@dataclass(frozen=True, slots=True)
class Toggle:
    """What a vote request does: the action, the resulting vote type and the counter deltas."""

    action: str
    vote_type: str | None
    up: int
    down: int


def plan_toggle(current: str | None, wanted: str) -> Toggle:
    """Toggle semantics: no vote → create; same type → remove; other type → switch."""
    sign = 1 if wanted == "up" else -1
    if current is None:
        return Toggle("created", wanted, up=int(sign > 0), down=int(sign < 0))
    if current == wanted:
        return Toggle("removed", None, up=-int(sign > 0), down=-int(sign < 0))
    return Toggle("changed", wanted, up=sign, down=-sign)


async def cast(
    session: AsyncSession, *, user: User, project_id: uuid.UUID, vote_type: str
) -> dict[str, Any]:
    """Toggle the caller's vote on a project; 403 on one's own project, 404 if not live."""
    # The project row lock serializes every vote on this project, so the read-then-write of the
    # caller's vote below cannot race; the unique (user, project) constraint backs it up.
    # Lock order: project row first, then user rows (karma, in recompute).
    project = await projects.get_live(session, project_id, lock=True)
    if project.user_id == user.id:
        raise Forbidden("You cannot vote on your own project")
    vote = await repository.get(session, user_id=user.id, project_id=project.id)
    plan = plan_toggle(vote.vote_type if vote else None, vote_type)
    if vote is None:
        await repository.insert_vote(
            session, user_id=user.id, project_id=project.id, vote_type=vote_type
        )
    elif plan.vote_type is None:
        await repository.delete_vote(session, vote.id)
    else:
        await repository.set_type(session, vote.id, vote_type)
    return await _apply(session, project, user, plan)


async def remove(session: AsyncSession, *, user: User, project_id: uuid.UUID) -> dict[str, Any]:
    """Remove the caller's vote on a project; 404 when there is none."""
    project = await projects.get_live(session, project_id, lock=True)
    vote = await repository.get(session, user_id=user.id, project_id=project.id)
    if vote is None:
        raise NotFound("You have not voted on this project")
    await repository.delete_vote(session, vote.id)
    return await _apply(session, project, user, plan_toggle(vote.vote_type, vote.vote_type))


async def _apply(
    session: AsyncSession, project: Project, voter: User, plan: Toggle
) -> dict[str, Any]:
    """Move the counters, recompute, notify, invalidate and announce; the response body."""
    upvotes, downvotes = await projects.add_to_counters(
        session, project.id, upvotes=plan.up, downvotes=plan.down
    )
    scored = await projects.recompute(session, project.id, karma_by_delta=True)
    if plan.action == "created":
        await notifications.vote_received(
            session,
            owner_id=project.user_id,
            voter_id=voter.id,
            project_id=project.id,
            project_title=project.title,
        )
    project_changed(session, project.id, project.user_id, merge_lists=True)
    counts = {
        "project_id": str(project.id),
        "upvotes": upvotes,
        "downvotes": downvotes,
        "vote_count": upvotes - downvotes,
        "proof_score": round(scored.proof_score, 2),
        "trending_score": scored.trending_score,
    }
    event = {**counts, "upvote_ratio": upvote_ratio(upvotes, downvotes)}
    outbox = outbox_of(session)
    outbox.emit("vote:updated", event, room=[project_room(project.id), FEED_ROOM])
    return {**counts, "user_vote": plan.vote_type, "action": plan.action}


async def list_mine(session: AsyncSession, *, user: User, params: PageParams) -> dict[str, Any]:
    """The caller's votes on live projects, newest first, each with a short project card."""
    rows, total = await repository.page_of_user(
        session, user.id, offset=params.offset, limit=params.limit
    )
    items = [user_vote_out(vote, project, owner) for vote, project, owner in rows]
    return page_body(items, params, total)
