"""Expiry of stale introductions and the once-per-period job runner."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from oxship.cli import app
from oxship.db import transaction
from oxship.intros import service
from oxship.intros.jobs import EXPIRE_JOB, hourly_period, run_expiry
from oxship.kit.clock import utcnow
from oxship.models import Intro, IntroRequest, JobRun
from oxship.runtime import Runtime
from tests.factories.projects import ProjectFactory
from tests.factories.users import UserFactory
from tests.intros.conftest import Investors, age, send_request


async def _statuses(runtime: Runtime) -> tuple[list[str], list[str]]:
    async with runtime.sessionmaker() as session:
        requests = (await session.scalars(select(IntroRequest.status))).all()
        intros = (await session.scalars(select(Intro.status))).all()
    return sorted(requests), sorted(intros)


async def _pending_pair(users: UserFactory, projects: ProjectFactory, investors: Investors) -> None:
    builder = await users.actor()
    project_id = await projects.project_id(builder.user)
    investor = await investors.actor()
    assert (await send_request(investor.client, project_id)).status_code == 201
    response = await builder.client.post(
        "/api/intros/request",
        json={
            "project_id": str(project_id),
            "recipient_id": str(investor.user.id),
            "requester_contact": "a@example.com",
        },
    )
    assert response.status_code == 201


async def test_expire_stale_expires_only_pending_rows_older_than_30_days(
    users: UserFactory, projects: ProjectFactory, investors: Investors, runtime: Runtime
) -> None:
    await _pending_pair(users, projects, investors)
    async with transaction(runtime) as session:
        assert await service.expire_stale(session, utcnow()) == {"intro_requests": 0, "intros": 0}
    await age(runtime, IntroRequest, 31)
    await age(runtime, Intro, 31)
    await _pending_pair(users, projects, investors)  # fresh ones stay pending
    async with transaction(runtime) as session:
        assert await service.expire_stale(session, utcnow()) == {"intro_requests": 1, "intros": 1}
    assert await _statuses(runtime) == (["expired", "pending"], ["expired", "pending"])


async def test_run_expiry_runs_once_per_hour(
    users: UserFactory, projects: ProjectFactory, investors: Investors, runtime: Runtime
) -> None:
    await _pending_pair(users, projects, investors)
    await age(runtime, IntroRequest, 40)
    now = datetime.now(UTC).replace(minute=17)
    period = hourly_period(now)
    assert period == now.strftime("%Y-%m-%dT%H")
    first = await run_expiry(runtime, now)
    assert first == {"intro_requests": 1, "intros": 0, "period": period}
    assert await run_expiry(runtime, now.replace(minute=59)) is None
    await age(runtime, Intro, 40)
    later = await run_expiry(runtime, now + timedelta(hours=1))
    assert later is not None
    assert later["intros"] == 1
    async with runtime.sessionmaker() as session:
        runs = (await session.scalars(select(JobRun).order_by(JobRun.period))).all()
    assert [(r.job, r.period) for r in runs] == [
        (EXPIRE_JOB, period),
        (EXPIRE_JOB, hourly_period(now + timedelta(hours=1))),
    ]
    assert runs[0].finished_at is not None
    assert runs[0].result == first


def test_cli_expire_intros_runs_once_per_hour(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("OXSHIP_ENV", "development")
    runner = CliRunner()
    assert runner.invoke(app, ["migrate"]).exit_code == 0
    first = runner.invoke(app, ["expire-intros"])
    assert first.exit_code == 0, first.output
    assert "expired 0 intro requests and 0 intros" in first.output
    second = runner.invoke(app, ["expire-intros"])
    assert second.exit_code == 0, second.output
    # Both runs may straddle an hour boundary; then the second one runs too.
    assert "already ran this hour" in second.output or "expired 0" in second.output
