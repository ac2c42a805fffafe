"""Text types shared by every schema: trimmed, bounded, NUL-free strings and http(s) URLs."""

from __future__ import annotations

import re
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, StringConstraints


def no_nul(value: str) -> str:
    """Refuse NUL characters (PostgreSQL text cannot store them)."""
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


NulFree = AfterValidator(no_nul)

# C0 and C1 control characters (tab and newline included) and the Unicode line/paragraph separators.
# Format characters (zero-width joiner, bidi marks) stay allowed: emoji sequences and RTL text use them.
_NOT_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def single_line(value: str) -> str:
    """Refuse control characters and line breaks in a one-line field (names, titles, tags)."""
    if _NOT_ONE_LINE.search(value):
        raise ValueError("must be a single line without control characters")
    return value


SingleLine = AfterValidator(single_line)


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
