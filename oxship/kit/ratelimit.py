"""Rate limiting with the `limits` library: Redis storage when configured, memory when embedded."""

from __future__ import annotations

import logging
import math
import time
from functools import lru_cache

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter

from oxship.errors import RateLimited

log = logging.getLogger(__name__)


@lru_cache(maxsize=64)
def _item(spec: str) -> RateLimitItem:
    return parse(spec)


def validate_spec(spec: str) -> str:
    """Raise ValueError unless `spec` is a valid limit such as `5/minute`."""
    _item(spec)
    return spec


class RateLimiter:
    """Moving-window limits keyed by (scope, identifiers); fails open if its storage fails."""

    def __init__(self, *, redis_url: str | None, prefix: str, enabled: bool = True) -> None:
        self.enabled = enabled
        storage: Storage
        if redis_url:
            uri = "async+" + redis_url if not redis_url.startswith("async+") else redis_url
            storage = RedisStorage(
                uri, implementation="redispy", key_prefix=f"{prefix}:rl", socket_timeout=0.5
            )
        else:
            storage = MemoryStorage()
        self.storage = storage
        self._limiter = MovingWindowRateLimiter(storage)

    async def hit(
        self, spec: str, scope: str, *identifiers: str, message: str | None = None
    ) -> None:
        """Count one hit; raise RateLimited (429 + Retry-After) when the limit is exceeded."""
        if not self.enabled:
            return
        item = _item(spec)
        try:
            allowed = await self._limiter.hit(item, scope, *identifiers)
            if allowed:
                return
            stats = await self._limiter.get_window_stats(item, scope, *identifiers)
            retry_after = max(1, math.ceil(stats.reset_time - time.time()))
        except Exception as exc:  # storage down: never lock everyone out
            log.warning("rate limiter storage failed (%s); allowing request", exc)
            return
        raise RateLimited(message or "Too many requests, try again later", retry_after=retry_after)

    async def reset(self) -> None:
        """Forget every counter (tests, operators)."""
        try:
            await self.storage.reset()
        except Exception as exc:
            log.warning("rate limiter reset failed: %s", exc)
