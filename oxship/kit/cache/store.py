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
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from contextvars import ContextVar

import orjson
from prometheus_client import Counter
from redis.asyncio import Redis
from redis.exceptions import RedisError

from oxship.kit.cache.local import Cached, LocalTier
from oxship.kit.metrics import CACHE_ERRORS, CACHE_REQUESTS, REGISTRY

log = logging.getLogger(__name__)

Loader = Callable[[], Awaitable[bytes]]
BumpListener = Callable[[list[str]], None]

CACHE_WARMER_REQUESTS = Counter(
    "oxship_cache_warmer_requests_total",
    "Cache lookups made while warming (kept out of oxship_cache_requests_total), by result",
    ["namespace", "result"],
    registry=REGISTRY,
)
_WARMING: ContextVar[set[str] | None] = ContextVar("oxship_cache_warming", default=None)

_VERSION_TTL = 7 * 86_400  # far beyond any entry TTL: an expired version key hides nothing stale
_REDIS_RETRY_AFTER = 1.0  # seconds a failed Redis is left alone before the next try
_SOON_KEEP = 4_096  # bump_soon's timestamps kept before the old ones are pruned
_LOCK_TTL_MS = 5_000
_LOCK_WAIT_STEPS = 20
_LOCK_WAIT_STEP = 0.025


def _as_bytes(value: bytes | str) -> bytes:
    return value if isinstance(value, bytes) else value.encode()


def family(namespace: str) -> str:
    """The metric label of a namespace: `project:42` → `project`."""
    return namespace.split(":", 1)[0]


def is_warming() -> bool:
    """Whether this task runs inside `warming()` (the cache warmer's own requests)."""
    return _WARMING.get() is not None


@contextlib.contextmanager
def warming() -> Iterator[set[str]]:
    """Mark the lookups made inside (this task and those it starts) as a warmer's.

    They are counted in `oxship_cache_warmer_requests_total` instead of the hit/miss counters, and
    the namespaces they touch are added to the yielded set.
    """
    seen: set[str] = set()
    token = _WARMING.set(seen)
    try:
        yield seen
    finally:
        _WARMING.reset(token)


def _count(namespaces: Sequence[str], label: str, result: str) -> None:
    seen = _WARMING.get()
    if seen is None:
        CACHE_REQUESTS.labels(namespace=label, result=result).inc()
    else:
        seen.update(namespaces)
        CACHE_WARMER_REQUESTS.labels(namespace=label, result=result).inc()


