"""The publisher: delivers committed events to the real-time transport.

Services never call it directly: they record events with `outbox_of(session).emit(...)`, and the unit
of work hands them to `Publisher.deliver` after commit. Until the Socket.IO server exists, events are
kept in a bounded in-memory log (tests and operators can see what was sent); transports plug in as
sinks.
"""

from __future__ import annotations

import asyncio
import contextlib
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
    """Delivers events to the configured sinks, in order, off the request path.

    `deliver` (called after commit) records the event and queues it; one worker task hands the queue
    to the sinks in order, so a fan-out to thousands of sockets never delays the writer's response.
    Before `start` (or after `close`) delivery is inline.
    """

    sinks: list[Sink] = field(default_factory=list)
    recent: deque[Event] = field(default_factory=lambda: deque(maxlen=1000))
    _queue: asyncio.Queue[Event] | None = None
    _worker: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start the delivery worker (in the running event loop)."""
        if self._worker is None:
            self._queue = asyncio.Queue()
            self._worker = asyncio.create_task(self._run(), name="realtime-publisher")

    async def close(self, timeout: float = 5.0) -> None:
        """Deliver what is queued (up to `timeout`), then stop the worker."""
        if self._queue is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._queue.join(), timeout)
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker
        self._queue = self._worker = None

    async def drain(self) -> None:
        """Wait until every queued event has reached the sinks (tests)."""
        if self._queue is not None:
            await self._queue.join()

    async def deliver(self, event: Event) -> None:
        """Record one committed event and queue it for the sinks."""
        self.recent.append(event)
        if not self.sinks:
            return
        if self._queue is None:
            await self._send(event)
        else:
            self._queue.put_nowait(event)

    async def _run(self) -> None:
        assert self._queue is not None
        while True:
            event = await self._queue.get()
            try:
                await self._send(event)
            finally:
                self._queue.task_done()

    async def _send(self, event: Event) -> None:
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
