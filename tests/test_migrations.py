"""Migrations match the models, and run down and up again, on the configured backend."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncEngine

from oxship.config import Settings
from oxship.db import create_engine
from oxship.migrate import downgrade, upgrade
from oxship.models import Base
from oxship.search.schema import COMPARE_FILTERS
from tests.support.databases import create_empty_database, drop_test_database


async def test_models_and_migrations_agree(engine: AsyncEngine) -> None:
    def diff(sync_conn: object) -> list[object]:
        opts = {"compare_type": True, **COMPARE_FILTERS}
        context = MigrationContext.configure(sync_conn, opts=opts)  # type: ignore[arg-type]
        return list(compare_metadata(context, Base.metadata))

    async with engine.connect() as conn:
        changes = await conn.run_sync(diff)
    assert changes == []


async def test_every_relationship_raises_on_lazy_load() -> None:
    for mapper in Base.registry.mappers:
        for rel in mapper.relationships:
            assert rel.lazy == "raise", f"{mapper.class_.__name__}.{rel.key} must be lazy='raise'"


async def test_constraints_follow_the_naming_convention(engine: AsyncEngine) -> None:
    def names(sync_conn: object) -> list[str]:
        insp = inspect(sync_conn)
        found: list[str] = []
        for table in insp.get_table_names():
            if table == "alembic_version":
                continue
            found += [u["name"] or "" for u in insp.get_unique_constraints(table)]
            found += [f["name"] or "" for f in insp.get_foreign_keys(table)]
        return found

    async with engine.connect() as conn:
        constraint_names = await conn.run_sync(names)
    assert constraint_names
    assert all(n.startswith(("uq_", "fk_")) for n in constraint_names), constraint_names


def test_upgrade_downgrade_upgrade_on_a_fresh_database(tmp_path: Path) -> None:
    """Every migration applies to an empty database and is reversible."""
    url = create_empty_database(tmp_path, "migrations")
    try:
        upgrade(url)
        assert _tables(url) >= {"users", "auth_sessions", "one_time_tokens", "mail_outbox"}
        downgrade(url, "base")
        assert _tables(url) <= {"alembic_version"}
        upgrade(url)
        assert "users" in _tables(url)
    finally:
        drop_test_database(url)


def _tables(url: str) -> set[str]:
    async def read() -> set[str]:
        engine = create_engine(Settings(), url=url)
        try:
            async with engine.connect() as conn:
                return set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
        finally:
            await engine.dispose()

    return asyncio.run(read())
