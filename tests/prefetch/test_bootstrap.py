"""GET /api/prefetch/bootstrap: each key equals the individual endpoint's answer for the caller."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from oxship.chains import service as chains_service
from oxship.errors import Conflict
from oxship.notifications import service as notifications_service
from tests.factories.users import UserFactory
from tests.prefetch.conftest import BOOTSTRAP, PRIVATE, World, get_data

pytestmark = pytest.mark.committed


async def test_every_key_matches_its_endpoint(world: World) -> None:
    me = world.me.client
    response = await me.get(BOOTSTRAP)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == PRIVATE
    data = response.json()["data"]
    assert set(data) == {
        "user",
        "stats",
        "unread_counts",
        "my_projects",
        "recent_notifications",
        "conversations",
        "followed_chains",
        "trending_chains",
        "saved_project_ids",
    }
    user_id = str(world.me.user.id)

    assert data["user"] == await get_data(me, "/api/auth/me")
    assert data["user"]["email"] == world.me.user.email
    assert data["stats"] == await get_data(me, "/api/users/stats")

    unread = data["unread_counts"]
    # notifications: the vote and the intro request
    assert unread == {"notifications": 2, "messages": 1, "intro_requests": 1, "total": 4}
    notif_count = await get_data(me, "/api/notifications/unread-count")
    assert unread["notifications"] == notif_count["unread_count"]
    message_count = await get_data(me, "/api/messages/unread-count")
    assert unread["messages"] == message_count["unread_count"]
    intro_count = await get_data(me, "/api/intro-requests/pending-count")
    assert unread["intro_requests"] == intro_count["pending_count"]

    projects = await get_data(me, f"/api/users/{user_id}/projects", per_page=10)
    assert data["my_projects"] == projects
    assert len(data["my_projects"]) == 10  # 11 exist: the 10 newest
    assert {p["id"] for p in data["my_projects"]} <= set(world.project_ids)

    notifications = await get_data(me, "/api/notifications", per_page=20)
    assert data["recent_notifications"] == notifications
    assert len(notifications) == 2

    conversations = await get_data(me, "/api/messages/conversations", per_page=20)
    assert data["conversations"] == conversations
    assert len(conversations) == 1
    assert conversations[0]["user"]["id"] == str(world.other.user.id)

    followed = await get_data(me, f"/api/chains/user/{user_id}/following", per_page=20)
    assert data["followed_chains"] == followed
    assert {c["slug"] for c in followed} >= set(world.chain_slugs[:2])
    assert all(c["is_following"] for c in followed)

    trending = await get_data(me, "/api/leaderboard/chains", limit=10)
    assert data["trending_chains"] == trending
    assert {c["slug"] for c in trending} == set(world.chain_slugs)

    saved = await get_data(me, "/api/saved/my-saved", per_page=100)
    assert data["saved_project_ids"] == [p["id"] for p in saved]
    assert data["saved_project_ids"] == list(reversed(world.saved_ids))  # newest save first


async def test_a_fresh_user_gets_every_key_empty_not_null(users: UserFactory) -> None:
    actor = await users.actor()
    response = await actor.client.get(BOOTSTRAP)
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["unread_counts"] == {
        "notifications": 0,
        "messages": 0,
        "intro_requests": 0,
        "total": 0,
    }
    for key in (
        "my_projects",
        "recent_notifications",
        "conversations",
        "followed_chains",
        "trending_chains",
        "saved_project_ids",
    ):
        assert data[key] == [], key
    assert data["stats"] == await get_data(actor.client, "/api/users/stats")


async def test_saved_ids_follow_unsaves(world: World) -> None:
    me = world.me.client
    removed = await me.delete(f"/api/saved/unsave/{world.saved_ids[1]}")
    assert removed.status_code == 200, removed.text
    data = await get_data(me, BOOTSTRAP)
    assert data["saved_project_ids"] == [world.saved_ids[2], world.saved_ids[0]]


async def test_anonymous_is_401(client: httpx.AsyncClient) -> None:
    response = await client.get(BOOTSTRAP)
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"
    bad = await client.get(BOOTSTRAP, headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401


async def test_a_failing_part_fails_the_request(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*_: object, **__: object) -> object:
        raise Conflict("followed chains are unavailable")

    monkeypatch.setattr(chains_service, "following", broken)
    response = await world.me.client.get(BOOTSTRAP)
    assert response.status_code == 409
    body = response.json()
    assert body["status"] == "error"
    assert body["error"] == "conflict"
    assert "data" not in body


async def test_an_unexpected_error_is_a_500_envelope_not_a_null(
    app: FastAPI, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*_: object, **__: object) -> object:
        raise RuntimeError("notifications store exploded")

    monkeypatch.setattr(notifications_service, "page", broken)
    raw = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
        base_url="http://testserver",
        headers={"Authorization": f"Bearer {world.me.access}"},
    )
    async with raw:
        response = await raw.get(BOOTSTRAP)
        assert response.status_code == 500
        assert response.json() == {
            "status": "error",
            "error": "internal_error",
            "message": "Internal server error",
        }
        # the other parts were not left holding transactions: the next request works
        monkeypatch.undo()
        again = await raw.get(BOOTSTRAP)
        assert again.status_code == 200
        assert len(again.json()["data"]["recent_notifications"]) == 2
