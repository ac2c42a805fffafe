"""Introduction test helpers: investors with profiles, requests through the API."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from oxship.kit.clock import utcnow
from oxship.models import Intro, IntroRequest, InvestorProfile
from oxship.runtime import Runtime
from tests.factories.users import Actor, UserFactory
from tests.realtime.conftest import listeners, live_url

__all__ = ["Investors", "age", "investors", "listeners", "live_url", "send_request"]


class Investors:
    """`await investors.actor(plan=..., open_to_requests=..., profile=True)`."""

    def __init__(self, users: UserFactory) -> None:
        self.users = users

    async def actor(
        self,
        *,
        plan: str = "free",
        open_to_requests: bool = True,
        profile: bool = True,
        status: str = "approved",
    ) -> Actor:
        """A logged-in investor (`is_investor`), with an approved profile unless told otherwise."""
        actor = await self.users.actor(is_investor=True)
        if profile:
            async with self.users.runtime.sessionmaker() as session:
                session.add(
                    InvestorProfile(
                        user_id=actor.user.id,
                        status=status,
                        investor_type="individual",
                        name=actor.user.username,
                        bio="An investor who backs builders." * 2,
                        reason="I want to meet great builders early.",
                        plan_type=plan,
                        open_to_requests=open_to_requests,
                    )
                )
                await session.commit()
        return actor

    async def accepted_count(self, actor: Actor) -> int:
        """The profile's `accepted_intro_count`."""
        from sqlalchemy import select

        async with self.users.runtime.sessionmaker() as session:
            value = await session.scalar(
                select(InvestorProfile.accepted_intro_count).where(
                    InvestorProfile.user_id == actor.user.id
                )
            )
        return int(value or 0)


@pytest.fixture
def investors(users: UserFactory) -> Investors:
    """Investor factory."""
    return Investors(users)


async def send_request(
    client: httpx.AsyncClient, project_id: object, message: str = "I would love to talk."
) -> httpx.Response:
    """POST /api/intro-requests/send."""
    return await client.post(
        "/api/intro-requests/send", json={"project_id": str(project_id), "message": message}
    )


async def age(runtime: Runtime, model: Any, days: float) -> None:
    """Move every row of `model` (IntroRequest or Intro) `days` into the past."""
    assert model in (IntroRequest, Intro)
    async with runtime.sessionmaker() as session:
        await session.execute(update(model).values(created_at=utcnow() - timedelta(days=days)))
        await session.commit()
