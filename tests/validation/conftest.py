"""Validators with profiles, and helpers shared by the validation tests."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import func, select

from oxship.kit.clock import utcnow
from oxship.models import Badge, Project, User, ValidatorAssignment, ValidatorProfile
from oxship.runtime import Runtime
from tests.factories.users import Actor, UserFactory
from tests.realtime.conftest import listeners, live_url

__all__ = ["listeners", "live_url"]

RATIONALE = "A careful review: the demo works, the code is clean and the claims hold up well."
BUILTINS = ["stone", "silver", "gold", "platinum", "demerit"]


async def make_validator(
    users: UserFactory,
    *,
    profile: bool = True,
    is_active: bool = True,
    can_validate_all: bool = False,
    badge_types: list[str] | None = None,
    categories: list[str] | None = None,
    project_ids: list[str] | None = None,
    **user_fields: Any,
) -> Actor:
    """A logged-in validator, with a profile unless `profile=False`."""
    actor = await users.actor(is_validator=True, **user_fields)
    if profile:
        async with users.runtime.sessionmaker() as session:
            session.add(
                ValidatorProfile(
                    user_id=actor.user.id,
                    is_active=is_active,
                    can_validate_all=can_validate_all,
                    allowed_badge_types=BUILTINS if badge_types is None else badge_types,
                    allowed_categories=[c.lower() for c in categories or []],
                    allowed_project_ids=project_ids or [],
                )
            )
            await session.commit()
    return actor


async def award(
    client: httpx.AsyncClient, project_id: Any, badge_type: str = "gold", **extra: Any
) -> httpx.Response:
    """POST /api/badges/award."""
    body = {"project_id": str(project_id), "badge_type": badge_type, "rationale": RATIONALE}
    body.update(extra)
    return await client.post("/api/badges/award", json=body)


async def project_row(runtime: Runtime, project_id: Any) -> Project:
    """The stored project."""
    async with runtime.sessionmaker() as session:
        project = await session.get(Project, uuid.UUID(str(project_id)), populate_existing=True)
        assert project is not None
        return project


async def user_row(runtime: Runtime, user_id: uuid.UUID) -> User:
    """The stored user."""
    async with runtime.sessionmaker() as session:
        user = await session.get(User, user_id, populate_existing=True)
        assert user is not None
        return user


async def badge_rows(runtime: Runtime) -> int:
    """How many badges exist."""
    async with runtime.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(Badge)) or 0)


async def assignments(runtime: Runtime, **where: Any) -> list[ValidatorAssignment]:
    """Assignments matching column equalities."""
    async with runtime.sessionmaker() as session:
        stmt = select(ValidatorAssignment).filter_by(**where)
        return list((await session.scalars(stmt)).all())


async def assign(
    runtime: Runtime,
    validator: User,
    project_id: Any,
    *,
    status: str = "pending",
    priority: str = "normal",
    age_seconds: int = 0,
) -> uuid.UUID:
    """Insert an assignment row directly."""
    ranks = {"urgent": 0, "high": 1, "normal": 2, "low": 3}
    assignment_id = uuid.uuid4()
    when = utcnow() - timedelta(seconds=age_seconds)
    async with runtime.sessionmaker() as session:
        session.add(
            ValidatorAssignment(
                id=assignment_id,
                validator_id=validator.id,
                project_id=uuid.UUID(str(project_id)),
                status=status,
                priority=priority,
                priority_rank=ranks[priority],
                created_at=when,
                updated_at=when,
            )
        )
        await session.commit()
    return assignment_id
