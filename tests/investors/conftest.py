"""Investor test helpers: application bodies, approvals through the API, crafted directory rows."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update

from oxship.db import transaction
from oxship.investors import repository
from oxship.kit.clock import utcnow
from oxship.models import AdminAction, InvestorProfile, InvestorTag, Notification, User
from oxship.runtime import Runtime
from tests.factories.users import Actor, UserFactory
from tests.realtime.conftest import listeners, live_url

__all__ = ["listeners", "live_url"]

APPLY = "/api/investor-requests/apply"
MY_REQUEST = "/api/investor-requests/my-request"
PROFILE = "/api/investor-requests/profile"
DIRECTORY = "/api/investors/public"
STATS = "/api/investors/stats"
MATCHES = "/api/projects/investor/matches"
ADMIN_LIST = "/api/admin/investor-requests"

BIO = "I invest in early technical teams and help them find their first customers quickly."
REASON = "I want to meet hackathon builders before anyone else does."


def application(**fields: Any) -> dict[str, Any]:
    """A valid application body; any field may be overridden."""
    body: dict[str, Any] = {
        "investor_type": "individual",
        "name": "Ada Angel",
        "company_name": "Angel Ventures",
        "position_title": "Partner",
        "location": "Berlin",
        "linkedin_url": "https://www.linkedin.com/in/ada",
        "website_url": "https://angel.example.com",
        "bio": BIO,
        "reason": REASON,
        "investment_thesis": "Developer tools and applied AI.",
        "investment_stages": ["pre-seed", "seed"],
        "industries": ["AI", "DevTools"],
        "geographic_focus": ["Europe"],
        "ticket_size_min": 25_000,
        "ticket_size_max": 250_000,
        "num_investments": 12,
        "notable_investments": [{"company": "Acme", "stage": "seed", "year": 2021}],
        "portfolio_highlights": "Two exits.",
        "value_adds": ["Hiring", "Go-to-market"],
        "fund_size": "$10M",
        "is_public": True,
        "open_to_requests": True,
        "plan_type": "free",
        "twitter_url": "https://twitter.com/ada",
        "calendar_link": "https://cal.example.com/ada",
    }
    body.update(fields)
    return body


async def apply(actor: Actor, **fields: Any) -> dict[str, Any]:
    """Apply through the API; the application JSON."""
    response = await actor.client.post(APPLY, json=application(**fields))
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


async def approve(admin: Actor, request_id: str, **body: Any) -> httpx.Response:
    """Approve through the admin route."""
    return await admin.client.post(f"{ADMIN_LIST}/{request_id}/approve", json=body or None)


async def approved_investor(users: UserFactory, admin: Actor, **fields: Any) -> Actor:
    """A user who applied and was approved through the API (a fresh client sees is_investor)."""
    actor = await users.actor()
    request = await apply(actor, **fields)
    assert (await approve(admin, request["id"])).status_code == 200
    return actor


class Rows:
    """Direct database access for investor tests."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    async def profiles_of(self, user_id: uuid.UUID) -> list[InvestorProfile]:
        """Every application of a user, oldest first."""
        async with self.runtime.sessionmaker() as session:
            stmt = (
                select(InvestorProfile)
                .where(InvestorProfile.user_id == user_id)
                .order_by(InvestorProfile.created_at)
            )
            return list((await session.scalars(stmt)).all())

    async def tags_of(self, profile_id: uuid.UUID | str) -> set[tuple[str, str]]:
        """(kind, tag) of a profile."""
        async with self.runtime.sessionmaker() as session:
            stmt = select(InvestorTag.kind, InvestorTag.tag).where(
                InvestorTag.profile_id == uuid.UUID(str(profile_id))
            )
            return {(k, t) for k, t in (await session.execute(stmt)).all()}

    async def user(self, user_id: uuid.UUID) -> User:
        """The current row of a user."""
        async with self.runtime.sessionmaker() as session:
            user = await session.get(User, user_id)
            assert user is not None
            return user

    async def set_profile(self, profile_id: uuid.UUID | str, **values: Any) -> None:
        """Change columns of an application (e.g. move `decided_at` into the past)."""
        async with self.runtime.sessionmaker() as session:
            await session.execute(
                update(InvestorProfile)
                .where(InvestorProfile.id == uuid.UUID(str(profile_id)))
                .values(**values)
            )
            await session.commit()

    async def set_user(self, user_id: uuid.UUID, **values: Any) -> None:
        """Change columns of a user."""
        async with self.runtime.sessionmaker() as session:
            await session.execute(update(User).where(User.id == user_id).values(**values))
            await session.commit()

    async def notifications_of(self, user_id: uuid.UUID) -> list[Notification]:
        """A user's notifications."""
        async with self.runtime.sessionmaker() as session:
            stmt = select(Notification).where(Notification.user_id == user_id)
            return list((await session.scalars(stmt)).all())

    async def audit(self, action: str) -> list[AdminAction]:
        """Audit entries of an action."""
        async with self.runtime.sessionmaker() as session:
            stmt = select(AdminAction).where(AdminAction.action == action)
            return list((await session.scalars(stmt)).all())

    async def investor(
        self,
        user: User,
        *,
        decided_at: datetime | None = None,
        status: str = "approved",
        **fields: Any,
    ) -> InvestorProfile:
        """An investor profile written directly (a crafted directory row), tags in sync."""
        values: dict[str, Any] = {
            "user_id": user.id,
            "status": status,
            "investor_type": "individual",
            "name": f"Investor {user.username}",
            "bio": "b" * 60,
            "reason": "r" * 40,
            "decided_at": decided_at or utcnow(),
        }
        values.update(fields)
        async with transaction(self.runtime) as session:
            profile = await repository.insert_application(session, values)
            assert profile is not None
            await repository.replace_tags(
                session,
                profile.id,
                stages=profile.investment_stages or [],
                industries=profile.industries or [],
                geographies=profile.geographic_focus or [],
            )
            if status == "approved":
                await session.execute(
                    update(User).where(User.id == user.id).values(is_investor=True)
                )
        return profile


@pytest.fixture
def rows(runtime: Runtime) -> Rows:
    """Direct row access."""
    return Rows(runtime)


@pytest.fixture
async def admin(users: UserFactory) -> Actor:
    """A logged-in administrator."""
    return await users.admin()
