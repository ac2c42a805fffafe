"""One status-coded error class, its subclasses, and the error envelope of API.md §1.1."""

from __future__ import annotations

from typing import Any


class OxshipError(Exception):
    """An expected failure rendered as the error envelope with its HTTP status."""

    status_code: int = 400
    code: str = "bad_request"
    default_message: str = "Bad request"

    def __init__(
        self,
        message: str | None = None,
        *,
        details: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.message = message or self.default_message
        self.details = details
        self.headers = headers or {}
        super().__init__(self.message)

    def envelope(self) -> dict[str, Any]:
        """The JSON body of this error."""
        body: dict[str, Any] = {"status": "error", "error": self.code, "message": self.message}
        if self.details is not None:
            body["details"] = self.details
        return body


class BadRequest(OxshipError):
    status_code, code, default_message = 400, "bad_request", "Bad request"


class Unauthorized(OxshipError):
    status_code, code, default_message = 401, "unauthorized", "Authentication required"

    def __init__(self, message: str | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.headers.setdefault("WWW-Authenticate", "Bearer")


class Forbidden(OxshipError):
    status_code, code, default_message = 403, "forbidden", "You are not allowed to do this"


class NotFound(OxshipError):
    status_code, code, default_message = 404, "not_found", "Not found"


class MethodNotAllowed(OxshipError):
    status_code, code, default_message = 405, "method_not_allowed", "Method not allowed"


class Conflict(OxshipError):
    status_code, code, default_message = 409, "conflict", "Conflict"


class PayloadTooLarge(OxshipError):
    status_code, code, default_message = 413, "payload_too_large", "Payload too large"


class ValidationFailed(OxshipError):
    status_code, code, default_message = 422, "validation_error", "Validation failed"

    @classmethod
    def field(cls, field: str, message: str) -> ValidationFailed:
        """A 422 naming one invalid field."""
        return cls(f"{field}: {message}", details=[{"field": field, "message": message}])


class RateLimited(OxshipError):
    status_code, code, default_message = 429, "rate_limited", "Too many requests"

    def __init__(self, message: str | None = None, *, retry_after: int, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = max(1, retry_after)
        self.headers["Retry-After"] = str(self.retry_after)


class Unavailable(OxshipError):
    status_code, code, default_message = 503, "unavailable", "Service temporarily unavailable"


INTERNAL_ERROR_BODY: dict[str, str] = {
    "status": "error",
    "error": "internal_error",
    "message": "Internal server error",
}

STATUS_CODES: dict[int, str] = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    422: "validation_error",
    429: "rate_limited",
    503: "unavailable",
}
