"""Fixtures of the saved-project tests."""

from __future__ import annotations

import pytest

from oxship.runtime import Runtime
from tests.auth.rows import Rows


@pytest.fixture
def rows(runtime: Runtime) -> Rows:
    """Direct row access (bans)."""
    return Rows(runtime)
