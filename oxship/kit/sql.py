"""Dialect-portable SQL helpers (PostgreSQL and SQLite)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


def dialect_name(session: AsyncSession) -> str:
    """`postgresql` or `sqlite`."""
    return session.get_bind().dialect.name


def insert_ignoring_conflicts(session: AsyncSession, table: Any, values: dict[str, Any]) -> Insert:
    """INSERT … ON CONFLICT DO NOTHING for the session's dialect."""
    if dialect_name(session) == "postgresql":
        return postgresql.insert(table).values(**values).on_conflict_do_nothing()
    return sqlite.insert(table).values(**values).on_conflict_do_nothing()


def like_escape(text: str) -> str:
    """Escape LIKE wildcards so user text matches literally (use with escape='\\\\')."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
