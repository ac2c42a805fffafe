"""Cache namespaces of the users domain."""

from __future__ import annotations

PROFILE_TTL = 30 * 60


def profile_ns(username: str) -> str:
    """The namespace of one public profile (keyed by username: the URL names it)."""
    return f"profile:{username.lower()}"
