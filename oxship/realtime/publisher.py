"""The publisher: delivers committed events to the real-time transport.

Services never call it directly: they record events with `outbox_of(session).emit(...)`, and the unit
of work hands them to `Publisher.deliver` after commit. Until the Socket.IO server exists, events are
kept in a bounded in-memory log (tests and operators can see what was sent); transports plug in as
sinks.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from oxship.kit.outbox import Event, outbox_of

log = logging.getLogger(__name__)

FEED_ROOM = "feed"


def user_room(user_id: object) -> str:
    """The room of one user's sockets."""
    return f"user:{user_id}"


def project_room(project_id: object) -> str:
    """The room of one project's subscribers."""
    return f"project:{project_id}"


Sink = Callable[[Event], Awaitable[None]]


@dataclass
class Publisher:
    """Delivers events to the configured sinks and keeps the most recent ones."""

    sinks: list[Sink] = field(default_factory=list)
    recent: deque[Event] = field(default_factory=lambda: deque(maxlen=1000))

    async def deliver(self, event: Event) -> None:
        """Send one event now (called from the outbox after commit)."""
        self.recent.append(event)
        for sink in self.sinks:
            try:
                await sink(event)
            except Exception:
                log.exception("realtime: sink failed for %s", event.name)


def disconnect_user(session: Any, user_id: object) -> None:
    """After commit, close every socket of this user in every process (a ban, a deletion)."""
    outbox_of(session).emit("!disconnect", {}, room=user_room(user_id))


def leaderboard_changed(session: Any, *kinds: str) -> None:
    """After commit, tell clients a leaderboard moved (coalesced to once a second)."""
    outbox_of(session).emit("leaderboard:updated", {"kinds": list(kinds)}, room=None)
