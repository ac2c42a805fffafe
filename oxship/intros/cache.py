"""Cache namespace of the public recent-connections list."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from oxship.kit.outbox import outbox_of

CONNECTIONS = "intro-connections"
# Bans and project deletions bump the feed, not this namespace: the list catches up within this.
CONNECTIONS_TTL = 300


def connections_changed(session: AsyncSession) -> None:
    """An introduction was accepted: the public list of recent connections moves."""
    outbox_of(session).bump(CONNECTIONS)
