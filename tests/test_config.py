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
