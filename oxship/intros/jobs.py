"""The intro expiry job: runs at most once per hour per deployment, however many processes try.

Each run claims its period by inserting the `job_runs` row (primary key (job, period)) in the same
transaction as the work: the first process's insert wins, the others' `ON CONFLICT DO NOTHING` makes
them skip (PostgreSQL makes them wait for the winner's commit first). A failed run rolls its claim
back with its work, so another process may run that period.
"""

from __future__ import annotations

import os
import socket
from datetime import datetime
from typing import Any

from oxship.db import transaction
from oxship.intros import repository, service
from oxship.kit.clock import as_utc, utcnow
from oxship.runtime import Runtime

EXPIRE_JOB = "expire-intros"


def hourly_period(now: datetime) -> str:
    """The period key of the hour containing `now` (UTC), e.g. `2026-11-29T05`."""
    return as_utc(now).strftime("%Y-%m-%dT%H")


def holder() -> str:
    """Who ran a job: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


async def run_expiry(runtime: Runtime, now: datetime | None = None) -> dict[str, Any] | None:
    """Expire stale introductions once for this hour; the result, or None when already run."""
    now = now or utcnow()
    period = hourly_period(now)
    async with transaction(runtime) as session:
        claimed = await repository.claim_job_run(
            session, job=EXPIRE_JOB, period=period, holder=holder(), now=utcnow()
        )
        if not claimed:
            return None
        result: dict[str, Any] = {**await service.expire_stale(session, now), "period": period}
        await repository.finish_job_run(
            session, job=EXPIRE_JOB, period=period, now=utcnow(), result=result
        )
        return result
