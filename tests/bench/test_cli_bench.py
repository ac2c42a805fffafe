"""`oxship seed --bench` from the command line, against a throwaway SQLite database."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from oxship.cli import app

runner = CliRunner()


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = tmp_path / "bench.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{db}")
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("PASSWORD_HASH_TIME_COST", "1")
    monkeypatch.setenv("PASSWORD_HASH_MEMORY_KIB", "1024")
    monkeypatch.setenv("OXSHIP_ENV", "development")
    return db


def test_seed_bench_loads_once_then_refuses(cli_env: Path) -> None:
    assert runner.invoke(app, ["migrate"]).exit_code == 0
    loaded = runner.invoke(app, ["seed", "--bench", "--scale", "0.001"])
    assert loaded.exit_code == 0, loaded.output
    assert "benchmark data loaded" in loaded.output
    assert "100 projects" in loaded.output
    again = runner.invoke(app, ["seed", "--bench", "--scale", "0.001"])
    assert again.exit_code == 1
    assert "not empty" in again.output
    skipped = runner.invoke(app, ["seed", "--bench", "--if-empty"])
    assert skipped.exit_code == 0
    assert "not loaded" in skipped.output


@pytest.mark.parametrize("flags", [[], ["--demo", "--bench"]])
def test_seed_needs_exactly_one_dataset(cli_env: Path, flags: list[str]) -> None:
    result = runner.invoke(app, ["seed", *flags])
    assert result.exit_code == 2
    assert "--demo or --bench" in result.output
