"""Helpers of the rate-limit tests: row counts and the shape of a 429."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import func, select

from oxship.models import Base
from oxship.runtime import Runtime


async def count_rows(runtime: Runtime, model: type[Base], **where: Any) -> int:
    """Rows of `model` whose columns equal `where`."""
    stmt = select(func.count()).select_from(model).filter_by(**where)
    async with runtime.sessionmaker() as session:
        return int((await session.execute(stmt)).scalar_one())


def assert_rate_limited(response: httpx.Response, *, window: int = 60) -> None:
    """A 429 in the error envelope with a Retry-After of 1..`window` seconds."""
    assert response.status_code == 429, response.text
    body = response.json()
    assert body["status"] == "error"
    assert body["error"] == "rate_limited"
    assert body["message"]
    retry_after = response.headers["retry-after"]
    assert retry_after.isdigit()
    assert 1 <= int(retry_after) <= window
