"""The outbox: side effects recorded during a transaction, performed only after it commits.

Services call `outbox_of(session).bump(...)` / `.after_commit(...)` instead of touching the cache,
the real-time bus or the mailer directly. The unit of work (`db.transaction`) flushes the outbox
after a successful commit and discards it on rollback, so nothing is announced that did not happen.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

Effect = Callable[[], Awaitable[None]]
BumpSink = Callable[[Iterable[str]], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Event:
    """One real-time event: its name, target room (None = broadcast) and JSON payload."""

    name: str
    room: str | list[str] | None
    payload: dict[str, Any]


EventSink = Callable[[Event], Awaitable[None]]

_background: set[asyncio.Task[None]] = set()


class Outbox:
    """Side effects of one transaction, in the order they were recorded."""

    __slots__ = (
        "_background_effects",
        "_bumps",
        "_effects",
        "_event_sink",
        "_sink",
        "_soon_bumps",
        "_soon_sink",
    )

    def __init__(
        self,
        bump_sink: BumpSink | None = None,
        event_sink: EventSink | None = None,
        soon_sink: BumpSink | None = None,
    ) -> None:
        self._sink = bump_sink
        self._event_sink = event_sink
        self._soon_sink = soon_sink or bump_sink
        self._bumps: dict[str, None] = {}
        self._soon_bumps: dict[str, None] = {}
        self._effects: list[Effect] = []
        self._background_effects: list[Effect] = []

    def bump(self, *namespaces: str) -> None:
        """Invalidate these cache namespaces once the transaction commits."""
        for ns in namespaces:
            self._bumps[ns] = None

    def bump_soon(self, *namespaces: str) -> None:
        """Invalidate these (list) namespaces after commit, merged with other writes' bumps of them
        over a short window (`ResponseCache.bump_soon`)."""
        for ns in namespaces:
            self._soon_bumps[ns] = None

    def emit(self, name: str, payload: dict[str, Any], *, room: str | list[str] | None) -> None:
        """Publish a real-time event once the transaction commits (room None = broadcast).

        With a list of rooms, a socket in several of them receives the event once.
        """
        sink = self._event_sink
        if sink is None:
            return
        event = Event(name=name, room=room, payload=payload)

        async def deliver() -> None:
            await sink(event)

        self._effects.append(deliver)

    def after_commit(self, effect: Effect, *, background: bool = False) -> None:
        """Run `effect` after commit; `background=True` does not delay the response."""
        (self._background_effects if background else self._effects).append(effect)

    @property
    def pending(self) -> tuple[list[str], int]:
        """(namespaces to bump, number of other effects) — for tests and logs."""
        return list(self._bumps), len(self._effects) + len(self._background_effects)

    def discard(self) -> None:
        """Forget everything (the transaction rolled back)."""
        self._bumps.clear()
        self._soon_bumps.clear()
        self._effects.clear()
        self._background_effects.clear()

    async def flush(self) -> None:
        """Perform the effects: cache bumps first (read-your-writes), then the rest in order."""
        # Copies: discard() empties these lists in place.
        bumps, effects = list(self._bumps), list(self._effects)
        soon = [ns for ns in self._soon_bumps if ns not in self._bumps]
        background = list(self._background_effects)
        self.discard()
        if bumps and self._sink is not None:
            try:
                await self._sink(bumps)
            except Exception:
                log.exception("outbox: cache bump failed for %s", bumps)
        if soon and self._soon_sink is not None:
            try:
                await self._soon_sink(soon)
            except Exception:
                log.exception("outbox: cache bump failed for %s", soon)
        for effect in effects:
            try:
                await effect()
            except Exception:
                log.exception("outbox: effect %r failed", effect)
        for effect in background:
            task = asyncio.create_task(_run_logged(effect))
            _background.add(task)
            task.add_done_callback(_background.discard)


async def _run_logged(effect: Effect) -> None:
    try:
        await effect()
    except Exception:
        log.exception("outbox: background effect %r failed", effect)


async def drain_background(timeout: float = 10.0) -> None:
    """Wait for background effects still running (shutdown, tests)."""
    if _background:
        await asyncio.wait(set(_background), timeout=timeout)


OUTBOX_KEY = "oxship.outbox"


def outbox_of(session: Any) -> Outbox:
    """The outbox bound to a session's transaction (set by the unit of work)."""
    box = session.info.get(OUTBOX_KEY)
    if box is None:
        raise RuntimeError("session has no outbox: open it with db.transaction()")
    assert isinstance(box, Outbox)
    return box
