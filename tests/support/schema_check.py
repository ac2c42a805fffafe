"""Every JSON response a test receives is checked against the route's documented schema."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import httpx
from fastapi import FastAPI
from pydantic import TypeAdapter

from oxship.kit.envelope import ErrorOut
from tests.support.routes import route_for


@lru_cache(maxsize=512)
def _adapter(model: Any) -> TypeAdapter[Any]:
    return TypeAdapter(model)


def check_response(app: FastAPI, response: httpx.Response) -> None:
    """Raise AssertionError when a JSON body does not match the documented model."""
    if response.status_code >= 500:
        raise AssertionError(
            f"{response.request.method} {response.request.url} → 5xx: {response.text}"
        )
    if response.status_code == 304 or "application/json" not in response.headers.get(
        "content-type", ""
    ):
        return
    body = response.json()
    if response.status_code >= 400:
        _adapter(ErrorOut).validate_python(body)
        return
    path = response.request.url.path
    route = route_for(app, response.request.method, path)
    if route is None and path.startswith("/api/"):
        raise AssertionError(f"{response.request.method} {path}: no route documents this response")
    if route is None or route.response_model is None:
        return
    try:
        _adapter(route.response_model).validate_python(body)
    except Exception as exc:
        raise AssertionError(
            f"{response.request.method} {response.request.url.path}: body does not match "
            f"{route.response_model}: {exc}\n{body}"
        ) from exc
