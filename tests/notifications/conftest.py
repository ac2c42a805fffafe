"""Fixtures of the notification tests: drive the notification service and reach its rows."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from oxship.db import transaction
from oxship.kit.outbox import Event
from oxship.models import Comment, Notification, User
from oxship.notifications import service
from oxship.runtime import Runtime


class Notes:
    """Creates notifications the way the domains do, and reads or ages their rows."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    async def vote(self, *, owner: User, voter: User, project: dict[str, Any]) -> None:
        """`voter` voted on `project` (owned by `owner`), as the vote service reports it."""
        async with transaction(self.runtime) as session:
            await service.vote_received(
                session,
                owner_id=owner.id,
                voter_id=voter.id,
                project_id=uuid.UUID(project["id"]),
                project_title=project["title"],
            )

    async def comment(
        self,
        *,
        owner: User,
        author: User,
        project: dict[str, Any],
        type: str = "comment",
    ) -> uuid.UUID:
        """`author` commented (or replied) on `project`; `owner` is the one notified."""
        async with transaction(self.runtime) as session:
            row = Comment(
                project_id=uuid.UUID(project["id"]), user_id=author.id, content="Nice work"
            )
            session.add(row)
            await session.flush()
            await service.comment_received(
                session,
                user_id=owner.id,
                actor_id=author.id,
                type=type,
                project_id=row.project_id,
                comment_id=row.id,
                title="New comment" if type == "comment" else "New reply",
                message=f"{author.username} commented on “{project['title']}”",
                subject=project["title"],
            )
            return row.id

    async def notify(
        self, user: User, *, type: str = "system", actor: User | None = None, **fields: Any
    ) -> uuid.UUID:
        """One plain notification for `user`."""
        async with transaction(self.runtime) as session:
            created = await service.notify(
                session,
                user_id=user.id,
                actor_id=actor.id if actor else None,
                type=type,
                title=fields.pop("title", f"A {type} notification"),
                message=fields.pop("message", "Something happened"),
                **fields,
            )
            assert created is not None
            return created.id

    async def of(self, user: User) -> Sequence[Notification]:
        """Every notification row of `user`, oldest first."""
        async with self.runtime.sessionmaker() as session:
            stmt = (
                select(Notification)
                .where(Notification.user_id == user.id)
                .order_by(Notification.created_at, Notification.id)
            )
            return (await session.scalars(stmt)).all()

    async def age(self, user: User, by: timedelta) -> None:
        """Move every notification of `user` `by` into the past."""
        async with self.runtime.sessionmaker() as session:
            rows = await session.scalars(
                select(Notification).where(Notification.user_id == user.id)
            )
            for row in rows:
                row.created_at -= by
                row.updated_at -= by
            await session.commit()

    def events(self, name: str, user: User) -> list[Event]:
        """Real-time events of this name delivered to the user's room."""
        room = f"user:{user.id}"
        return [e for e in self.runtime.publisher.recent if e.name == name and e.room == room]


@pytest.fixture
def notes(runtime: Runtime) -> Notes:
    """Notification helper: `await notes.vote(...)`, `notes.comment(...)`, `notes.of(user)`."""
    return Notes(runtime)
