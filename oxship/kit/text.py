"""Text normalisation shared by every schema."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, StringConstraints


def _strip(value: str) -> str:
    return value.strip()


def bounded(min_length: int = 0, max_length: int = 10_000) -> object:
    """A trimmed string with length bounds, for use in `Annotated[str, bounded(…)]`."""
    return StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length)


Trimmed = Annotated[str, AfterValidator(_strip)]
