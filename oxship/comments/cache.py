"""Cache namespaces of comments."""

from __future__ import annotations

import uuid

from oxship.projects.cache import project_ns

COMMENTS_TTL = 10 * 60


def comments_ns(project_id: uuid.UUID | str) -> str:
    """Every comment list and the thread of one project (bumped by every comment write)."""
    return f"comments:{project_id}"


def thread_namespaces(project_id: uuid.UUID | str) -> list[str]:
    """What a cached comment list of a project depends on: its comments and the project itself
    (deleting the project, or banning its owner, bumps `project:{id}`)."""
    return [comments_ns(project_id), project_ns(project_id)]
