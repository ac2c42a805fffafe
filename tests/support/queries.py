"""assert_query_count: count the SQL statements a block runs and show them on failure."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

_IGNORED = (
    "SAVEPOINT",
    "RELEASE SAVEPOINT",
    "ROLLBACK TO SAVEPOINT",
    "BEGIN",
    "COMMIT",
    "ROLLBACK",
)


class QueryLog:
    """The statements seen inside one `assert_query_count` block."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        """How many statements ran."""
        return len(self.statements)


@contextmanager
def count_queries(engine: AsyncEngine) -> Iterator[QueryLog]:
    """Record every statement (transaction control excluded) run on `engine`."""
    log = QueryLog()

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith(_IGNORED):
            log.statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", before)
    try:
        yield log
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", before)


@contextmanager
def assert_query_count(engine: AsyncEngine, expected: int) -> Iterator[QueryLog]:
    """Fail unless exactly `expected` statements run inside the block; print them if not."""
    with count_queries(engine) as log:
        yield log
    if log.count != expected:
        listing = "\n".join(f"  {i + 1}. {s}" for i, s in enumerate(log.statements))
        raise AssertionError(f"expected {expected} SQL statements, ran {log.count}:\n{listing}")
