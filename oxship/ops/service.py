"""Readiness checks of the dependencies a process needs."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from sqlalchemy import text

if TYPE_CHECKING:
    from oxship.runtime import Runtime

CHECK_TIMEOUT = 2.0


async def _database_ok(runtime: Runtime) -> bool:
    async def probe() -> None:
        async with runtime.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    try:
        await asyncio.wait_for(probe(), timeout=CHECK_TIMEOUT)
    except Exception:
        return False
    return True


async def readiness(runtime: Runtime) -> dict[str, str]:
    """`{"database": "ok"|"fail", "cache": "ok"|"fail"}`, checked concurrently."""
    db_ok, cache_ok = await asyncio.gather(_database_ok(runtime), runtime.cache.ping())
    return {"database": "ok" if db_ok else "fail", "cache": "ok" if cache_ok else "fail"}
