"""The anonymous read limit: API GET/HEAD requests without credentials, counted per client IP.

It sits outside the edge cache layer, so reads answered from the local tier count too. The counter
is a fixed window kept in this process (no network round trip on the hot path): with N worker
processes behind a balancer a client may get up to N times the limit.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import orjson
from limits import parse
from starlette.types import ASGIApp, Receive, Scope, Send

from oxship.kit.cache import is_warming

_READS = frozenset({"GET", "HEAD"})
MAX_TRACKED_KEYS = 200_000
_SCOPE_KEY = "oxship.read_limit"
READS_REFUSED = "Too many requests from this address, try again later"


class FixedWindowCounter:
    """`amount` hits per `seconds`-long window and key; every key starts over at a window edge."""

    def __init__(
        self,
        amount: int,
        seconds: int,
        *,
        max_keys: int = MAX_TRACKED_KEYS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.amount = amount
        self.seconds = seconds
        self.max_keys = max_keys
        self._clock = clock
        self._window = -1
        self._counts: dict[str, int] = {}

    @classmethod
    def from_spec(cls, spec: str, *, max_keys: int = MAX_TRACKED_KEYS) -> FixedWindowCounter:
        """A counter for a `limits` spec such as `600/minute`."""
        item = parse(spec)
        return cls(item.amount, item.get_expiry(), max_keys=max_keys)

    def hit(self, key: str) -> int:
        """Count one hit of `key`: 0 when allowed, else the seconds until the window resets."""
        now = self._clock()
        window = int(now // self.seconds)
        counts = self._counts
        if window != self._window:
            self._window = window
            counts.clear()
        seen = counts.get(key, 0)
        if not seen and len(counts) >= self.max_keys:  # an address flood: fail open, bounded memory
            return 0
        seen += 1
        counts[key] = seen
        if seen <= self.amount:
            return 0
        return max(1, math.ceil((window + 1) * self.seconds - now))


def _refusal(retry_after: int) -> tuple[bytes, list[tuple[bytes, bytes]]]:
    body = orjson.dumps(
        {
            "status": "error",
            "error": "rate_limited",
            "message": READS_REFUSED,
        }
    )
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"retry-after", str(retry_after).encode()),
        (b"cache-control", b"no-store"),
    ]
    return body, headers


class ReadLimitMiddleware:
    """429 + Retry-After once an IP exceeds the limit of anonymous `/api/` GET/HEAD requests."""

    def __init__(self, app: ASGIApp, *, limit: str) -> None:
        self.app = app
        self.counter = FixedWindowCounter.from_spec(limit)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] in _READS
            and scope["path"].startswith("/api/")
            and not is_warming()
        ):
            for name, value in scope["headers"]:
                if (
                    name == b"authorization"
                    and value[:7].lower() == b"bearer "
                    and value[7:].strip()
                ):
                    # Counted later if the token proves invalid (`charge_unauthenticated_read`).
                    scope[_SCOPE_KEY] = self.counter
                    break
            else:  # anonymous (the cache warmer's in-process requests are not a client's)
                retry_after = self.counter.hit(_client_ip(scope))
                if retry_after:
                    body, headers = _refusal(retry_after)
                    await send({"type": "http.response.start", "status": 429, "headers": headers})
                    await send({"type": "http.response.body", "body": body})
                    return
        await self.app(scope, receive, send)


def _client_ip(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def charge_unauthenticated_read(scope: Scope) -> int:
    """Count a read whose token proved invalid against its IP: 0 if allowed, else Retry-After."""
    counter: FixedWindowCounter | None = scope.pop(_SCOPE_KEY, None)
    return counter.hit(_client_ip(scope)) if counter is not None else 0
