"""URL slugs: lower-case ASCII words joined by `-`, made unique with `-2`, `-3`…"""

from __future__ import annotations

import re
from collections.abc import Collection

_NON_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(name: str, *, fallback: str, max_length: int = 100) -> str:
    """The slug a name asks for; `fallback` when nothing usable remains."""
    return _NON_SLUG.sub("-", name.lower()).strip("-")[:max_length].strip("-") or fallback


def first_free(base: str, taken: Collection[str]) -> str:
    """`base`, or the first of `base-2`, `base-3`… not in `taken`."""
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"
