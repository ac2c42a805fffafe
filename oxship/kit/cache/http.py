"""Serving cached JSON: ETag + 304, Cache-Control, and per-caller overlays on the anonymous body."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Annotated, Any
from urllib.parse import urlencode

import orjson
from fastapi import Depends, Request
from starlette.responses import Response

from oxship.kit.cache.local import etag_of
from oxship.kit.cache.store import ResponseCache
from oxship.kit.envelope import JSONBody, dumps

Overlay = Callable[[dict[str, Any]], Awaitable[None]]


def caller_overlay(
    apply: Callable[[Any, Any, dict[str, Any]], Awaitable[None]], session: Any, viewer: Any
) -> Overlay | None:
    """The overlay running `apply(session, viewer, envelope)` for a signed-in viewer; None if anonymous."""
    if viewer is None:
        return None

    async def run(envelope: dict[str, Any]) -> None:
        await apply(session, viewer, envelope)

    return run


def request_identity(request: Request) -> str:
    """Route path plus the query with parameters sorted, so equivalent URLs share an entry."""
    items = sorted(request.query_params.multi_items())
    return request.url.path + "?" + urlencode(items)  # encoded: `a=1%26b%3D2` is not `a=1&b=2`


async def get_cache(request: Request) -> ResponseCache:
    """Dependency: this process's response cache."""
    cache: ResponseCache = request.app.state.runtime.cache
    return cache


CacheDep = Annotated[ResponseCache, Depends(get_cache)]


def matches_etag(if_none_match: str | None, etag: str) -> bool:
    """Whether an `If-None-Match` value names this ETag (or `*`)."""
    if not if_none_match:
        return False
    candidates = [c.strip().removeprefix("W/") for c in if_none_match.split(",")]
    return etag in candidates or "*" in candidates


async def cached_json(
    request: Request,
    cache: ResponseCache,
    *,
    namespaces: Sequence[str],
    ttl: int,
    load: Callable[[], Awaitable[Any]],
    overlay: Overlay | None = None,
) -> Response:
    """Serve the anonymous body of this GET from the cache (loading it once on a miss).

    `load` returns the anonymous envelope (never per-caller data). When `overlay` is given (an
    authenticated caller), it edits a private copy of that envelope before it is sent.
    """

    async def loader() -> bytes:
        return dumps(await load())

    identity = request_identity(request)
    body, etag = await cache.fetch(namespaces, identity, ttl, loader)
    route = getattr(request.scope.get("route"), "path", None)
    if route is not None and overlay is None and "authorization" not in request.headers:
        # Served to an anonymous caller, so every check before the cache passed for anyone
        # anonymous: the edge layer may answer the next anonymous request for it directly.
        cache.remember_edge(identity, namespaces, route)
    private = overlay is not None
    if overlay is not None:
        envelope = orjson.loads(body)
        await overlay(envelope)
        body = dumps(envelope)
        etag = etag_of(body)
    headers = {
        "ETag": etag,
        "Cache-Control": ("private" if private else "public") + ", max-age=0, must-revalidate",
        "Vary": "Authorization",
    }
    if matches_etag(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    return JSONBody(body, headers=headers)
