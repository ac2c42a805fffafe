"""GET /api/prefetch/dashboard-data: counters, projects and one role_data key per role."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from oxship.errors import NotFound
from oxship.models import InvestorProfile
from oxship.validation import validators as validators_service
from tests.factories.projects import ProjectFactory
from tests.factories.users import Actor, UserFactory
from tests.intros.conftest import Investors, send_request
from tests.investors.conftest import apply
from tests.prefetch.conftest import DASHBOARD, PRIVATE, World, get_body, get_data
from tests.validation.conftest import assign, award, make_validator

pytestmark = pytest.mark.committed


async def dashboard(actor: Actor) -> dict[str, Any]:
    response = await actor.client.get(DASHBOARD)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == PRIVATE
    data: dict[str, Any] = response.json()["data"]
    return data


async def assert_common_parts(actor: Actor, data: dict[str, Any]) -> None:
    """stats, unread and projects equal the individual endpoints for the caller."""
    client = actor.client
    assert data["stats"] == await get_data(client, "/api/users/stats")
    notifications = (await get_data(client, "/api/notifications/unread-count"))["unread_count"]
    messages = (await get_data(client, "/api/messages/unread-count"))["unread_count"]
    intros = (await get_data(client, "/api/intro-requests/pending-count"))["pending_count"]
    assert data["unread"] == {
        "notifications": notifications,
        "messages": messages,
        "intro_requests": intros,
        "total": notifications + messages + intros,
    }
    projects = await get_data(client, f"/api/users/{actor.user.id}/projects", per_page=10)
    assert data["projects"] == projects


async def test_plain_user(world: World) -> None:
    data = await dashboard(world.me)
    assert set(data) == {"stats", "unread", "projects", "role_data", "user_roles"}
    assert data["role_data"] == {}
    assert data["user_roles"] == ["user"]
    assert data["unread"] == {"notifications": 2, "messages": 1, "intro_requests": 1, "total": 4}
    assert len(data["projects"]) == 10
    await assert_common_parts(world.me, data)


async def test_admin(world: World, users: UserFactory) -> None:
    admin = await users.admin()
    # one pending feedback and one pending investor application
    feedback = await world.other.client.post(
        "/api/feedback",
        json={"feedback_type": "suggestion", "message": "Please add dark mode to the feed."},
    )
    assert feedback.status_code == 201, feedback.text
    await apply(world.other)
    data = await dashboard(admin)
    assert data["user_roles"] == ["user", "admin"]
    assert set(data["role_data"]) == {"admin"}
    stats = await get_data(admin.client, "/api/admin/stats")
    expected = {
        "pending_feedback": stats["feedback"]["by"]["pending"],
        "pending_investor_requests": stats["investor_requests"]["by"]["pending"],
        "total_users": stats["users"]["total"],
        "total_projects": stats["projects"]["total"],
    }
    assert data["role_data"]["admin"] == expected
    # me, other, the investor, the admin; 11 + 4 projects
    assert expected == {
        "pending_feedback": 1,
        "pending_investor_requests": 1,
        "total_users": 4,
        "total_projects": 15,
    }
    await assert_common_parts(admin, data)


async def test_investor(world: World, users: UserFactory, projects: ProjectFactory) -> None:
    investor = world.investor  # sent one request (about one of my projects)
    own = await projects.project(investor.user, title="Investor side project")
    second = await Investors(users).actor()
    assert (await send_request(second.client, own["id"])).status_code == 201
    data = await dashboard(investor)
    assert data["user_roles"] == ["user", "investor"]
    assert set(data["role_data"]) == {"investor"}
    role = data["role_data"]["investor"]
    received = await get_body(investor.client, "/api/intro-requests/received", per_page=1)
    sent = await get_body(investor.client, "/api/intro-requests/sent", per_page=1)
    assert role["received_intro_requests"] == received["pagination"]["total"] == 1
    assert role["sent_intro_requests"] == sent["pagination"]["total"] == 1
    matches = await get_data(investor.client, "/api/projects/investor/matches", per_page=3)
    assert role["matches_preview"] == matches
    assert len(matches) == 3
    await assert_common_parts(investor, data)


async def test_validator(world: World, users: UserFactory) -> None:
    validator = await make_validator(users, can_validate_all=True)
    for project_id in world.project_ids[:3]:
        await assign(users.runtime, validator.user, project_id)
    awarded = await award(validator.client, world.project_ids[5])
    assert awarded.status_code in (200, 201), awarded.text
    data = await dashboard(validator)
    assert data["user_roles"] == ["user", "validator"]
    assert set(data["role_data"]) == {"validator"}
    stats = await get_data(validator.client, "/api/validator/stats")
    assert data["role_data"]["validator"] == {
        "pending_assignments": stats["assignments_by_status"]["pending"],
        "badges_awarded": stats["badges_awarded"],
    }
    assert data["role_data"]["validator"] == {"pending_assignments": 3, "badges_awarded": 1}
    await assert_common_parts(validator, data)


async def test_every_role_at_once(users: UserFactory) -> None:
    actor = await make_validator(users, is_admin=True, is_investor=True)
    async with users.runtime.sessionmaker() as session:
        session.add(
            InvestorProfile(
                user_id=actor.user.id,
                status="approved",
                investor_type="individual",
                name=actor.user.username,
                bio="An investor who backs builders." * 2,
                reason="I want to meet great builders early.",
            )
        )
        await session.commit()
    data = await dashboard(actor)
    assert data["user_roles"] == ["user", "admin", "validator", "investor"]
    assert set(data["role_data"]) == {"admin", "investor", "validator"}
    assert data["role_data"]["validator"] == {"pending_assignments": 0, "badges_awarded": 0}
    assert data["role_data"]["investor"] == {
        "received_intro_requests": 0,
        "sent_intro_requests": 0,
        "matches_preview": [],
    }
    assert data["role_data"]["admin"]["total_users"] == 1
    await assert_common_parts(actor, data)


async def test_anonymous_is_401(client: httpx.AsyncClient) -> None:
    response = await client.get(DASHBOARD)
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"


async def test_a_failing_role_part_fails_the_request(
    users: UserFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    validator = await make_validator(users)

    async def broken(*_: object, **__: object) -> object:
        raise NotFound("Validator profile not found")

    monkeypatch.setattr(validators_service, "stats", broken)
    response = await validator.client.get(DASHBOARD)
    assert response.status_code == 404
    body = response.json()
    assert body["status"] == "error"
    assert "data" not in body
