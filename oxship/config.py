"""Settings: every environment variable oxship reads, in one class (see .env.example and docs/deploy.md)."""

from __future__ import annotations

import re
from enum import StrEnum
from functools import cached_property
from typing import Annotated

from limits import parse
from pydantic import Field, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_SECRET_KEY = "dev-insecure-secret-key-change-me-0123456789"
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./oxship.db"


class Environment(StrEnum):
    """Deployment mode; production refuses default secrets."""

    DEVELOPMENT = "development"
    PRODUCTION = "production"


class Settings(BaseSettings):
    """All configuration, read from the environment (and `.env`)."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    oxship_env: Environment = Field(Environment.DEVELOPMENT, description="development|production")
    database_url: str = Field(DEFAULT_DATABASE_URL, description="SQLAlchemy async URL")
    redis_url: str | None = Field(None, description="redis://… enables the shared cache tier")
    secret_key: str = Field(DEFAULT_SECRET_KEY, description="HS256 signing key (≥32 chars)")
    access_token_ttl: int = Field(86_400, ge=60, description="access token lifetime, seconds")
    refresh_token_ttl: int = Field(30 * 86_400, ge=300, description="refresh lifetime, seconds")
    db_pool_size: int = Field(20, ge=1, description="connections kept per process")
    db_max_overflow: int = Field(40, ge=0, description="extra connections per process")
    db_pool_timeout: float = Field(2.0, gt=0, description="seconds to wait for a connection")
    db_statement_timeout_ms: int = Field(5_000, ge=100, description="PostgreSQL statement_timeout")
    cache_enabled: bool = Field(True, description="response cache on/off")
    cache_prefix: str = Field("oxship", description="prefix of every Redis key")
    cache_local_max_entries: int = Field(4_096, ge=0, description="per-process LRU size")
    cache_local_max_bytes: int = Field(
        32 << 20, ge=0, description="bytes of bodies the per-process LRU holds at most"
    )
    cache_local_ttl: float = Field(30.0, ge=0, description="max seconds in the per-process tier")
    cache_list_bump_window: float = Field(
        1.0, ge=0, le=60, description="seconds over which vote bumps of project lists are merged"
    )
    cache_warmer_enabled: bool = Field(True, description="warm the hot pages in web processes")
    cache_warmer_interval: int = Field(300, ge=5, description="seconds between warm passes")
    memory_trim_interval: float = Field(
        60.0,
        ge=0,
        description="seconds between returning freed heap pages to the OS (glibc); 0 = never",
    )
    memory_mmap_threshold: int = Field(
        65_536,
        ge=0,
        le=32 << 20,
        description="blocks this big or bigger get their own mappings (glibc); 0 = glibc's own",
    )
    gc_thresholds: str = Field(
        "100000,50,1000",
        description="CPython gc thresholds (gen0,gen1,gen2) set at startup; empty keeps Python's",
    )
    realtime_queue_limit: int = Field(
        1_000, ge=10, description="outbound packets queued per socket before dropping"
    )
    max_body_bytes: int = Field(1_048_576, ge=1024, description="largest request body (413)")
    max_json_depth: int = Field(
        32, ge=2, le=512, description="deepest nesting of arrays/objects in a JSON body (422)"
    )
    max_json_array_items: int = Field(
        1_000, ge=10, description="most items in any one array of a JSON body (422)"
    )
    allow_sqlite_in_production: bool = Field(
        False, description="let OXSHIP_ENV=production start on a SQLite DATABASE_URL"
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="comma-separated allowed origins"
    )
    rate_limit_enabled: bool = Field(True, description="enforce rate limits")
    rate_limit_login_account: str = Field("5/minute", description="login attempts per account")
    rate_limit_login_ip: str = Field("20/minute", description="login attempts per client IP")
    rate_limit_register_ip: str = Field("20/hour", description="registrations per client IP")
    rate_limit_password_ip: str = Field("10/hour", description="forgot/reset requests per IP")
    rate_limit_votes: str = Field(
        "120/minute", description="project/comment votes and post reactions per user; empty = off"
    )
    rate_limit_comments: str = Field(
        "20/minute", description="comments created or edited per user; empty = off"
    )
    rate_limit_posts: str = Field(
        "20/minute", description="chain posts and replies created or edited per user; empty = off"
    )
    rate_limit_messages: str = Field("60/minute", description="messages sent per user; empty = off")
    rate_limit_follows: str = Field(
        "60/minute", description="chain follows and event subscriptions (and undos) per user"
    )
    rate_limit_reads_ip: str = Field(
        "600/minute",
        description="anonymous /api GET/HEAD per client IP, per process; empty = off",
    )
    smtp_url: str | None = Field(None, description="smtp://user:pass@host:port or smtps://…")
    smtp_starttls: bool = Field(False, description="issue STARTTLS on smtp:// connections")
    smtp_timeout: float = Field(10.0, gt=0, description="SMTP connect/send timeout, seconds")
    mail_from: str = Field("oxship <no-reply@oxship.local>", description="From header of mail")
    public_url: str = Field("http://127.0.0.1:8000", description="base URL used in mailed links")
    siwe_domain: str | None = Field(
        None, description="EIP-4361 sign-in domain (host[:port]); default: that of PUBLIC_URL"
    )
    siwe_uri: str | None = Field(None, description="EIP-4361 sign-in URI; default: PUBLIC_URL")
    siwe_chain_id: int = Field(1, ge=1, description="EIP-155 chain id of wallet sign-in messages")
    siwe_nonce_ttl: int = Field(
        600, ge=30, le=86_400, description="lifetime of a wallet sign-in nonce, seconds"
    )

    chain_rpc_url: str | None = Field(None, description="EVM JSON-RPC endpoint")
    oxcert_contract_address: str | None = Field(None, description="0xCert ERC-721 contract")
    chain_rpc_timeout: float = Field(
        5.0, gt=0, le=60, description="deadline of one 0xCert lookup or chain check, seconds"
    )
    rate_limit_cert_checks: str = Field(
        "10/minute", description="POST /api/blockchain/verify-cert per user; empty = off"
    )
    github_client_id: str | None = Field(None, description="GitHub OAuth app id")
    github_client_secret: str | None = Field(None, description="GitHub OAuth app secret")
    github_authorize_url: str = Field(
        "https://github.com/login/oauth/authorize", description="GitHub OAuth authorize page"
    )
    github_token_url: str = Field(
        "https://github.com/login/oauth/access_token", description="GitHub OAuth code exchange"
    )
    github_api_url: str = Field("https://api.github.com", description="GitHub REST API base URL")
    github_redirect_url: str | None = Field(
        None, description="OAuth redirect_uri; default {PUBLIC_URL}/api/auth/github/callback"
    )
    github_state_ttl: int = Field(600, ge=60, description="GitHub OAuth state lifetime, seconds")
    github_http_timeout: float = Field(
        10.0, gt=0, description="timeout of each call to GitHub, seconds"
    )
    apm_service_name: str = Field("oxship", description="service name in logs and traces")
    log_level: str = Field("INFO", description="DEBUG|INFO|WARNING|ERROR")
    jobs_in_web: bool = Field(False, description="run periodic jobs inside web processes")
    worker_interval: float = Field(
        60.0, gt=0, description="seconds between rounds of periodic jobs"
    )
    password_hash_time_cost: int = Field(3, ge=1, description="argon2id iterations")
    password_hash_memory_kib: int = Field(65_536, ge=8, description="argon2id memory, KiB")
    password_reset_ttl: int = Field(3_600, ge=60, description="reset token lifetime, seconds")
    email_verify_ttl: int = Field(3 * 86_400, ge=60, description="verify link lifetime, seconds")

    @model_validator(mode="before")
    @classmethod
    def _split_origins(cls, data: object) -> object:
        if isinstance(data, dict):
            for key in ("cors_origins", "CORS_ORIGINS"):
                raw = data.get(key)
                if isinstance(raw, str):
                    data[key] = [o.strip() for o in raw.split(",") if o.strip()]
        return data

    @field_validator(
        "rate_limit_login_account",
        "rate_limit_login_ip",
        "rate_limit_register_ip",
        "rate_limit_password_ip",
    )
    @classmethod
    def _valid_limit(cls, value: str) -> str:
        try:
            parse(value)
        except ValueError as exc:
            raise ValueError(f"not a rate limit such as '5/minute': {value!r}") from exc
        return value

    @field_validator(
        "rate_limit_votes",
        "rate_limit_comments",
        "rate_limit_posts",
        "rate_limit_messages",
        "rate_limit_follows",
        "rate_limit_reads_ip",
        "rate_limit_cert_checks",
    )
    @classmethod
    def _valid_optional_limit(cls, value: str) -> str:
        value = value.strip()
        if not value:
            return value
        try:
            parse(value)
        except ValueError as exc:
            raise ValueError(f"not a rate limit such as '5/minute' (or empty): {value!r}") from exc
        return value

    @field_validator("chain_rpc_url", "oxcert_contract_address")
    @classmethod
    def _valid_chain_setting(cls, value: str | None, info: ValidationInfo) -> str | None:
        value = (value or "").strip() or None
        if value is None:
            return None
        if info.field_name == "chain_rpc_url" and not value.startswith(("http://", "https://")):
            raise ValueError("an http:// or https:// JSON-RPC URL")
        if info.field_name == "oxcert_contract_address" and not re.fullmatch(
            r"0x[0-9a-fA-F]{40}", value
        ):
            raise ValueError("a contract address: 0x and 40 hex digits")
        return value

    @field_validator("gc_thresholds")
    @classmethod
    def _valid_gc(cls, value: str) -> str:
        if value.strip():
            parts = value.split(",")
            if len(parts) != 3 or not all(p.strip().isdigit() for p in parts):
                raise ValueError("three non-negative integers such as '100000,50,1000'")
        return value

    @field_validator("siwe_domain", "siwe_uri")
    @classmethod
    def _valid_siwe(cls, value: str | None, info: ValidationInfo) -> str | None:
        value = (value or "").strip() or None
        if value is None:
            return None
        if info.field_name == "siwe_domain" and not re.fullmatch(r"[^\s/?#]+", value):
            raise ValueError("a host[:port] such as 'app.example.com', without scheme or path")
        if info.field_name == "siwe_uri" and not re.fullmatch(
            r"[A-Za-z][A-Za-z0-9+.\-]*:\S+", value
        ):
            raise ValueError("an absolute URI such as 'https://app.example.com'")
        return value

    @property
    def gc_threshold_values(self) -> tuple[int, int, int] | None:
        """The parsed gc thresholds, or None to keep Python's defaults."""
        if not self.gc_thresholds.strip():
            return None
        a, b, c = (int(p) for p in self.gc_thresholds.split(","))
        return a, b, c

    @model_validator(mode="after")
    def _refuse_default_secrets(self) -> Settings:
        if self.oxship_env is Environment.PRODUCTION:
            if self.secret_key == DEFAULT_SECRET_KEY or len(self.secret_key) < 32:
                raise ValueError(
                    "SECRET_KEY must be set to a random value of ≥32 chars in production"
                )
            if self.github_client_id and not self.github_client_secret:
                raise ValueError("GITHUB_CLIENT_SECRET is required when GITHUB_CLIENT_ID is set")
            if self.database_url.startswith("sqlite") and not self.allow_sqlite_in_production:
                raise ValueError(
                    "DATABASE_URL is SQLite: production needs PostgreSQL"
                    " (or ALLOW_SQLITE_IN_PRODUCTION=true for a single-process deployment)"
                )
        return self

    @cached_property
    def is_sqlite(self) -> bool:
        """True in the embedded mode (SQLite file)."""
        return self.database_url.startswith("sqlite")

    @cached_property
    def is_production(self) -> bool:
        """True when OXSHIP_ENV=production."""
        return self.oxship_env is Environment.PRODUCTION
