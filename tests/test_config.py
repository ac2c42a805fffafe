"""Settings: environment parsing and the production guard against default secrets."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from oxship.config import DEFAULT_SECRET_KEY, Environment, Settings


def test_defaults_are_the_embedded_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("DATABASE_URL", "REDIS_URL", "OXSHIP_ENV", "SECRET_KEY", "CORS_ORIGINS"):
        monkeypatch.delenv(var, raising=False)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.is_sqlite
    assert settings.redis_url is None
    assert settings.oxship_env is Environment.DEVELOPMENT
    assert settings.cors_origins == []


def test_env_vars_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORS_ORIGINS", "https://a.example, https://b.example")
    monkeypatch.setenv("DB_POOL_SIZE", "7")
    monkeypatch.setenv("RATE_LIMIT_ENABLED", "false")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.cors_origins == ["https://a.example", "https://b.example"]
    assert settings.db_pool_size == 7
    assert settings.rate_limit_enabled is False


def test_production_refuses_the_default_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OXSHIP_ENV", "production")
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://oxship@db.internal/oxship")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings(_env_file=None)  # type: ignore[call-arg]
    monkeypatch.setenv("SECRET_KEY", "too-short")
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings(_env_file=None)  # type: ignore[call-arg]
    monkeypatch.setenv("SECRET_KEY", "k" * 48)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.is_production
    assert settings.secret_key != DEFAULT_SECRET_KEY


def test_invalid_values_are_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DB_POOL_SIZE", "0")
    with pytest.raises(ValidationError, match="db_pool_size"):
        Settings(_env_file=None)  # type: ignore[call-arg]


def test_rate_limit_settings_must_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RATE_LIMIT_LOGIN_IP", "banana")
    with pytest.raises(ValidationError, match="rate limit"):
        Settings(_env_file=None)  # type: ignore[call-arg]


def test_gc_thresholds_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GC_THRESHOLDS", "5000,20,30")
    assert Settings(_env_file=None).gc_threshold_values == (5000, 20, 30)  # type: ignore[call-arg]
    monkeypatch.setenv("GC_THRESHOLDS", "")
    assert Settings(_env_file=None).gc_threshold_values is None  # type: ignore[call-arg]
    monkeypatch.setenv("GC_THRESHOLDS", "1,2")
    with pytest.raises(ValidationError, match="gc_thresholds"):
        Settings(_env_file=None)  # type: ignore[call-arg]


def test_production_refuses_sqlite_unless_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OXSHIP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "k" * 48)
    monkeypatch.delenv("ALLOW_SQLITE_IN_PRODUCTION", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(ValidationError, match="ALLOW_SQLITE_IN_PRODUCTION"):
        Settings(_env_file=None)  # type: ignore[call-arg]
    monkeypatch.setenv("DATABASE_URL", "sqlite+aiosqlite:////var/lib/oxship/oxship.db")
    with pytest.raises(ValidationError, match="SQLite"):
        Settings(_env_file=None)  # type: ignore[call-arg]
    monkeypatch.setenv("ALLOW_SQLITE_IN_PRODUCTION", "true")
    allowed = Settings(_env_file=None)  # type: ignore[call-arg]
    assert allowed.is_production
    assert allowed.is_sqlite
    monkeypatch.delenv("ALLOW_SQLITE_IN_PRODUCTION")
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://oxship@db.internal/oxship")
    assert not Settings(_env_file=None).is_sqlite  # type: ignore[call-arg]


def test_development_accepts_sqlite_without_the_flag(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OXSHIP_ENV", "development")
    monkeypatch.delenv("ALLOW_SQLITE_IN_PRODUCTION", raising=False)
    monkeypatch.setenv("DATABASE_URL", "sqlite+aiosqlite:///./x.db")
    assert Settings(_env_file=None).is_sqlite  # type: ignore[call-arg]


def test_json_limits_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert (settings.max_json_depth, settings.max_json_array_items) == (32, 1000)
    monkeypatch.setenv("MAX_JSON_DEPTH", "1")
    with pytest.raises(ValidationError, match="max_json_depth"):
        Settings(_env_file=None)  # type: ignore[call-arg]
