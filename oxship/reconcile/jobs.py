"""The hourly reconcile job: checks every counter and score and FIXES the drift it finds.

Like the intro expiry job, each run claims its hour in `job_runs` in the transaction that does the
work, so it runs once per hour per deployment; each fixed value is logged at WARNING (drift is a bug
or a crash between a write and its counter, worth an alert) and the run's summary is stored in the
`job_runs.result`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from oxship.db import transaction
from oxship.intros.jobs import holder, hourly_period
from oxship.kit.clock import utcnow
from oxship.reconcile import checks, service
from oxship.runtime import Runtime

RECONCILE_JOB = "reconcile"


async def run_reconcile(runtime: Runtime, now: datetime | None = None) -> dict[str, Any] | None:
    """Reconcile (and fix) once for this hour; `{fixed, drift_count, by_check, period}`, or None
    when this hour's run already happened."""
    period = hourly_period(now or utcnow())
    async with transaction(runtime) as session:
        claimed = await checks.claim_job_run(
            session, job=RECONCILE_JOB, period=period, holder=holder(), now=utcnow()
        )
        if not claimed:
            return None
        report = await service.reconcile(session, fix=True)
        result: dict[str, Any] = {
            "fixed": len(report.drift),
            "by_check": service.summary(report),
            "period": period,
        }
        await checks.finish_job_run(
            session, job=RECONCILE_JOB, period=period, now=utcnow(), result=result
        )
        return result
