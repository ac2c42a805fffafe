"""The edge layer: anonymous GETs whose current body is in this process's local tier are answered
from bytes before any routing, dependency or parameter work (the same entries `cached_json` fills,
so invalidation is unchanged); everything else falls through to the application.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Receive, Scope, Send

from oxship.kit.cache.http import matches_etag
from oxship.kit.cache.local import Cached
from oxship.kit.cache.store import ResponseCache

_SKIP = (b"authorization", b"origin", b"cookie")
_HEADERS = [
    (b"content-type", b"application/json"),
    (b"cache-control", b"public, max-age=0, must-revalidate"),
    (b"vary", b"Authorization"),
    (b"x-oxship-cache", b"edge"),
]


def identity_of(scope: Scope) -> str:
    """The cache identity of a request, exactly as `request_identity` computes it."""
    query = scope.get("query_string", b"").decode("latin-1")
    items = sorted(parse_qsl(query, keep_blank_values=True))
    return str(scope["path"]) + "?" + urlencode(items)


class EdgeCacheMiddleware:
    """Serve anonymous cached API GETs from the local tier; pass everything else through."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] == "GET"
            and scope["path"].startswith("/api/")
        ):
            headers = dict(scope.get("headers", []))
            cache: ResponseCache | None = getattr(
                getattr(getattr(scope.get("app"), "state", None), "runtime", None), "cache", None
            )
            if cache is not None and not any(name in headers for name in _SKIP):
                found = cache.peek_edge(identity_of(scope))
                if found is not None:
                    await self._answer(scope, send, headers, found)
                    return
        await self.app(scope, receive, send)

    async def _answer(
        self, scope: Scope, send: Send, headers: dict[Any, Any], found: tuple[Cached, str]
    ) -> None:
        (body, etag), route = found
        scope["route"] = SimpleNamespace(path=route)  # metrics label, as if routed
        out = [*_HEADERS, (b"etag", etag.encode())]
        if_none_match = headers.get(b"if-none-match")
        if matches_etag(if_none_match.decode("latin-1") if if_none_match else None, etag):
            await send({"type": "http.response.start", "status": 304, "headers": out})
            await send({"type": "http.response.body", "body": b""})
            return
        out.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": 200, "headers": out})
        await send({"type": "http.response.body", "body": body})
