"""Direct row access for the votes and comments tests: counts to compare with counters, states the
API cannot reach (a banned owner, a huge thread), and the events that were published."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import func, insert, select, update

from oxship.db import transaction
from oxship.kit.clock import utcnow
from oxship.kit.outbox import Event
from oxship.models import Comment, CommentVote, Notification, Project, User, Vote
from oxship.projects import service as projects
from oxship.runtime import Runtime


def _id(value: uuid.UUID | str) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(value)


class EngagementRows:
    """Reads rows of votes, comments, projects, users and notifications; crafts a few states."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self._sessionmaker = runtime.sessionmaker

    async def project(self, project_id: uuid.UUID | str) -> Project:
        """The current row of a project."""
        async with self._sessionmaker() as session:
            project = await session.get(Project, _id(project_id))
            assert project is not None
            return project

    async def user(self, user_id: uuid.UUID | str) -> User:
        """The current row of a user."""
        async with self._sessionmaker() as session:
            user = await session.get(User, _id(user_id))
            assert user is not None
            return user

    async def comment(self, comment_id: uuid.UUID | str) -> Comment:
        """The current row of a comment."""
        async with self._sessionmaker() as session:
            comment = await session.get(Comment, _id(comment_id))
            assert comment is not None
            return comment

    async def votes(self, project_id: uuid.UUID | str) -> Sequence[Vote]:
        """Every vote row of a project."""
        async with self._sessionmaker() as session:
            stmt = select(Vote).where(Vote.project_id == _id(project_id))
            return (await session.scalars(stmt)).all()

    async def comment_votes(self, comment_id: uuid.UUID | str) -> Sequence[CommentVote]:
        """Every vote row of a comment."""
        async with self._sessionmaker() as session:
            stmt = select(CommentVote).where(CommentVote.comment_id == _id(comment_id))
            return (await session.scalars(stmt)).all()

    async def live_comments(
        self, project_id: uuid.UUID | str, *, parent_id: uuid.UUID | str | None = None
    ) -> int:
        """Live comment rows of a project (or live direct replies of `parent_id`)."""
        condition = (
            Comment.project_id == _id(project_id)
            if parent_id is None
            else Comment.parent_id == _id(parent_id)
        )
        async with self._sessionmaker() as session:
            stmt = (
                select(func.count())
                .select_from(Comment)
                .where(condition, Comment.is_deleted.is_(False))
            )
            return int((await session.execute(stmt)).scalar_one())

    async def notifications(self, user_id: uuid.UUID, type_: str | None = None) -> Sequence[Any]:
        """The notifications a user received (of one type when given)."""
        async with self._sessionmaker() as session:
            stmt = select(Notification).where(Notification.user_id == user_id)
            if type_ is not None:
                stmt = stmt.where(Notification.type == type_)
            return (await session.scalars(stmt.order_by(Notification.created_at))).all()

    async def ban(self, user: User) -> None:
        """Ban a user the way the admin route does: the row, then the cache hook."""
        async with self._sessionmaker() as session:
            await session.execute(
                update(User).where(User.id == user.id).values(is_active=False, banned_at=utcnow())
            )
            await session.commit()
        async with transaction(self.runtime) as session:
            await projects.owner_status_changed(session, user.id)

    async def bulk_comments(
        self, project_id: uuid.UUID | str, author: User, count: int
    ) -> list[uuid.UUID]:
        """Insert `count` top-level comments one second apart, oldest first (counters untouched)."""
        start = utcnow() - timedelta(days=1)
        values = [
            {
                "id": uuid.uuid4(),
                "project_id": _id(project_id),
                "user_id": author.id,
                "content": f"Comment {n}",
                "created_at": start + timedelta(seconds=n),
                "updated_at": start + timedelta(seconds=n),
            }
            for n in range(count)
        ]
        async with self._sessionmaker() as session:
            await session.execute(insert(Comment), values)
            await session.commit()
        return [v["id"] for v in values]


ANY_ROOM = "*"


def events(runtime: Runtime, name: str, *, room: str | list[str] | None = ANY_ROOM) -> list[Event]:
    """Published events called `name` (in room `room` when given; None = broadcast)."""
    found = [e for e in runtime.publisher.recent if e.name == name]
    if room != ANY_ROOM:
        found = [e for e in found if e.room == room]
    return found
