"""The periodic jobs, and the loop that runs them (`oxship worker`, or web processes with JOBS_IN_WEB).

Each job decides for itself that it runs once per period per deployment (the `job_runs` claim), so any
number of workers and web processes may run the loop: the work is done once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from oxship.intros.jobs import run_expiry
from oxship.reconcile.jobs import run_reconcile
from oxship.runtime import Runtime

log = logging.getLogger(__name__)

Job = Callable[[Runtime], Awaitable[Any]]
JOBS: tuple[tuple[str, Job], ...] = (
    ("expire-intros", run_expiry),
    ("reconcile", run_reconcile),
)


async def run_once(runtime: Runtime) -> dict[str, Any]:
    """Give every job its chance; each result (None = already done this period, or the error)."""
    results: dict[str, Any] = {}
    for name, job in JOBS:
        try:
            results[name] = await job(runtime)
        except Exception as exc:  # one failing job must not stop the others, nor the loop
            log.exception("periodic job failed", extra={"job": name})
            results[name] = {"error": type(exc).__name__}
    return results


async def run_forever(runtime: Runtime, *, interval: float, stop: asyncio.Event) -> None:
    """Run the jobs every `interval` seconds until `stop` is set."""
    while not stop.is_set():
        await run_once(runtime)
        try:
            await asyncio.wait_for(stop.wait(), timeout=interval)
        except TimeoutError:
            continue
