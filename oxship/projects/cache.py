"""Cache namespaces of projects, and the bumps a project change implies."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from oxship.kit.outbox import outbox_of
from oxship.realtime.publisher import leaderboard_changed

FEED = "feed"
LEADERBOARD = "leaderboard"
TAGGED = "tagged-projects"
# Chain names, slugs and logos shown inside project JSON (`chains[]`).
CHAIN_BRIEFS = "chain-briefs"
FEED_TTL = 3600
DETAIL_TTL = 3600
LIST_TTL = 3600


def project_ns(project_id: uuid.UUID | str) -> str:
    """One project's detail."""
    return f"project:{project_id}"


def user_projects_ns(user_id: uuid.UUID | str) -> str:
    """The project lists of one user (own and tagged)."""
    return f"user-projects:{user_id}"


def project_changed(
    session: AsyncSession,
    project_id: uuid.UUID,
    owner_id: uuid.UUID,
    *,
    lists: bool = True,
    merge_lists: bool = False,
) -> None:
    """Invalidate what shows this project: its detail and, with `lists`, every list it is in.

    `merge_lists` (votes): the lists' bumps are merged over CACHE_LIST_BUMP_WINDOW with other
    writes' (the detail is bumped at once), so a vote storm does not empty the feed cache per vote.
    """
    outbox = outbox_of(session)
    outbox.bump(project_ns(project_id))
    if lists:
        names = [FEED, LEADERBOARD, user_projects_ns(owner_id), TAGGED]
        if merge_lists:
            outbox.bump_soon(*names)
        else:
            outbox.bump(*names)
        leaderboard_changed(session, "projects", "users")


def project_chains_changed(
    session: AsyncSession, project_id: uuid.UUID, owner_id: uuid.UUID
) -> None:
    """A project joined, left or was pinned in a chain: refresh what shows its `chains[]`."""
    outbox_of(session).bump(project_ns(project_id), FEED, user_projects_ns(owner_id), TAGGED)


def chain_briefs_changed(session: AsyncSession) -> None:
    """A chain's name, logo or visibility changed, or it was deleted: every `chains[]` may show it."""
    outbox_of(session).bump(FEED, CHAIN_BRIEFS)
