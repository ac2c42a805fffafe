"""The periodic-job loop: each job once per period, a failing job isolated, web processes opt in."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from oxship import worker
from oxship.app import create_app
from oxship.cli import app as cli
from oxship.config import Settings
from oxship.models import JobRun
from oxship.runtime import Runtime
from tests.conftest import make_settings

pytestmark = pytest.mark.committed


async def _runs(runtime: Runtime) -> int:
    async with runtime.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(JobRun)) or 0)


async def test_each_job_runs_once_per_period(runtime: Runtime) -> None:
    first = await worker.run_once(runtime)
    assert first["expire-intros"] == {
        "intro_requests": 0,
        "intros": 0,
        "period": first["expire-intros"]["period"],
    }
    assert first["reconcile"] == {
        "fixed": 0,
        "by_check": {},
        "period": first["reconcile"]["period"],
    }
    again = await worker.run_once(runtime)
    assert again == {"expire-intros": None, "reconcile": None}
    assert await _runs(runtime) == 2


async def test_a_failing_job_does_not_stop_the_others(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    ran: list[str] = []

    async def broken(_: Runtime) -> Any:
        raise RuntimeError("boom")

    async def fine(_: Runtime) -> Any:
        ran.append("fine")
        return {"ok": True}

    monkeypatch.setattr(worker, "JOBS", (("broken", broken), ("fine", fine)))
    results = await worker.run_once(runtime)
    assert results == {"broken": {"error": "RuntimeError"}, "fine": {"ok": True}}
    assert ran == ["fine"]


async def test_the_loop_repeats_until_stopped(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    rounds: list[int] = []
    stop = asyncio.Event()

    async def count(_: Runtime) -> Any:
        rounds.append(1)
        if len(rounds) == 3:
            stop.set()

    monkeypatch.setattr(worker, "JOBS", (("count", count),))
    await asyncio.wait_for(worker.run_forever(runtime, interval=0.01, stop=stop), timeout=5)
    assert len(rounds) == 3


async def test_web_processes_run_the_jobs_only_when_asked(
    runtime: Runtime, database_url: str
) -> None:
    for enabled, expected in ((False, 0), (True, len(worker.JOBS))):
        settings: Settings = make_settings(database_url, jobs_in_web=enabled, worker_interval=0.05)
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            await asyncio.sleep(0.5)
        assert await _runs(runtime) == expected


def test_worker_once_from_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'worker.db'}")
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("OXSHIP_ENV", "development")
    runner = CliRunner()
    assert runner.invoke(cli, ["migrate"]).exit_code == 0
    first = runner.invoke(cli, ["worker", "--once"])
    assert first.exit_code == 0, first.output
    assert "expire-intros: {'intro_requests': 0, 'intros': 0" in first.output
    second = runner.invoke(cli, ["worker", "--once"])
    assert "expire-intros: skipped (already ran this period)" in second.output
