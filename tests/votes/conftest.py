"""Fixtures of the votes tests."""

from __future__ import annotations

import pytest

from oxship.runtime import Runtime
from tests.votes.rows import EngagementRows


@pytest.fixture
def rows(runtime: Runtime) -> EngagementRows:
    """Direct row access on the test's database."""
    return EngagementRows(runtime)
