"""Admin users: list, admin role, ban, unban (API §3.22, §1.2)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from oxship.models import AuthSession, User
from oxship.runtime import Runtime
from tests.factories.projects import ProjectFactory
from tests.factories.users import DEFAULT_PASSWORD, Actor, UserFactory

USERS = "/api/admin/users"


@pytest.fixture
async def admin(users: UserFactory) -> Actor:
    return await users.admin()


async def _user(runtime: Runtime, user_id: Any) -> User:
    async with runtime.sessionmaker() as session:
        user = await session.get(User, user_id)
        assert user is not None
        return user


async def test_list_shows_emails_state_and_filters(admin: Actor, users: UserFactory) -> None:
    alice = await users.user(username="alice_admin_list", display_name="Alice Wonder")
    bob = await users.user(username="bob_list", email="bob.builder@example.org")
    await users.user(username="vera_list", is_validator=True)
    await users.user(username="ivan_list", is_investor=True, is_active=False)

    everyone = (await admin.client.get(USERS, params={"per_page": 100})).json()
    assert everyone["pagination"]["total"] == 5  # the admin too
    by_name = {u["username"]: u for u in everyone["data"]}
    assert by_name["bob_list"]["email"] == "bob.builder@example.org"
    assert by_name["ivan_list"]["is_active"] is False
    assert "password_hash" not in by_name["bob_list"]

    async def names(**params: Any) -> set[str]:
        body = (await admin.client.get(USERS, params=params)).json()
        return {u["username"] for u in body["data"]}

    assert await names(search="WONDER") == {alice.username}
    assert await names(search="builder@EXAMPLE") == {bob.username}
    assert await names(search="_list") >= {"bob_list", "vera_list", "ivan_list"}
    assert await names(search="%") == set()  # LIKE wildcards match literally
    assert await names(role="validator") == {"vera_list"}
    assert await names(role="investor") == {"ivan_list"}
    assert await names(role="admin") == {admin.user.username}
    assert await names(role="user") == {alice.username, bob.username}
    assert await names(is_active="false") == {"ivan_list"}
    assert (await admin.client.get(USERS, params={"role": "root"})).status_code == 422
    assert (await admin.client.get(USERS, params={"is_active": "maybe"})).status_code == 422
    assert (await admin.client.get(USERS, params={"per_page": 0})).status_code == 422


@pytest.mark.parametrize("per_page", [1, 20, 100])
async def test_list_runs_fixed_statements(
    admin: Actor, users: UserFactory, query_count: Callable[[int], Any], per_page: int
) -> None:
    for _ in range(3):
        await users.user()
    # token session, total, page
    with query_count(3):
        response = await admin.client.get(USERS, params={"per_page": per_page})
    assert response.status_code == 200
    assert len(response.json()["data"]) == min(per_page, 4)


async def test_toggle_admin_grants_and_revokes(
    admin: Actor, users: UserFactory, audit_entries: Any
) -> None:
    target = await users.actor()
    assert (await target.client.get(USERS)).status_code == 403

    granted = await admin.client.post(f"{USERS}/{target.user.id}/toggle-admin")
    assert granted.status_code == 200
    assert granted.json()["data"]["is_admin"] is True
    assert (await target.client.get(USERS)).status_code == 200

    revoked = await admin.client.post(f"{USERS}/{target.user.id}/toggle-admin")
    assert revoked.json()["data"]["is_admin"] is False
    assert (await target.client.get(USERS)).status_code == 403
    actions = [(e.action, e.target_id) for e in await audit_entries()]
    assert actions == [
        ("user.grant_admin", str(target.user.id)),
        ("user.revoke_admin", str(target.user.id)),
    ]


async def test_toggle_admin_refuses_yourself_unknown_and_banned(
    admin: Actor, users: UserFactory
) -> None:
    own = await admin.client.post(f"{USERS}/{admin.user.id}/toggle-admin")
    assert own.status_code == 409
    banned = await users.user(is_active=False)
    assert (await admin.client.post(f"{USERS}/{banned.id}/toggle-admin")).status_code == 409
    unknown = "0190f0f0-0000-7000-8000-000000000000"
    assert (await admin.client.post(f"{USERS}/{unknown}/toggle-admin")).status_code == 404
    assert (await admin.client.post(f"{USERS}/not-a-uuid/toggle-admin")).status_code == 422


async def test_ban_takes_effect_on_the_next_request(
    admin: Actor,
    users: UserFactory,
    projects: ProjectFactory,
    client: httpx.AsyncClient,
    runtime: Runtime,
    audit_entries: Any,
) -> None:
    target = await users.actor()
    project_id = await projects.project_id(target.user)
    assert (await target.client.get("/api/auth/me")).status_code == 200
    feed = (await client.get("/api/projects")).json()  # warms the cached feed
    assert [p["id"] for p in feed["data"]] == [str(project_id)]

    response = await admin.client.post(
        f"{USERS}/{target.user.id}/ban", json={"reason": "  Spam everywhere  "}
    )

    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["is_active"] is False
    assert data["ban_reason"] == "Spam everywhere"
    assert data["banned_at"] is not None
    assert (await target.client.get("/api/auth/me")).status_code == 401
    assert (await target.client.get("/api/projects")).status_code == 401
    assert (await client.get("/api/projects")).json()["data"] == []
    assert (await client.get(f"/api/projects/{project_id}")).status_code == 404
    refreshed = await client.post("/api/auth/refresh", json={"refresh": target.refresh})
    assert refreshed.status_code == 401
    login = await client.post(
        "/api/auth/login", json={"email": target.user.username, "password": DEFAULT_PASSWORD}
    )
    assert login.status_code == 403
    (entry,) = await audit_entries("user.ban")
    assert entry.reason == "Spam everywhere"
    assert entry.target_id == str(target.user.id)
    assert entry.actor_id == admin.user.id
    disconnects = [e for e in runtime.publisher.recent if e.name == "!disconnect"]
    assert [e.room for e in disconnects] == [f"user:{target.user.id}"]


async def test_ban_rules(admin: Actor, users: UserFactory) -> None:
    target = await users.user()
    other_admin = await users.user(is_admin=True)
    url = f"{USERS}/{target.id}/ban"
    assert (await admin.client.post(url, json={})).status_code == 422
    assert (await admin.client.post(url, json={"reason": "   "})).status_code == 422
    assert (await admin.client.post(url, json={"reason": "x" * 1001})).status_code == 422
    assert (await admin.client.post(url)).status_code == 422
    own = await admin.client.post(f"{USERS}/{admin.user.id}/ban", json={"reason": "me"})
    assert own.status_code == 409
    peer = await admin.client.post(f"{USERS}/{other_admin.id}/ban", json={"reason": "rogue"})
    assert peer.status_code == 403
    assert (await admin.client.post(url, json={"reason": "spam"})).status_code == 200
    assert (await admin.client.post(url, json={"reason": "spam"})).status_code == 409


async def test_unban_restores_access_and_content(
    admin: Actor,
    users: UserFactory,
    projects: ProjectFactory,
    client: httpx.AsyncClient,
    runtime: Runtime,
    audit_entries: Any,
) -> None:
    target = await users.actor()
    project_id = await projects.project_id(target.user)
    await admin.client.post(f"{USERS}/{target.user.id}/ban", json={"reason": "spam"})
    assert (await client.get("/api/projects")).json()["data"] == []

    response = await admin.client.post(f"{USERS}/{target.user.id}/unban")

    assert response.status_code == 200
    data = response.json()["data"]
    assert data["is_active"] is True
    assert data["banned_at"] is None
    assert data["ban_reason"] is None
    assert [p["id"] for p in (await client.get("/api/projects")).json()["data"]] == [
        str(project_id)
    ]
    # Tokens from before the ban stay dead (unban revokes their sessions); a new login works.
    assert (await target.client.get("/api/auth/me")).status_code == 401
    async with runtime.sessionmaker() as session:
        revoked = (
            await session.scalars(
                select(AuthSession.revoked_at).where(AuthSession.user_id == target.user.id)
            )
        ).all()
    assert revoked
    assert all(r is not None for r in revoked)
    login = await client.post(
        "/api/auth/login", json={"email": target.user.username, "password": DEFAULT_PASSWORD}
    )
    assert login.status_code == 200
    assert (await admin.client.post(f"{USERS}/{target.user.id}/unban")).status_code == 409
    (entry,) = await audit_entries("user.unban")
    assert entry.data == {"previous_reason": "spam"}
    assert (await _user(runtime, target.user.id)).is_active is True
