"""The warm pass: request each hot URL in-process, anonymously, so the cache holds what readers ask.

Warming goes through the real ASGI app (httpx over ASGITransport, no network), so the entries it
fills are, by construction, the ones an anonymous request looks up: same namespaces, identity, TTL
and bytes. Lookups made while warming are counted apart (`kit.cache.warming`), and the namespaces
each URL touched are remembered, so a bump of one of them re-warms exactly the URLs it made stale.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx
from redis.asyncio import Redis
from redis.exceptions import RedisError

from oxship.kit.cache import ResponseCache, warming

log = logging.getLogger(__name__)

ASGIApp = Callable[
    [
        MutableMapping[str, Any],
        Callable[[], Awaitable[MutableMapping[str, Any]]],
        Callable[[MutableMapping[str, Any]], Awaitable[None]],
    ],
    Awaitable[None],
]

FEED_SORTS = ("trending", "newest", "top_rated", "most_voted")

HOT_URLS: tuple[str, ...] = (
    "/api/projects",  # the default sort (trending), as the home page asks for it
    *(f"/api/projects?sort={sort}" for sort in FEED_SORTS),
    *(f"/api/projects?page={page}" for page in (2, 3)),
    *(f"/api/projects?sort=newest&page={page}" for page in (2, 3)),
    "/api/projects/featured",
    "/api/projects/leaderboard",
    "/api/leaderboard/projects",
    "/api/leaderboard/users",
    "/api/leaderboard/chains",
    "/api/leaderboard/trending",
    "/api/chains",
    "/api/events",
    "/api/investors/public",
    "/api/investors/stats",
)

TOP_PROFILES = 20  # profiles of the users leaderboard's top builders
TOP_CHAINS = 5  # trending chains whose hot threads are warmed


def follow_ups(url: str, body: Any) -> list[str]:
    """URLs a warmed page points at: the top builders' profiles, the trending chains' threads."""
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, list):
        return []
    if url == "/api/leaderboard/users":
        names = [u.get("username") for u in data[:TOP_PROFILES] if isinstance(u, dict)]
        return [f"/api/users/{quote(name)}" for name in names if isinstance(name, str)]
    if url == "/api/chains":  # trending is the chain list's default order
        slugs = [c.get("slug") for c in data[:TOP_CHAINS] if isinstance(c, dict)]
        return [f"/api/chains/{quote(slug)}/posts" for slug in slugs if isinstance(slug, str)]
    return []


# Until a URL has been warmed here (its namespaces learned), a bump of any of these re-warms it.
HOT_NAMESPACES = frozenset({"feed", "leaderboard", "chains", "events", "investors"})

WARMER_HEADER = "X-Oxship-Warmer"
REWARM_DELAY = 0.25  # seconds a burst of bumps is gathered before re-warming
REWARM_MIN_GAP = 1.0  # at most one re-warm per namespace per second (per process)
_REWARM_CLAIM_MS = 60_000  # one process re-warms each namespace version


@dataclass
class WarmResult:
    """One warm pass: the status of each URL and the namespaces it touched."""

    statuses: dict[str, int] = field(default_factory=dict)
    namespaces: dict[str, frozenset[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Whether every URL answered 2xx."""
        return all(200 <= status < 300 for status in self.statuses.values())


