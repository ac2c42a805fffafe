"""`GET /api/admin/stats`: platform counters in a few aggregate statements."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import update

from oxship.kit.clock import utcnow
from oxship.models import Badge, Chain, Feedback, InvestorProfile
from oxship.runtime import Runtime
from tests.chains.conftest import make_chain
from tests.factories.projects import ProjectFactory
from tests.factories.users import UserFactory

STATS = "/api/admin/stats"


async def test_stats_count_everything(
    users: UserFactory,
    projects: ProjectFactory,
    runtime: Runtime,
    query_count: Callable[[int], Any],
) -> None:
    admin = await users.admin()
    owner = await users.actor(is_validator=True)
    await users.user(is_investor=True)
    banned = await users.user()
    deleted = await users.user()
    live = await projects.project_id(owner.user)
    featured = await projects.project_id(owner.user)
    gone = await projects.project_id(owner.user)
    await admin.client.post(f"/api/admin/projects/{featured}/feature")
    await admin.client.delete(f"/api/admin/projects/{gone}")
    await admin.client.post(f"/api/admin/users/{banned.id}/ban", json={"reason": "spam"})
    await admin.client.delete(f"/api/admin/users/{deleted.id}")
    chains = [await make_chain(owner.client, f"Stats chain {i}") for i in range(5)]
    await admin.client.post(f"/api/admin/chains/{chains[0]['slug']}/ban", json={"reason": "x"})
    for chain in chains[1:3]:
        await admin.client.post(
            f"/api/admin/chains/{chain['slug']}/suspend", json={"reason": "x", "duration_days": 1}
        )
    await admin.client.delete(f"/api/admin/chains/{chains[4]['slug']}")
    validators = [await users.user(is_validator=True) for _ in range(3)]
    applicants = [await users.user() for _ in range(3)]
    async with runtime.sessionmaker() as session:
        await session.execute(
            update(Chain)
            .where(Chain.slug == chains[2]["slug"])
            .values(suspended_until=utcnow() - timedelta(seconds=1))
        )
        badges = ((live, "gold"), (featured, "gold"), (featured, "silver"))
        for (project_id, kind), validator in zip(badges, validators, strict=True):
            session.add(
                Badge(
                    project_id=project_id,
                    validator_id=validator.id,
                    badge_type=kind,
                    points=10,
                    rationale="ok",
                    created_at=utcnow(),
                )
            )
        for status, applicant in zip(("pending", "pending", "approved"), applicants, strict=True):
            session.add(
                InvestorProfile(
                    user_id=applicant.id,
                    status=status,
                    investor_type="angel",
                    name="Ivy",
                    bio="An angel investor",
                    reason="To invest",
                )
            )
        for status in ("pending", "resolved"):
            session.add(
                Feedback(
                    user_id=owner.user.id,
                    feedback_type="suggestion",
                    message="m" * 20,
                    status=status,
                )
            )
        await session.commit()

    # token session, users, projects, chains, badges, investor requests, feedback
    with query_count(7):
        response = await admin.client.get(STATS)

    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["users"] == {
        "total": 11,
        "active": 9,
        "banned": 1,
        "deleted": 1,
        "admins": 1,
        "validators": 4,  # the owner and the three badge validators
        "investors": 1,
    }
    assert data["projects"] == {"total": 3, "live": 2, "deleted": 1, "featured": 1}
    assert data["badges"] == {"total": 3, "by": {"gold": 2, "silver": 1}}
    assert data["investor_requests"] == {
        "total": 3,
        "by": {"pending": 2, "approved": 1, "rejected": 0, "revoked": 0},
    }
    assert data["chains"] == {"total": 4, "active": 2, "suspended": 1, "banned": 1, "deleted": 1}
    assert data["feedback"] == {
        "total": 2,
        "by": {"pending": 1, "reviewed": 0, "resolved": 1, "dismissed": 0},
    }
