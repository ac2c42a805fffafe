"""The outermost ASGI layer: request id, security headers, metrics, and the last-resort 500."""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any
from urllib.parse import parse_qsl

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from oxship.errors import INTERNAL_ERROR_BODY
from oxship.kit.metrics import HTTP_LATENCY, HTTP_REQUESTS

log = logging.getLogger("oxship.request")

_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")
_API_HEADERS: list[tuple[bytes, bytes]] = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'"),
]
_DOCS_PATHS = ("/docs", "/redoc")
_HSTS = (b"strict-transport-security", b"max-age=63072000; includeSubDomains")


class EdgeMiddleware:
    """Adds `X-Request-ID` and security headers, records metrics, and turns crashes into 500s."""

    def __init__(self, app: ASGIApp, *, hsts: bool = False) -> None:
        self.app = app
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        incoming = _header(scope, b"x-request-id")
        request_id = incoming if incoming and _REQUEST_ID_RE.match(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        status = 500
        response_started = False
        is_docs = scope["path"].startswith(_DOCS_PATHS)

        async def send_wrapper(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                headers.extend(_API_HEADERS[:4] if is_docs else _API_HEADERS)
                if self.hsts:
                    headers.append(_HSTS)
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        except Exception:
            log.exception("unhandled error", extra={"request_id": request_id})
            status = 500
            if not response_started:
                await send_wrapper(
                    {
                        "type": "http.response.start",
                        "status": 500,
                        "headers": [(b"content-type", b"application/json")],
                    }
                )
                await send(
                    {"type": "http.response.body", "body": orjson.dumps(INTERNAL_ERROR_BODY)}
                )
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "<unmatched>"
            method = scope.get("method", "GET")
            HTTP_LATENCY.labels(method=method, route=template).observe(
                time.perf_counter() - started
            )
            HTTP_REQUESTS.labels(method=method, route=template, status=str(status)).inc()


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            decoded: Any = value.decode("latin-1")
            return str(decoded)
    return None


class InputGuardMiddleware:
    """Refuses bodies over `max_body_bytes` (413) and NUL characters anywhere in the input (422).

    PostgreSQL text cannot hold NUL, so one stray `\\u0000` would otherwise surface as a 500 from
    whichever column it reached; refusing it at the edge covers every route at once.
    """

    def __init__(self, app: ASGIApp, *, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if b"%00" in scope.get("query_string", b"") or "\x00" in scope.get("path", ""):
            fields = [
                k
                for k, v in parse_qsl(scope.get("query_string", b"").decode("latin-1"))
                if "\x00" in k or "\x00" in v
            ] or ["path"]
            await _reject_nul(send, fields)
            return
        if scope.get("method") not in {"POST", "PUT", "PATCH", "DELETE"}:
            await self.app(scope, receive, send)
            return
        declared = _header(scope, b"content-length")
        if declared and declared.isdigit() and int(declared) > self.max_body_bytes:
            await _reject(send, 413, "payload_too_large", "Request body too large")
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                await _reject(send, 413, "payload_too_large", "Request body too large")
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if b"\\u0000" in body or b"\x00" in body:
            await _reject_nul(send, _nul_fields(body))
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


def _nul_fields(body: bytes) -> list[str]:
    """Dotted paths of the JSON strings (or keys) that hold a NUL character."""
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError:
        return ["body"]
    found: list[str] = []

    def walk(value: Any, path: str) -> None:
        if isinstance(value, str):
            if "\x00" in value:
                found.append(path or "body")
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{path}.{key}" if path else str(key))
                if "\x00" in key:
                    found.append(path or "body")
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, f"{path}.{i}" if path else str(i))

    walk(document, "")
    return found or ["body"]


async def _reject_nul(send: Send, fields: list[str]) -> None:
    message = "must not contain NUL characters"
    details = [{"field": f, "message": message} for f in fields]
    await _reject(send, 422, "validation_error", f"{fields[0]}: {message}", details=details)


async def _reject(send: Send, status: int, code: str, message: str, *, details: Any = None) -> None:
    payload: dict[str, Any] = {"status": "error", "error": code, "message": message}
    if details is not None:
        payload["details"] = details
    body = orjson.dumps(payload)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
