"""Test databases: a SQLite file, or a PostgreSQL database created for the run and dropped after."""

from __future__ import annotations

import asyncio
import os
import uuid
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

from oxship.migrate import upgrade

TEST_DATABASE_URL = os.environ.get("OXSHIP_TEST_DATABASE_URL") or None
TEST_REDIS_URL = os.environ.get("OXSHIP_TEST_REDIS_URL") or None


def _admin_dsn(url: str) -> str:
    parsed = make_url(url).set(drivername="postgresql")
    return parsed.render_as_string(hide_password=False)


async def _pg_admin(url: str, sql: str) -> None:
    conn = await asyncpg.connect(_admin_dsn(url), timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def create_empty_database(tmp_dir: Path, label: str = "run") -> str:
    """Create a new, empty database on the configured backend; return its URL."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    suffix = uuid.uuid4().hex[:10]
    if TEST_DATABASE_URL is None:
        return f"sqlite+aiosqlite:///{tmp_dir / f'oxship-{label}-{worker}-{suffix}.db'}"
    name = f"oxship_test_{label}_{worker}_{suffix}"
    asyncio.run(_pg_admin(TEST_DATABASE_URL, f'CREATE DATABASE "{name}"'))
    return make_url(TEST_DATABASE_URL).set(database=name).render_as_string(hide_password=False)


def create_test_database(tmp_dir: Path) -> str:
    """Create and migrate a fresh database for this run (or xdist worker); return its URL."""
    url = create_empty_database(tmp_dir)
    upgrade(url)
    return url


def drop_test_database(url: str) -> None:
    """Drop a database made by create_test_database (SQLite files go with the tmp dir)."""
    if TEST_DATABASE_URL is None:
        return
    name = make_url(url).database
    asyncio.run(_pg_admin(TEST_DATABASE_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
