"""Text types shared by every schema: trimmed, bounded, NUL-free strings and http(s) URLs."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, StringConstraints


def no_nul(value: str) -> str:
    """Refuse NUL characters (PostgreSQL text cannot store them)."""
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


NulFree = AfterValidator(no_nul)


def trimmed(min_length: int = 0, max_length: int = 10_000) -> StringConstraints:
    """Length bounds on a whitespace-trimmed string: `Annotated[str, trimmed(1, 50), NulFree]`."""
    return StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length)


def _http_url(value: str) -> str:
    if any(c.isspace() for c in no_nul(value)):
        raise ValueError("must not contain whitespace")
    try:
        parts = urlsplit(value)
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        raise ValueError("must be an http:// or https:// URL")
    return value


HttpUrl = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=2048), AfterValidator(_http_url)
]


def cannot_clear(value: object) -> object:
    """A partial update may omit a required field but not send it as null."""
    if value is None:
        raise ValueError("cannot be cleared")
    return value
