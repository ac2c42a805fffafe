"""Fixtures of the projects tests: direct row access to craft datasets the API cannot build yet."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, insert, select, update

from oxship.db import transaction
from oxship.kit.clock import utcnow
from oxship.models import (
    Badge,
    Comment,
    Notification,
    Project,
    SavedProject,
    User,
    Vote,
)
from oxship.projects import service
from oxship.projects.cache import project_changed
from oxship.runtime import Runtime
from tests.factories.users import UserFactory
from tests.support.schema_check import check_response

LONG_DESCRIPTION = "A long description." * 10 + "0123456789"  # 200 characters: 5 quality points
assert len(LONG_DESCRIPTION) == 200


class ProjectRows:
    """Reads and writes rows directly, the way the (future) vote/comment/badge/admin paths would."""

    def __init__(self, runtime: Runtime, users: UserFactory) -> None:
        self.runtime = runtime
        self._sessionmaker = runtime.sessionmaker
        self._users = users

    async def project(self, project_id: uuid.UUID | str) -> Project:
        """The current row of a project (any state)."""
        async with self._sessionmaker() as session:
            project = await session.get(Project, uuid.UUID(str(project_id)))
            assert project is not None
            return project

    async def user(self, user_id: uuid.UUID | str) -> User:
        """The current row of a user."""
        async with self._sessionmaker() as session:
            user = await session.get(User, uuid.UUID(str(user_id)))
            assert user is not None
            return user

    async def set_project(self, project_id: uuid.UUID | str, **values: Any) -> None:
        """Set columns of a project (counters, created_at…) without recomputing anything."""
        async with self._sessionmaker() as session:
            await session.execute(
                update(Project).where(Project.id == uuid.UUID(str(project_id))).values(**values)
            )
            await session.commit()

    async def set_user(self, user_id: uuid.UUID | str, **values: Any) -> None:
        """Set columns of a user (a ban, verification flags…)."""
        async with self._sessionmaker() as session:
            await session.execute(
                update(User).where(User.id == uuid.UUID(str(user_id))).values(**values)
            )
            await session.commit()

    async def recompute(self, project_id: uuid.UUID | str) -> None:
        """Recompute a project's scores and its owner's karma, and invalidate what shows it."""
        pid = uuid.UUID(str(project_id))
        async with transaction(self.runtime) as session:
            project = await service.recompute(session, pid)
            project_changed(session, pid, project.user_id)

    async def craft(
        self, project_id: uuid.UUID | str, *, created_at: datetime | None = None, **counters: Any
    ) -> None:
        """Set counters (and optionally created_at) of a project, then recompute it."""
        values = dict(counters)
        if created_at is not None:
            values["created_at"] = created_at
        await self.set_project(project_id, **values)
        await self.recompute(project_id)

    async def vote(self, project_id: uuid.UUID | str, voter: User, vote_type: str) -> None:
        """Insert one vote row and move the project's counter in SQL (as the votes service does)."""
        pid = uuid.UUID(str(project_id))
        column = "upvotes" if vote_type == "up" else "downvotes"
        async with self._sessionmaker() as session:
            now = utcnow()
            await session.execute(
                insert(Vote).values(
                    id=uuid.uuid4(),
                    user_id=voter.id,
                    project_id=pid,
                    vote_type=vote_type,
                    created_at=now,
                    updated_at=now,
                )
            )
            await session.execute(
                update(Project)
                .where(Project.id == pid)
                .values({column: getattr(Project, column) + 1})
            )
            await session.commit()

    async def save(self, project_id: uuid.UUID | str, user: User) -> None:
        """Insert a saved-project row (as the saved service does)."""
        async with self._sessionmaker() as session:
            await session.execute(
                insert(SavedProject).values(
                    user_id=user.id, project_id=uuid.UUID(str(project_id)), created_at=utcnow()
                )
            )
            await session.commit()

    async def badge(
        self,
        project_id: uuid.UUID | str,
        badge_type: str,
        points: int,
        *,
        validator: User | None = None,
    ) -> User:
        """Insert a badge row awarded by `validator` (a new validator when omitted)."""
        validator = validator or await self._users.user(is_validator=True)
        async with self._sessionmaker() as session:
            await session.execute(
                insert(Badge).values(
                    id=uuid.uuid4(),
                    project_id=uuid.UUID(str(project_id)),
                    validator_id=validator.id,
                    badge_type=badge_type,
                    points=points,
                    rationale="Solid work",
                    created_at=utcnow(),
                )
            )
            await session.commit()
        return validator

    async def comment(
        self, project_id: uuid.UUID | str, author: User, *, upvotes: int = 0
    ) -> uuid.UUID:
        """Insert a top-level comment row (counters of the project are not touched)."""
        comment_id = uuid.uuid4()
        async with self._sessionmaker() as session:
            now = utcnow()
            await session.execute(
                insert(Comment).values(
                    id=comment_id,
                    project_id=uuid.UUID(str(project_id)),
                    user_id=author.id,
                    content="Nice",
                    upvotes=upvotes,
                    created_at=now,
                    updated_at=now,
                )
            )
            await session.commit()
        return comment_id

    async def notifications(self, user_id: uuid.UUID, type_: str) -> Sequence[Notification]:
        """The notifications of one type a user received."""
        async with self._sessionmaker() as session:
            stmt = select(Notification).where(
                Notification.user_id == user_id, Notification.type == type_
            )
            return (await session.scalars(stmt)).all()

    async def vote_rows(self, project_id: uuid.UUID | str) -> int:
        """How many vote rows a project has."""
        async with self._sessionmaker() as session:
            stmt = (
                select(func.count())
                .select_from(Vote)
                .where(Vote.project_id == uuid.UUID(str(project_id)))
            )
            return int((await session.execute(stmt)).scalar_one())

    async def ban(self, user: User, *, banned: bool = True) -> None:
        """Ban (or unban) a user the way the admin route will: the row, then the cache hook."""
        await self.set_user(user.id, is_active=not banned, banned_at=utcnow() if banned else None)
        async with transaction(self.runtime) as session:
            await service.owner_status_changed(session, user.id)


@pytest.fixture
def rows(runtime: Runtime, users: UserFactory) -> ProjectRows:
    """Direct row access on the test's database."""
    return ProjectRows(runtime, users)


@pytest.fixture
async def client_at(app: FastAPI) -> AsyncIterator[Callable[[str], httpx.AsyncClient]]:
    """`client_at("198.51.100.9")`: an anonymous client from another address (schema-checked)."""
    made: list[httpx.AsyncClient] = []

    async def check(response: httpx.Response) -> None:
        await response.aread()
        check_response(app, response)

    def make(ip: str) -> httpx.AsyncClient:
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, client=(ip, 50000)),
            base_url="http://testserver",
            event_hooks={"response": [check]},
        )
        made.append(client)
        return client

    yield make
    for client in made:
        await client.aclose()


def ids(response: httpx.Response) -> list[str]:
    """The project ids of a list response, in order."""
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    return [p["id"] for p in data]


def field_errors(response: httpx.Response) -> set[str]:
    """The fields a 422 names."""
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["error"] == "validation_error"
    return {d["field"] for d in body["details"]}
