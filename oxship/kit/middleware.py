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
# Longest query parameter (name or value) any route accepts; routes set tighter limits of their own.
MAX_QUERY_VALUE_CHARS = 1_000


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
    """Refuses oversized bodies (413), NUL characters (422) and over-deep or over-long JSON (422).

    Bodies over `max_body_bytes` get 413; JSON bodies nested deeper than `max_json_depth` or with an
    array over `max_json_array_items` items get 422 naming the field, and so does a query parameter
    longer than MAX_QUERY_VALUE_CHARS.

    PostgreSQL text cannot hold NUL, so one stray `\\u0000` would otherwise surface as a 500 from
    whichever column it reached; refusing it at the edge covers every route at once. The JSON shape
    limits bound the work (and the recursion of the JSON parser) any body can cause.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body_bytes: int,
        max_json_depth: int = 32,
        max_json_array_items: int = 1_000,
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_json_depth = max_json_depth
        self.max_json_array_items = max_json_array_items

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
        query = scope.get("query_string", b"")
        if len(query) > MAX_QUERY_VALUE_CHARS:
            too_long = _long_query_fields(query)
            if too_long:
                text = f"must have at most {MAX_QUERY_VALUE_CHARS} characters"
                details = [{"field": f, "message": text} for f in too_long]
                await _reject(
                    send, 422, "validation_error", f"{too_long[0]}: {text}", details=details
                )
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
        if body and _is_json(scope):
            problem = json_shape_problem(body, self.max_json_depth, self.max_json_array_items)
            if problem is not None:
                field, text = problem
                details = [{"field": field, "message": text}]
                await _reject(send, 422, "validation_error", f"{field}: {text}", details=details)
                return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


def _long_query_fields(query: bytes) -> list[str]:
    """Names of the query parameters whose name or value exceeds MAX_QUERY_VALUE_CHARS."""
    pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True, errors="replace")
    return [
        k[:100]
        for k, v in pairs
        if len(k) > MAX_QUERY_VALUE_CHARS or len(v) > MAX_QUERY_VALUE_CHARS
    ]


def _is_json(scope: Scope) -> bool:
    """The routes may parse the body as JSON (`application/json`, `application/*+json`, or none)."""
    content_type = (_header(scope, b"content-type") or "").split(";", 1)[0].strip().lower()
    return content_type in {"", "application/json"} or (
        content_type.startswith("application/") and content_type.endswith("+json")
    )


def json_shape_problem(body: bytes, max_depth: int, max_items: int) -> tuple[str, str] | None:
    """`(field, message)` when a JSON body nests deeper than `max_depth` or has a longer array.

    Counting brackets and commas bounds both (every level opens a bracket, every extra item needs
    a comma), so ordinary bodies are cleared without parsing; only the others are parsed and walked.
    Invalid JSON is left to the route (its usual 400), except when the parser gives up on depth.
    """
    depth_text = f"must not nest arrays and objects deeper than {max_depth} levels"
    if body.count(b"[") + body.count(b"{") <= max_depth and body.count(b",") < max_items:
        return None
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        return ("body", depth_text) if "depth" in str(exc) else None
    stack: list[tuple[Any, int, str]] = [(document, 1, "")]
    while stack:
        value, depth, path = stack.pop()
        if isinstance(value, dict):
            children: Any = value.items()
        elif isinstance(value, list):
            if len(value) > max_items:
                return path or "body", f"must have at most {max_items} items"
            children = enumerate(value)
        else:
            continue
        if depth > max_depth:
            return "body", depth_text
        for key, item in children:
            if isinstance(item, dict | list):
                stack.append((item, depth + 1, f"{path}.{key}" if path else str(key)))
    return None


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
