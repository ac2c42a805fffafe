"""Admin test helpers; the live-server fixtures come from tests/realtime."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from oxship.models import AdminAction
from oxship.runtime import Runtime
from tests.realtime.conftest import listeners, live_url

__all__ = ["audit_entries", "listeners", "live_url"]


async def fetch_audit(runtime: Runtime, action: str | None = None) -> list[AdminAction]:
    """Audit rows, oldest first, optionally of one action."""
    async with runtime.sessionmaker() as session:
        stmt = select(AdminAction).order_by(AdminAction.created_at)
        if action is not None:
            stmt = stmt.where(AdminAction.action == action)
        return list((await session.scalars(stmt)).all())


@pytest.fixture
def audit_entries(runtime: Runtime) -> Any:
    """`await audit_entries(action=None)` → audit rows, oldest first."""

    async def get(action: str | None = None) -> list[AdminAction]:
        return await fetch_audit(runtime, action)

    return get
