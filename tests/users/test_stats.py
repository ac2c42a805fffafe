"""GET /api/users/stats: the caller's own dashboard counters."""

from __future__ import annotations

import httpx

from tests.auth.rows import Rows
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


async def test_stats_reflect_the_callers_own_counters(users: UserFactory) -> None:
    actor = await users.actor(project_count=3, badge_count=2, karma=41.456)
    await users.actor(project_count=9, badge_count=9, karma=999)

    response = await actor.client.get(STATS)

    data = response.json()["data"]
    assert data["project_count"] == 3
    assert data["badges_received"] == 2
    assert data["karma"] == 41.46


async def test_stats_are_read_fresh_on_each_request(users: UserFactory, rows: Rows) -> None:
    actor = await users.actor(karma=1)
    assert (await actor.client.get(STATS)).json()["data"]["karma"] == 1

    await rows.set_user(actor.user.id, karma=7, project_count=4)

    data = (await actor.client.get(STATS)).json()["data"]
    assert (data["karma"], data["project_count"]) == (7, 4)


async def test_stats_need_a_token(client: httpx.AsyncClient) -> None:
    response = await client.get(STATS)

    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"


async def test_stats_of_a_banned_user_are_401(users: UserFactory, rows: Rows) -> None:
    actor = await users.actor()
    await rows.ban(actor.user.id)

    assert (await actor.client.get(STATS)).status_code == 401
