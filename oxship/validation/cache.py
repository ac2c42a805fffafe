"""Cache namespaces of badges and badge types, and the bumps a badge change implies."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from oxship.kit.outbox import outbox_of
from oxship.projects.cache import project_changed

BADGE_TYPES = "badge-types"
BADGES_TTL = 600
TYPES_TTL = 3600


def badges_ns(project_id: uuid.UUID | str) -> str:
    """One project's badge list."""
    return f"badges:{project_id}"


def badges_changed(session: AsyncSession, project_id: uuid.UUID, owner_id: uuid.UUID) -> None:
    """A badge of the project was awarded, edited or removed: its badge list, the project's detail
    and every project list (scores and `badges[]` changed)."""
    outbox_of(session).bump(badges_ns(project_id))
    project_changed(session, project_id, owner_id)


def types_changed(session: AsyncSession) -> None:
    """A custom badge type was created."""
    outbox_of(session).bump(BADGE_TYPES)
