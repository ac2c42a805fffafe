"""Cache namespaces of project updates."""

from __future__ import annotations

import uuid

from oxship.projects.cache import project_ns

LIST_TTL = 3600


def updates_ns(project_id: uuid.UUID | str) -> str:
    """The updates list of one project."""
    return f"updates:{project_id}"


def list_namespaces(project_id: uuid.UUID) -> list[str]:
    """What a cached updates list depends on: its own writes and the project's (a deletion)."""
    return [updates_ns(project_id), project_ns(project_id)]
