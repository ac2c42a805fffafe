"""Runtime: the process-wide resources built from Settings (engine, cache, limiter, mailer)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from oxship.auth.passwords import Passwords
from oxship.auth.tokens import TokenCodec
from oxship.config import Settings
from oxship.db import create_engine, create_sessionmaker
from oxship.kit import metrics
from oxship.kit.cache import ResponseCache
from oxship.kit.ratelimit import RateLimiter
from oxship.mail.service import Mailer
from oxship.realtime.publisher import Publisher


def create_redis(url: str) -> Redis:
    """A Redis client with short timeouts: a slow Redis must not slow requests down."""
    return Redis.from_url(
        url,
        socket_timeout=0.5,
        socket_connect_timeout=0.5,
        health_check_interval=15,
        retry_on_timeout=False,
    )


@dataclass
class Runtime:
    """Everything a process shares between requests."""

    settings: Settings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]  # reads: autocommit on PostgreSQL, never write
    write_sessionmaker: async_sessionmaker[AsyncSession]  # one transaction per session
    cache: ResponseCache
    limiter: RateLimiter
    mailer: Mailer
    tokens: TokenCodec
    passwords: Passwords
    redis: Redis | None = None
    publisher: Publisher = field(default_factory=Publisher)
    owns_engine: bool = True
    sqlite_writes: asyncio.Lock | None = None
    extras: dict[str, object] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        settings: Settings,
        *,
        engine: AsyncEngine | None = None,
        sessionmaker: async_sessionmaker[AsyncSession] | None = None,
    ) -> Runtime:
        """Create (not yet start) the resources of `settings`; an engine may be shared (tests)."""
        owns_engine = engine is None
        engine = engine or create_engine(settings)
        write_sessionmaker = sessionmaker or create_sessionmaker(engine, write=True)
        sessionmaker = sessionmaker or create_sessionmaker(engine)
        redis = create_redis(settings.redis_url) if settings.redis_url else None
        cache = ResponseCache(
            redis=redis,
            prefix=settings.cache_prefix,
            local_max_entries=settings.cache_local_max_entries,
            local_max_bytes=settings.cache_local_max_bytes,
            local_ttl=settings.cache_local_ttl,
            enabled=settings.cache_enabled,
            list_bump_window=settings.cache_list_bump_window,
        )
        limiter = RateLimiter(
            redis_url=settings.redis_url,
            prefix=settings.cache_prefix,
            enabled=settings.rate_limit_enabled,
        )
        return cls(
            settings=settings,
            engine=engine,
            sessionmaker=sessionmaker,
            write_sessionmaker=write_sessionmaker,
            cache=cache,
            limiter=limiter,
            mailer=Mailer(settings, write_sessionmaker),
            tokens=TokenCodec(settings),
            passwords=Passwords(settings),
            redis=redis,
            owns_engine=owns_engine,
            sqlite_writes=asyncio.Lock() if settings.is_sqlite else None,
        )

    async def start(self) -> None:
        """Open connections and background listeners."""
        await self.cache.start()
        self.publisher.start()
        pool = self.engine.pool
        if hasattr(pool, "checkedout") and hasattr(pool, "size"):
            metrics.set_pool_probe(lambda: {"in_use": pool.checkedout(), "size": pool.size()})

    async def close(self) -> None:
        """Release everything."""
        await self.publisher.close()
        await self.cache.close()
        metrics.set_pool_probe(None)
        if self.redis is not None:
            await self.redis.aclose()
        if self.owns_engine:
            await self.engine.dispose()
