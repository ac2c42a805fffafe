"""Fixtures of the forum tests."""

from __future__ import annotations

import pytest

from oxship.runtime import Runtime
from tests.forum.helpers import ForumRows
from tests.realtime.conftest import listeners, live_url

__all__ = ["listeners", "live_url", "rows"]


@pytest.fixture
def rows(runtime: Runtime) -> ForumRows:
    """Direct row access on the test's database."""
    return ForumRows(runtime.sessionmaker)