class Warmer:
    """Warms the hot URLs of one process's app: periodically under a leader lock, and after bumps."""

    def __init__(
        self,
        app: ASGIApp,
        cache: ResponseCache,
        *,
        redis: Redis | None,
        prefix: str,
        interval: float,
        urls: Iterable[str] = HOT_URLS,
        rewarm_delay: float = REWARM_DELAY,
        rewarm_min_gap: float = REWARM_MIN_GAP,
    ) -> None:
        self.app = app
        self.cache = cache
        self.redis = redis
        self.prefix = prefix
        self.interval = interval
        self.urls = tuple(urls)
        self.rewarm_delay = rewarm_delay
        self.rewarm_min_gap = rewarm_min_gap
        self.passes = 0  # periodic passes this process ran (it was the leader)
        self.rewarms = 0  # re-warms after a bump this process ran
        self._touched: dict[str, frozenset[str]] = {}  # URL → the namespaces its entry lives in
        self._derived: tuple[str, ...] = ()  # follow-ups found by the last full pass
        self._pending: set[str] = set()
        self._last_rewarm: dict[str, float] = {}
        self._flusher: asyncio.Task[None] | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self._lock = asyncio.Lock()  # one warm at a time in this process

    # ---- warming ---------------------------------------------------------------------------

    async def warm(self, urls: Iterable[str] | None = None) -> WarmResult:
        """Request each URL anonymously through the app; the endpoints fill the cache.

        A full pass (no `urls`) also warms the follow-ups of its pages (`follow_ups`) and
        remembers them, so their entries are re-warmed after bumps like the fixed hot URLs.
        """
        result = WarmResult()
        full = urls is None
        queue = list(self.urls if urls is None else urls)
        derived: list[str] = []
        transport = httpx.ASGITransport(app=self.app, client=("127.0.0.1", 0))
        async with (
            self._lock,
            httpx.AsyncClient(
                transport=transport,
                base_url="http://warmer.internal",
                headers={WARMER_HEADER: "1"},
            ) as client,
        ):
            while queue:
                url = queue.pop(0)
                with warming() as touched:
                    try:
                        response = await client.get(url)
                    except Exception:
                        log.exception("cache warmer: %s failed", url)
                        result.statuses[url] = 599
                        continue
                result.statuses[url] = response.status_code
                result.namespaces[url] = frozenset(touched)
                if touched:
                    self._touched[url] = frozenset(touched)
                if response.status_code >= 400:
                    log.warning("cache warmer: %s answered %s", url, response.status_code)
                elif full:
                    found = [
                        u for u in follow_ups(url, response.json()) if u not in result.statuses
                    ]
                    derived += found
                    queue += found
        if full:
            self._derived = tuple(derived)
        return result

    async def claim_pass(self) -> bool:
        """Whether this process is the one to warm in this interval (always, without Redis)."""
        if self.redis is None or not self.cache.redis_available:
            return True
        try:
            claimed = await self.redis.set(
                f"{self.prefix}:warmer:leader",
                self.cache.origin,
                nx=True,
                px=int(self.interval * 1000),
            )
        except (RedisError, OSError) as exc:
            log.warning("cache warmer: Redis unavailable (%s); warming this process", exc)
            return True
        return bool(claimed)

    async def run_pass(self) -> WarmResult | None:
        """One periodic pass if this process holds the interval's lock; None when another does."""
        if not await self.claim_pass():
            return None
        result = await self.warm()
        self.passes += 1
        return result

    # ---- re-warming after bumps ------------------------------------------------------------

    def urls_for(self, namespaces: Iterable[str]) -> list[str]:
        """The hot URLs whose entries live in any of these namespaces (learned while warming)."""
        names = set(namespaces)
        known = (*self.urls, *self._derived)
        return [url for url in known if self._touched.get(url, HOT_NAMESPACES) & names]

    def _on_bump(self, namespaces: list[str]) -> None:
        hot = {ns for ns in namespaces if self.urls_for([ns])}
        if not hot:
            return
        self._pending.update(hot)
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.get_running_loop().create_task(
                self._flush(), name="cache-warmer-rewarm"
            )

    async def _flush(self) -> None:
        await asyncio.sleep(self.rewarm_delay)
        while self._pending:
            now = time.monotonic()
            ready = {
                ns
                for ns in self._pending
                if now - self._last_rewarm.get(ns, -1e9) >= self.rewarm_min_gap
            }
            if not ready:
                wait = min(
                    self._last_rewarm[ns] + self.rewarm_min_gap - now for ns in self._pending
                )
                await asyncio.sleep(max(wait, 0.01))
                continue
            self._pending -= ready
            for ns in ready:
                self._last_rewarm[ns] = now
            claimed = await self._claim_rewarm(sorted(ready))
            urls = self.urls_for(claimed)
            if urls:
                try:
                    await self.warm(urls)
                except Exception:  # never let a re-warm kill the flusher silently
                    log.exception("cache warmer: re-warm failed")
                self.rewarms += 1

    async def _claim_rewarm(self, namespaces: list[str]) -> list[str]:
        """The namespaces this process re-warms: with Redis, one process per namespace version."""
        if self.redis is None or not self.cache.redis_available:
            return namespaces
        versions = await self.cache.versions(namespaces)
        claimed: list[str] = []
        try:
            for ns, version in zip(namespaces, versions, strict=True):
                key = f"{self.prefix}:warmer:rewarm:{ns}:v{version}"
                if await self.redis.set(key, b"1", nx=True, px=_REWARM_CLAIM_MS):
                    claimed.append(ns)
        except (RedisError, OSError):
            return namespaces
        return claimed

    async def settle(self, timeout: float = 10.0) -> None:
        """Wait until no re-warm is scheduled or running (tests, shutdown)."""
        deadline = time.monotonic() + timeout
        while self._flusher is not None and not self._flusher.done():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            await asyncio.wait({self._flusher}, timeout=remaining)

    # ---- lifecycle -------------------------------------------------------------------------

    def listen(self) -> None:
        """Re-warm after bumps of the namespaces the hot URLs live in."""
        if self._unsubscribe is None:
            self._unsubscribe = self.cache.on_bump(self._on_bump)

    async def close(self) -> None:
        """Stop listening and cancel a scheduled re-warm."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        flusher, self._flusher = self._flusher, None
        if flusher is not None and not flusher.done():
            flusher.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await flusher

    async def run_forever(self, stop: asyncio.Event) -> None:
        """A pass now and every `interval` seconds (when this process is the leader) until `stop`."""
        self.listen()
        try:
            while not stop.is_set():
                try:
                    await self.run_pass()
                except Exception:  # a failing pass must not end the loop
                    log.exception("cache warmer: pass failed")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=self.interval)
        finally:
            await self.close()
