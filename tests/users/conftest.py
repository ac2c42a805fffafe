"""Fixtures of the users tests."""

from __future__ import annotations

import pytest

from oxship.runtime import Runtime
from tests.auth.rows import Rows


@pytest.fixture
def rows(runtime: Runtime) -> Rows:
    """Direct row access on the test's database."""
    return Rows(runtime)
