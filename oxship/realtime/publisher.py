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

from oxship.kit.outbox import Event

log = logging.getLogger(__name__)

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
