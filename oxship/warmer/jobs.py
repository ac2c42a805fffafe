"""Running the warmer inside a web process (its lifespan), where the app it requests lives.

Why not in `oxship worker`: warming goes through the ASGI app, and only web processes have one (a
worker would build a second app just for this). With Redis, the leader lock makes one web process
per interval fill the shared tier for all; without Redis each process is its own leader and warms
its own local tier, which is the only tier there is.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass

from oxship.runtime import Runtime
from oxship.warmer.service import ASGIApp, Warmer

log = logging.getLogger(__name__)

_STOP_TIMEOUT = 5.0


@dataclass
class WarmerTask:
    """A warmer running in the background, and how to stop it."""

    warmer: Warmer
    task: asyncio.Task[None]
    stop: asyncio.Event


def build(app: ASGIApp, runtime: Runtime) -> Warmer:
    """The warmer of this process, configured from its settings."""
    settings = runtime.settings
    return Warmer(
        app,
        runtime.cache,
        redis=runtime.redis,
        prefix=settings.cache_prefix,
        interval=settings.cache_warmer_interval,
    )


def start(app: ASGIApp, runtime: Runtime) -> WarmerTask | None:
    """Start warming (a pass now, then every CACHE_WARMER_INTERVAL s, and after bumps), if enabled."""
    settings = runtime.settings
    if not settings.cache_warmer_enabled or not settings.cache_enabled:
        return None
    warmer = build(app, runtime)
    stop = asyncio.Event()
    task = asyncio.create_task(warmer.run_forever(stop), name="cache-warmer")
    return WarmerTask(warmer=warmer, task=task, stop=stop)


async def stop(running: WarmerTask | None) -> None:
    """Stop a warmer started by `start` (a pass under way gets a few seconds to finish)."""
    if running is None:
        return
    running.stop.set()
    done, _ = await asyncio.wait({running.task}, timeout=_STOP_TIMEOUT)
    if not done:
        running.task.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await running.task
    await running.warmer.close()
