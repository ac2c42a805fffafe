"""Walking the app's routes through included routers (FastAPI wraps them in `_IncludedRouter`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.routing import Match


def api_routes(routes: Iterable[Any]) -> Iterator[APIRoute]:
    """Every APIRoute, in matching order, whether registered directly or via `include_router`."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):
            yield from api_routes(route.original_router.routes)


def route_for(app: FastAPI, method: str, path: str) -> APIRoute | None:
    """The route that serves (method, path)."""
    scope = {"type": "http", "method": method, "path": path, "root_path": ""}
    for route in api_routes(app.routes):
        match, _ = route.matches(scope)
        if match is Match.FULL:
            return route
    return None
