"""Which database errors are a 503 (unreachable, restarting) rather than a 500 (a bug).

Found by test_postgres_restart.py: while PostgreSQL replays its WAL after a crash, connecting fails
with "the database system is starting up" (SQLSTATE 57P03), which no message marker matched.
These run on every backend (no database needed).
"""

from __future__ import annotations

import pytest
from sqlalchemy.exc import DBAPIError

from oxship.app import _is_connection_error


class _DriverError(Exception):
    """Stands in for the driver's error (SQLAlchemy's asyncpg adapter exposes `sqlstate`)."""

    def __init__(self, message: str, sqlstate: str | None) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


def _error(message: str, sqlstate: str | None) -> DBAPIError:
    return DBAPIError("SELECT 1", None, _DriverError(message, sqlstate))


@pytest.mark.parametrize(
    ("message", "sqlstate"),
    [
        ("the database system is starting up", "57P03"),
        ("terminating connection due to administrator command", "57P01"),
        ("terminating connection because of crash of another server process", "57P02"),
        ("server closed the connection unexpectedly", "08006"),
        ("the database system is not yet accepting connections", None),
    ],
)
def test_an_unreachable_or_restarting_database_is_unavailable(
    message: str, sqlstate: str | None
) -> None:
    assert _is_connection_error(_error(message, sqlstate)) is True


@pytest.mark.parametrize(
    ("message", "sqlstate"),
    [("division by zero", "22012"), ('relation "nope" does not exist', "42P01"), ("odd", None)],
)
def test_other_database_errors_are_not(message: str, sqlstate: str | None) -> None:
    assert _is_connection_error(_error(message, sqlstate)) is False