class ResponseCache:
    """The two-tier, versioned response cache of one process."""

    def __init__(
        self,
        *,
        redis: Redis | None,
        prefix: str = "oxship",
        local_max_entries: int = 4096,
        local_max_bytes: int = 32 << 20,
        local_ttl: float = 30.0,
        enabled: bool = True,
        list_bump_window: float = 0.0,
        max_versions: int = 100_000,
    ) -> None:
        self.redis = redis
        self.list_bump_window = list_bump_window
        self.prefix = prefix
        self.enabled = enabled
        self.local = LocalTier(local_max_entries, local_ttl, local_max_bytes)
        self.channel = f"{prefix}:bumps"
        self.origin = f"{os.getpid()}-{id(self):x}"
        # The versions this process knows, at most `max_versions`: when full they are forgotten at
        # once (Redis has them) and unknown namespaces start above every version used so far.
        self._versions: dict[str, int] = {}
        self._max_versions = max(max_versions, 1)
        self._version_floor = 0
        self._pending_bumps: set[str] = set()
        self._inflight: dict[str, asyncio.Future[Cached]] = {}
        self._redis_down_until = 0.0
        self._subscribed = asyncio.Event()
        self._listener: asyncio.Task[None] | None = None
        self._bump_listeners: list[BumpListener] = []
        self._soon_last: dict[str, float] = {}
        self._soon_pending: set[str] = set()
        self._soon_timer: asyncio.TimerHandle | None = None
        self._soon_tasks: set[asyncio.Task[None]] = set()
        # identity → (namespaces, route template) of the anonymous bodies this process has served:
        # what the edge layer needs to find an entry before any routing (`peek_edge`).
        self._edge: OrderedDict[str, tuple[tuple[str, ...], str]] = OrderedDict()
        self._edge_max = max(local_max_entries, 1)

    # ---- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        """Start listening for other processes' bumps (no-op without Redis)."""
        if self.redis is not None and self._listener is None:
            self._listener = asyncio.create_task(self._listen(), name="cache-bump-listener")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._subscribed.wait(), timeout=1.0)

    async def close(self) -> None:
        """Apply merged bumps, then stop the listener."""
        await self.flush_soon()
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

    def on_bump(self, listener: BumpListener) -> Callable[[], None]:
        """Call `listener(namespaces)` after each bump, here or announced by another process.

        It runs synchronously in the bump's path: it must only schedule work. Returns a function
        that removes the listener.
        """
        self._bump_listeners.append(listener)

        def remove() -> None:
            with contextlib.suppress(ValueError):
                self._bump_listeners.remove(listener)

        return remove

    def _notify(self, names: list[str]) -> None:
        for listener in list(self._bump_listeners):
            try:
                listener(names)
            except Exception:
                log.exception("cache: bump listener failed")

    # ---- versions --------------------------------------------------------------------------

    def _vkey(self, namespace: str) -> str:
        return f"{self.prefix}:ver:{namespace}"

    def _learn(self, namespace: str, version: int) -> None:
        if version > self._versions.get(namespace, -1):
            self._set_version(namespace, version)

    def _set_version(self, namespace: str, version: int) -> None:
        if len(self._versions) >= self._max_versions and namespace not in self._versions:
            # Without Redis these versions are the only record: continue above all of them, so no
            # key used before (nor one an in-flight load is about to store) is ever current again.
            self._version_floor = max(self._versions.values(), default=0) + 1
            self._versions.clear()
        self._versions[namespace] = version

    def _version_of(self, namespace: str) -> int:
        return self._versions.get(namespace, self._version_floor)

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
        return [self._version_of(ns) for ns in namespaces]

    async def bump_soon(self, namespaces: Iterable[str]) -> None:
        """Bump these namespaces at most once per `list_bump_window` seconds in this process.

        For list namespaces a hot write (a vote) touches on every call: the first bump of a window
        happens at once, later ones in the window are merged into one bump at its end, so a list
        lags a burst of writes by at most the window while its cache entries stay useful.
        """
        window = self.list_bump_window
        names = list(dict.fromkeys(namespaces))
        if window <= 0:
            await self.bump(names)
            return
        now = time.monotonic()
        if len(self._soon_last) > _SOON_KEEP:  # a namespace last bumped a window ago is due anyway
            self._soon_last = {ns: t for ns, t in self._soon_last.items() if now - t < window}
        due = [ns for ns in names if now - self._soon_last.get(ns, -window) >= window]
        for ns in due:
            self._soon_last[ns] = now
        self._soon_pending.update(ns for ns in names if ns not in due)
        if self._soon_pending and self._soon_timer is None:
            self._soon_timer = asyncio.get_running_loop().call_later(window, self._bump_pending)
        if due:
            await self.bump(due)

    def _bump_pending(self) -> None:
        self._soon_timer = None
        names, self._soon_pending = list(self._soon_pending), set()
        now = time.monotonic()
        for ns in names:
            self._soon_last[ns] = now
        task = asyncio.create_task(self.bump(names), name="cache-bump-soon")
        self._soon_tasks.add(task)
        task.add_done_callback(self._soon_tasks.discard)

    async def flush_soon(self) -> None:
        """Apply the merged bumps now (shutdown, tests)."""
        if self._soon_timer is not None:
            self._soon_timer.cancel()
            self._bump_pending()
        if self._soon_tasks:
            await asyncio.gather(*self._soon_tasks, return_exceptions=True)

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
                    self._set_version(ns, int(version))
                self._notify(names)
                return
        # Without Redis: move on locally; with Redis configured, replay once it is back.
        for ns in names:
            self._set_version(ns, self._version_of(ns) + 1)
        if self.redis is not None:
            self._pending_bumps.update(names)
        self._notify(names)

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
            return
        if payload.get("o") != self.origin:  # our own bumps were announced by bump()
            self._notify([str(ns) for ns in payload["v"]])

    # ---- entries ---------------------------------------------------------------------------

    def remember_edge(self, identity: str, namespaces: Sequence[str], route: str) -> None:
        """Note where the anonymous body of `identity` lives, for `peek_edge`."""
        self._edge[identity] = (tuple(namespaces), route)
        self._edge.move_to_end(identity)
        while len(self._edge) > self._edge_max:
            self._edge.popitem(last=False)

    def peek_edge(self, identity: str) -> tuple[Cached, str] | None:
        """(body and ETag, route template) of `identity` when this process's local tier holds its
        current version, without I/O; None otherwise (unknown identity or versions, pending bumps,
        misses).
        """
        found = self._edge.get(identity)
        if found is None or not self.enabled or not self._trust_local:
            return None
        namespaces, route = found
        versions: list[int] = []
        for ns in namespaces:
            version = self._versions.get(ns)
            if ns in self._pending_bumps or (version is None and self.redis is not None):
                return None  # with Redis, an unknown version must be asked for: the slow path
            versions.append(self._version_floor if version is None else version)
        key = self.key_for(namespaces, versions, identity)
        cached = self.local.get(key)
        if cached is None:
            return None
        _count(namespaces, family(namespaces[0]), "hit_local")
        return cached, route

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
        return (await self.fetch(namespaces, identity, ttl, loader)).body

    async def fetch(
        self, namespaces: Sequence[str], identity: str, ttl: int, loader: Loader
    ) -> Cached:
        """The cached body and ETag for (namespaces, identity), computing them once on a miss."""
        label = family(namespaces[0])
        if not self.enabled or self._pending_bumps.intersection(namespaces):
            _count(namespaces, label, "bypass")
            return Cached.of(await loader())
        versions = await self.versions(namespaces)
        key = self.key_for(namespaces, versions, identity)
        use_local = self._trust_local
        if use_local and (cached := self.local.get(key)) is not None:
            _count(namespaces, label, "hit_local")
            return cached
        while (inflight := self._inflight.get(key)) is not None:
            _count(namespaces, label, "hit_local")
            try:
                return await asyncio.shield(inflight)
            except asyncio.CancelledError:
                task = asyncio.current_task()
                if not inflight.cancelled() or (task is not None and task.cancelling()):
                    raise
                # The loading request was cancelled, not this one: load in its place.
        future: asyncio.Future[Cached] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        try:
            body, result = await self._fill(key, ttl, loader)
            cached = Cached.of(body)
            if use_local:
                self.local.set(key, cached, ttl)
            _count(namespaces, label, result)
            future.set_result(cached)
            return cached
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
