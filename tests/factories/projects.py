"""Projects for tests, created through the real service (scores computed as in production)."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

from oxship.db import transaction
from oxship.models import User
from oxship.projects import service
from oxship.projects.schemas import ProjectCreate
from oxship.runtime import Runtime

_seq = itertools.count(1)
DESCRIPTION = "A project description that is comfortably longer than fifty characters in total."


class ProjectFactory:
    """`await projects.project(owner, **fields)` → the project's JSON (as GET would return it)."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    async def project(self, owner: User, **fields: Any) -> dict[str, Any]:
        """Create a live project owned by `owner`; any API field may be given."""
        values: dict[str, Any] = {
            "title": f"Project number {next(_seq)}",
            "description": DESCRIPTION,
        }
        values.update(fields)
        async with transaction(self.runtime) as session:
            return await service.create(session, owner=owner, data=ProjectCreate(**values))

    async def project_id(self, owner: User, **fields: Any) -> uuid.UUID:
        """Create a project and return its id."""
        return uuid.UUID((await self.project(owner, **fields))["id"])
