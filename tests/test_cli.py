"""The `oxship` command against a throwaway SQLite database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from oxship.cli import app

runner = CliRunner()


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = tmp_path / "cli.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{db}")
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("PASSWORD_HASH_TIME_COST", "1")
    monkeypatch.setenv("PASSWORD_HASH_MEMORY_KIB", "1024")
    monkeypatch.setenv("OXSHIP_ENV", "development")
    return db


def test_migrate_seed_and_outbox(cli_env: Path) -> None:
    assert runner.invoke(app, ["migrate"]).exit_code == 0
    assert cli_env.exists()

    first = runner.invoke(app, ["seed", "--demo", "--if-empty", "--scale", "0.05"])
    assert first.exit_code == 0, first.output
    assert "demo data loaded" in first.output
    second = runner.invoke(app, ["seed", "--demo", "--if-empty"])
    assert second.exit_code == 0
    assert "not empty" in second.output

    # Registration mails go to the outbox table when SMTP is not configured.
    out = runner.invoke(app, ["outbox", "--json", "--limit", "100"])
    assert out.exit_code == 0, out.output
    messages = [json.loads(line) for line in out.output.splitlines() if line.startswith("{")]
    assert messages == []  # seeding creates accounts directly: nothing mailed

    table = runner.invoke(app, ["outbox"])
    assert table.exit_code == 0


def test_create_admin_validates_and_refuses_duplicates(cli_env: Path) -> None:
    assert runner.invoke(app, ["migrate"]).exit_code == 0
    args = [
        "create-admin",
        "--email",
        "Root@Example.com",
        "--username",
        "Root",
        "--password",
        "sup3rsecret",
    ]
    created = runner.invoke(app, args)
    assert created.exit_code == 0, created.output
    assert "admin root created" in created.output

    again = runner.invoke(app, args)
    assert again.exit_code == 1
    assert "already registered" in again.output

    weak = runner.invoke(
        app, ["create-admin", "--email", "x@example.com", "--username", "x!", "--password", "short"]
    )
    assert weak.exit_code == 2
    assert "username" in weak.output
    assert "password" in weak.output


def test_seed_refuses_production(cli_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OXSHIP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("ALLOW_SQLITE_IN_PRODUCTION", "true")
    result = runner.invoke(app, ["seed", "--demo"])
    assert result.exit_code == 1
    assert "refusing" in result.output
