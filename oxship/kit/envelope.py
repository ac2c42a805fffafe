"""The success envelope (API.md §1.1), its OpenAPI models, and the orjson response class."""

from __future__ import annotations

from typing import Any, Generic, Literal, TypeVar

import orjson
from pydantic import BaseModel, ConfigDict
from starlette.background import BackgroundTask
from starlette.responses import JSONResponse

T = TypeVar("T")

_ORJSON_OPTIONS = orjson.OPT_UTC_Z | orjson.OPT_NAIVE_UTC | orjson.OPT_SERIALIZE_NUMPY


def dumps(value: Any) -> bytes:
    """Serialise to JSON bytes (UUIDs, aware datetimes with `Z`)."""
    return orjson.dumps(value, option=_ORJSON_OPTIONS)


class JSONBody(JSONResponse):
    """A JSON response serialised with orjson.

    A JSONResponse subclass so that FastAPI documents each route's `response_model` in OpenAPI
    (for any other response class it writes `{"type": "string"}`).
    """

    media_type = "application/json"

    def __init__(
        self,
        content: Any,
        status_code: int = 200,
        headers: dict[str, str] | None = None,
        background: BackgroundTask | None = None,
    ) -> None:
        super().__init__(content, status_code, headers, self.media_type, background)

    def render(self, content: Any) -> bytes:
        if isinstance(content, bytes):
            return content
        return dumps(content)


class OutModel(BaseModel):
    """Base of every documented response model; strict so tests catch schema drift."""

    model_config = ConfigDict(extra="forbid")


class Envelope(OutModel, Generic[T]):
    """`{"status": "success", "message"?, "data"}`."""

    status: Literal["success"] = "success"
    message: str | None = None
    data: T


class PaginationOut(OutModel):
    """The §1.1 pagination object."""

    page: int
    per_page: int
    total: int
    total_pages: int
    has_next: bool
    has_prev: bool


class PageEnvelope(OutModel, Generic[T]):
    """A paginated list: `data` is the list, plus `pagination` and optional `meta`."""

    status: Literal["success"] = "success"
    message: str | None = None
    data: list[T]
    pagination: PaginationOut
    meta: dict[str, Any] | None = None


class ErrorDetail(OutModel):
    """One invalid field of a 422."""

    field: str
    message: str


class ErrorOut(OutModel):
    """The error envelope."""

    status: Literal["error"] = "error"
    error: str
    message: str
    details: list[ErrorDetail] | dict[str, Any] | None = None


def success(data: Any, *, message: str | None = None) -> dict[str, Any]:
    """Wrap `data` in the success envelope."""
    body: dict[str, Any] = {"status": "success", "data": data}
    if message is not None:
        body["message"] = message
    return body


def ok(
    data: Any,
    *,
    message: str | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> JSONBody:
    """A success-envelope response."""
    return JSONBody(success(data, message=message), status_code=status_code, headers=headers)


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorOut, "description": desc}
    for code, desc in (
        (400, "Bad request"),
        (401, "Not authenticated"),
        (403, "Forbidden"),
        (404, "Not found"),
        (409, "Conflict with the current state (a taken name, a duplicate, a finished step)"),
        (413, "Request body too large"),
        (422, "Validation error"),
        (429, "Rate limited"),
        (500, "Internal error"),
        (503, "Unavailable"),
    )
}
