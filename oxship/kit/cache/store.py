"""ResponseCache: versioned namespaces over a local LRU tier and an optional Redis tier.

Keys are `<prefix>:<namespace>:v<versions>:<hash>`. A write bumps the version of each namespace it
affects (after commit, via the outbox), so every older key becomes unreachable at once and simply
expires by TTL — there is never a KEYS/SCAN. Bumps are INCRs in Redis, broadcast on a pub/sub channel
so every process learns the new version within milliseconds and stops using its stale local entries.

Redis is optional and never an error: a failing call counts as a miss, the cache falls back to the local
tier, and bumps made while Redis was down are replayed when it returns, so no process serves an entry
older than a write it could not announce.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence

import orjson
from redis.asyncio import Redis
from redis.exceptions import RedisError

from oxship.kit.cache.local import LocalTier
from oxship.kit.metrics import CACHE_ERRORS, CACHE_REQUESTS

log = logging.getLogger(__name__)

Loader = Callable[[], Awaitable[bytes]]

_VERSION_TTL = 7 * 86_400  # far beyond any entry TTL: an expired version key hides nothing stale
_REDIS_RETRY_AFTER = 1.0  # seconds a failed Redis is left alone before the next try
_LOCK_TTL_MS = 5_000
_LOCK_WAIT_STEPS = 20
_LOCK_WAIT_STEP = 0.025


def _as_bytes(value: bytes | str) -> bytes:
    return value if isinstance(value, bytes) else value.encode()


def family(namespace: str) -> str:
    """The metric label of a namespace: `project:42` → `project`."""
    return namespace.split(":", 1)[0]


class ResponseCache:
    """The two-tier, versioned response cache of one process."""

    def __init__(
        self,
        *,
        redis: Redis | None,
        prefix: str = "oxship",
        local_max_entries: int = 4096,
        local_ttl: float = 30.0,
        enabled: bool = True,
    ) -> None:
        self.redis = redis
        self.prefix = prefix
        self.enabled = enabled
        self.local = LocalTier(local_max_entries, local_ttl)
        self.channel = f"{prefix}:bumps"
        self.origin = f"{os.getpid()}-{id(self):x}"
        self._versions: dict[str, int] = {}
        self._pending_bumps: set[str] = set()
        self._inflight: dict[str, asyncio.Future[bytes]] = {}
        self._redis_down_until = 0.0
        self._subscribed = asyncio.Event()
        self._listener: asyncio.Task[None] | None = None

    # ---- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        """Start listening for other processes' bumps (no-op without Redis)."""
        if self.redis is not None and self._listener is None:
            self._listener = asyncio.create_task(self._listen(), name="cache-bump-listener")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._subscribed.wait(), timeout=1.0)

    async def close(self) -> None:
        """Stop the listener."""
        listener, self._listener = self._listener, None
        if listener is None:
            return
        # Cancel until it stops: on Python 3.11, asyncio.wait_for (used by redis-py to send a
        # command) swallows a cancellation that arrives as its inner call completes.
        while not listener.done():
            listener.cancel()
            await asyncio.wait({listener}, timeout=0.1)
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await listener

    @property
    def redis_available(self) -> bool:
        """Whether Redis is configured and not in its back-off window."""
        return self.redis is not None and time.monotonic() >= self._redis_down_until

    def _redis_failed(self, exc: BaseException) -> None:
        CACHE_ERRORS.inc()
        if time.monotonic() >= self._redis_down_until:
            log.warning("cache: Redis unavailable (%s); serving from the database", exc)
        self._redis_down_until = time.monotonic() + _REDIS_RETRY_AFTER

    # ---- versions --------------------------------------------------------------------------

    def _vkey(self, namespace: str) -> str:
        return f"{self.prefix}:ver:{namespace}"

    def _learn(self, namespace: str, version: int) -> None:
        if version > self._versions.get(namespace, -1):
            self._versions[namespace] = version

    @property
    def _trust_local(self) -> bool:
        # Local knowledge of versions is only current while we hear every bump.
        return self.redis is None or self._subscribed.is_set()

    async def versions(self, namespaces: Sequence[str]) -> list[int]:
        """The current version of each namespace."""
        missing = [ns for ns in namespaces if not self._trust_local or ns not in self._versions]
        if missing and self.redis_available:
            assert self.redis is not None
            try:
                raw = await self.redis.mget([self._vkey(ns) for ns in missing])
            except (RedisError, OSError) as exc:
                self._redis_failed(exc)
            else:
                for ns, value in zip(missing, raw, strict=True):
                    self._learn(ns, int(value or 0))
        return [self._versions.get(ns, 0) for ns in namespaces]

    async def bump(self, namespaces: Iterable[str]) -> None:
        """Make every entry of these namespaces unreachable, here at once and elsewhere soon."""
        names = list(dict.fromkeys(namespaces))
        if not names:
            return
        if self.redis_available:
            assert self.redis is not None
            try:
                async with self.redis.pipeline(transaction=False) as pipe:
                    for ns in names:
                        pipe.incr(self._vkey(ns))
                        pipe.expire(self._vkey(ns), _VERSION_TTL)
                    new_versions = (await pipe.execute())[::2]
                    message = {"o": self.origin, "v": dict(zip(names, new_versions, strict=True))}
                    await self.redis.publish(self.channel, orjson.dumps(message))
            except (RedisError, OSError) as exc:
                self._redis_failed(exc)
            else:
                for ns, version in zip(names, new_versions, strict=True):
                    # Our own INCR is authoritative, even below what we knew (a lost version key).
                    self._versions[ns] = int(version)
                return
        # Without Redis: move on locally; with Redis configured, replay once it is back.
        for ns in names:
            self._versions[ns] = self._versions.get(ns, 0) + 1
        if self.redis is not None:
            self._pending_bumps.update(names)

    async def _listen(self) -> None:
        assert self.redis is not None
        while True:
            pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(self.channel)
                # We may have missed bumps while not subscribed: forget what we knew.
                self._versions.clear()
                self.local.clear()
                if self._pending_bumps:
                    pending, self._pending_bumps = list(self._pending_bumps), set()
                    self._redis_down_until = 0.0
                    await self.bump(pending)
                self._subscribed.set()
                while True:
                    message = await pubsub.get_message(timeout=5.0)
                    if message is None:
                        await pubsub.ping()
                        continue
                    if message.get("type") == "message":  # not the pong of our own ping
                        self._on_message(message.get("data"))
            except asyncio.CancelledError:
                self._subscribed.clear()
                with contextlib.suppress(Exception):
                    await pubsub.aclose()  # type: ignore[no-untyped-call]
                raise
            except (RedisError, OSError) as exc:
                self._subscribed.clear()
                self._redis_failed(exc)
                with contextlib.suppress(Exception):
                    await pubsub.aclose()  # type: ignore[no-untyped-call]
                await asyncio.sleep(0.5)

    def _on_message(self, data: object) -> None:
        if not isinstance(data, bytes | str):
            return
        try:
            payload = orjson.loads(data)
            for ns, version in payload["v"].items():
                self._learn(ns, int(version))
        except (ValueError, KeyError, TypeError, AttributeError):
            log.warning("cache: ignoring malformed bump message %r", data)

    # ---- entries ---------------------------------------------------------------------------

    def key_for(self, namespaces: Sequence[str], versions: Sequence[int], identity: str) -> str:
        """The storage key of one response."""
        digest = hashlib.blake2b(
            ("|".join(namespaces) + "|" + identity).encode(), digest_size=16
        ).hexdigest()
        tag = ".".join(str(v) for v in versions)
        return f"{self.prefix}:{namespaces[0]}:v{tag}:{digest}"

    async def get_or_load(
        self, namespaces: Sequence[str], identity: str, ttl: int, loader: Loader
    ) -> bytes:
        """The cached bytes for (namespaces, identity), computing them once on a miss."""
        label = family(namespaces[0])
        if not self.enabled or self._pending_bumps.intersection(namespaces):
            CACHE_REQUESTS.labels(namespace=label, result="bypass").inc()
            return await loader()
        versions = await self.versions(namespaces)
        key = self.key_for(namespaces, versions, identity)
        use_local = self._trust_local
        if use_local and (body := self.local.get(key)) is not None:
            CACHE_REQUESTS.labels(namespace=label, result="hit_local").inc()
            return body
        while (inflight := self._inflight.get(key)) is not None:
            CACHE_REQUESTS.labels(namespace=label, result="hit_local").inc()
            try:
                return await asyncio.shield(inflight)
            except asyncio.CancelledError:
                task = asyncio.current_task()
                if not inflight.cancelled() or (task is not None and task.cancelling()):
                    raise
                # The loading request was cancelled, not this one: load in its place.
        future: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        try:
            body, result = await self._fill(key, ttl, loader)
            if use_local:
                self.local.set(key, body, ttl)
            CACHE_REQUESTS.labels(namespace=label, result=result).inc()
            future.set_result(body)
            return body
        except asyncio.CancelledError:
            future.cancel()  # its waiters retry rather than inherit this cancellation
            raise
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # mark retrieved: waiters re-raise it themselves
            raise
        finally:
            del self._inflight[key]

    async def _fill(self, key: str, ttl: int, loader: Loader) -> tuple[bytes, str]:
        if not self.redis_available:
            return await loader(), "miss"
        assert self.redis is not None
        lock = f"{key}:lock"
        locked = False
        try:
            cached = await self.redis.get(key)
            if cached is not None:
                return _as_bytes(cached), "hit_redis"
            locked = bool(await self.redis.set(lock, b"1", nx=True, px=_LOCK_TTL_MS))
            if not locked:
                # Another process is computing this key: wait briefly for its result.
                for _ in range(_LOCK_WAIT_STEPS):
                    await asyncio.sleep(_LOCK_WAIT_STEP)
                    cached = await self.redis.get(key)
                    if cached is not None:
                        return _as_bytes(cached), "hit_redis"
        except (RedisError, OSError) as exc:
            self._redis_failed(exc)
            return await loader(), "miss"
        try:
            body = await loader()
        except BaseException:
            if locked:  # let the next reader (here or in another process) load at once
                with contextlib.suppress(RedisError, OSError):
                    await self.redis.delete(lock)
            raise
        if self.redis_available:
            try:
                async with self.redis.pipeline(transaction=False) as pipe:
                    pipe.set(key, body, ex=ttl)
                    pipe.delete(lock)
                    await pipe.execute()
            except (RedisError, OSError) as exc:
                self._redis_failed(exc)
        return body, "miss"

    async def ping(self) -> bool:
        """True when the cache's backing store answers (always true without Redis)."""
        if self.redis is None:
            return True
        try:
            await asyncio.wait_for(self.redis.ping(), timeout=1.0)
        except (RedisError, OSError, TimeoutError):
            return False
        return True
