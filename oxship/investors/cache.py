"""Cache namespace of the investor directory, its stats and public investor profiles."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from oxship.kit.outbox import outbox_of

INVESTORS = "investors"
# Also a safety net for changes that do not bump (an investor's account banned elsewhere).
DIRECTORY_TTL = 600


def investors_changed(session: AsyncSession) -> None:
    """Invalidate the directory, the stats and every public investor profile (after commit)."""
    outbox_of(session).bump(INVESTORS)
