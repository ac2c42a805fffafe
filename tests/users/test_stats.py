"""GET /api/users/stats: the caller's own dashboard counters."""

from __future__ import annotations

import httpx

from oxship.db import transaction
from oxship.kit.clock import utcnow
from oxship.models import Badge
from oxship.notifications import service as notifications
from oxship.projects import service as project_service
from oxship.runtime import Runtime
from tests.auth.rows import Rows
from tests.factories.projects import ProjectFactory
from tests.factories.users import UserFactory

STATS = "/api/users/stats"
COUNTERS = {
    "project_count",
    "active_projects",
    "total_proof_score",
    "comment_count",
    "badges_given",
    "badges_received",
    "intros_sent",
    "intros_received",
    "intro_requests_pending",
    "karma",
    "unread_messages",
    "unread_notifications",
}


async def test_a_new_user_has_every_counter_at_zero(users: UserFactory) -> None:
    actor = await users.actor()

    response = await actor.client.get(STATS)

    assert response.status_code == 200
    data = response.json()["data"]
    assert set(data) == COUNTERS
    assert all(value == 0 for value in data.values())


async def test_stats_count_the_callers_own_rows(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime
) -> None:
    actor = await users.actor()
    other = await users.user()
    first = await projects.project_id(actor.user, demo_url="https://demo.example.com")
    await projects.project_id(actor.user)
    gone = await projects.project_id(actor.user)
    await projects.project_id(other)
    async with transaction(runtime) as session:
        await project_service.delete(session, project_id=gone, user=actor.user)
        session.add(
            Badge(
                project_id=first,
                validator_id=other.id,
                badge_type="gold",
                points=15,
                rationale="r" * 60,
                created_at=utcnow(),
            )
        )
        await notifications.notify(
            session,
            user_id=actor.user.id,
            actor_id=other.id,
            type="system",
            title="t",
            message="m",
        )

    data = (await actor.client.get(STATS)).json()["data"]

    assert data["project_count"] == 2
    assert data["active_projects"] == 2
    assert data["total_proof_score"] == 5.0  # the demo link's quality points
    assert data["badges_received"] == 1
    assert data["badges_given"] == 0
    assert data["unread_notifications"] == 1
    assert data["karma"] == 5.0


async def test_stats_are_read_fresh_on_each_request(
    users: UserFactory, projects: ProjectFactory
) -> None:
    actor = await users.actor()
    assert (await actor.client.get(STATS)).json()["data"]["project_count"] == 0

    await projects.project(actor.user, github_url="https://github.com/a/b")

    data = (await actor.client.get(STATS)).json()["data"]
    assert (data["project_count"], data["karma"]) == (1, 5.0)


async def test_stats_need_a_token(client: httpx.AsyncClient) -> None:
    response = await client.get(STATS)

    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"


async def test_stats_of_a_banned_user_are_401(users: UserFactory, rows: Rows) -> None:
    actor = await users.actor()
    await rows.ban(actor.user.id)

    assert (await actor.client.get(STATS)).status_code == 401
