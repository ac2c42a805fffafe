"""Fixtures of the project-update tests."""

from __future__ import annotations

from typing import Any

import pytest

from oxship.runtime import Runtime
from tests.auth.rows import Rows
from tests.factories.projects import ProjectFactory
from tests.factories.users import Actor, UserFactory


@pytest.fixture
async def owner(users: UserFactory) -> Actor:
    """A project owner, logged in."""
    return await users.actor()


@pytest.fixture
async def project(owner: Actor, projects: ProjectFactory) -> dict[str, Any]:
    """The owner's live project."""
    return await projects.project(owner.user, title="Updated project")


def update_body(**fields: Any) -> dict[str, Any]:
    """A valid update body; any field may be overridden (None removes it)."""
    body: dict[str, Any] = {
        "update_type": "milestone",
        "title": "We shipped v1",
        "content": "Version one is live for everyone.",
    }
    body.update(fields)
    return {k: v for k, v in body.items() if v is not None}


@pytest.fixture
def rows(runtime: Runtime) -> Rows:
    """Direct row access (bans)."""
    return Rows(runtime)
