"""GET /api/users/{username}: the public profile, its email rule and its shared cache entry."""

from __future__ import annotations

import httpx
import pytest

from tests.auth.rows import Rows
from tests.factories.users import UserFactory

PUBLIC_FIELDS = {
    "id",
    "username",
    "display_name",
    "avatar_url",
    "bio",
    "location",
    "karma",
    "project_count",
    "badge_count",
    "is_admin",
    "is_validator",
    "is_investor",
    "email_verified",
    "has_oxcert",
    "github_connected",
    "github_username",
    "wallet_address",
    "created_at",
}


@pytest.mark.parametrize("path", ["/api/users/judy", "/api/users/JUDY", "/api/users/Judy"])
async def test_profile_is_found_in_any_letter_case(
    client: httpx.AsyncClient, users: UserFactory, path: str
) -> None:
    judy = await users.user(
        username="judy", display_name="Judy J.", bio="builder", location="Lisbon", karma=12.345
    )

    response = await client.get(path)

    assert response.status_code == 200
    data = response.json()["data"]
    assert set(data) == PUBLIC_FIELDS
    assert data["id"] == str(judy.id)
    assert (data["username"], data["display_name"]) == ("judy", "Judy J.")
    assert (data["bio"], data["location"]) == ("builder", "Lisbon")
    assert data["karma"] == 12.35
    assert data["created_at"].endswith("Z")


async def test_anonymous_profile_has_no_email_or_secret(
    client: httpx.AsyncClient, users: UserFactory
) -> None:
    judy = await users.user(username="judy", email="judy@example.com")

    response = await client.get("/api/users/judy")

    assert response.status_code == 200
    assert "email" not in response.json()["data"]
    assert "judy@example.com" not in response.text
    assert "password" not in response.text
    assert judy.password_hash not in response.text


@pytest.mark.parametrize("username", ["nobody", "judy@example.com", "jud_", "judy%20"])
async def test_unknown_username_is_404_and_never_matches_an_email(
    client: httpx.AsyncClient, users: UserFactory, username: str
) -> None:
    await users.user(username="judy", email="judy@example.com")

    response = await client.get(f"/api/users/{username}")

    assert response.status_code == 404
    assert response.json() == {"status": "error", "error": "not_found", "message": "User not found"}


async def test_nul_in_username_is_422(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/users/ju%00dy")

    assert response.status_code == 422
    assert response.json()["details"] == [
        {"field": "path", "message": "must not contain NUL characters"}
    ]


async def test_over_long_username_is_422(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/users/" + "x" * 31)

    assert response.status_code == 422
    assert [d["field"] for d in response.json()["details"]] == ["username"]


async def test_banned_or_deleted_user_is_404_even_to_admins(
    client: httpx.AsyncClient, users: UserFactory, rows: Rows
) -> None:
    admin = await users.admin()
    await users.user(username="banned_one", is_active=False)
    deleted = await users.user(username="deleted_one")
    await rows.set_user(deleted.id, deleted_at=deleted.created_at)

    for name in ("banned_one", "deleted_one"):
        assert (await client.get(f"/api/users/{name}")).status_code == 404
        assert (await admin.client.get(f"/api/users/{name}")).status_code == 404


async def test_the_user_sees_their_own_email(users: UserFactory) -> None:
    judy = await users.actor(username="judy", email="judy@example.com")

    response = await judy.client.get("/api/users/JUDY")

    assert response.status_code == 200
    assert response.json()["data"]["email"] == "judy@example.com"
    assert response.headers["Cache-Control"].startswith("private")


async def test_an_admin_sees_the_email(users: UserFactory) -> None:
    await users.user(username="judy", email="judy@example.com")
    admin = await users.admin()

    response = await admin.client.get("/api/users/judy")

    assert response.status_code == 200
    assert response.json()["data"]["email"] == "judy@example.com"


async def test_another_user_does_not_see_the_email(users: UserFactory) -> None:
    await users.user(username="judy", email="judy@example.com")
    other = await users.actor()

    response = await other.client.get("/api/users/judy")

    assert response.status_code == 200
    assert "email" not in response.json()["data"]
    assert "judy@example.com" not in response.text


@pytest.mark.parametrize("viewer", ["admin", "owner"])
async def test_a_privileged_view_never_leaks_into_the_cached_anonymous_one(
    client: httpx.AsyncClient, users: UserFactory, viewer: str
) -> None:
    judy = await users.actor(username="judy", email="judy@example.com")
    privileged = judy if viewer == "owner" else await users.admin()

    first = await privileged.client.get("/api/users/judy")
    anonymous = await client.get("/api/users/judy")
    other = await (await users.actor()).client.get("/api/users/judy")

    assert first.json()["data"]["email"] == "judy@example.com"
    for response in (anonymous, other):
        assert response.status_code == 200
        assert "email" not in response.json()["data"]
        assert "judy@example.com" not in response.text
        assert response.headers["ETag"] != first.headers["ETag"]
    assert anonymous.headers["Cache-Control"].startswith("public")
    assert first.headers["Cache-Control"].startswith("private")
    assert "Authorization" in anonymous.headers["Vary"]


async def test_an_anonymous_cached_entry_still_gets_the_email_for_an_admin(
    client: httpx.AsyncClient, users: UserFactory
) -> None:
    await users.user(username="judy", email="judy@example.com")
    admin = await users.admin()
    assert "email" not in (await client.get("/api/users/judy")).json()["data"]

    response = await admin.client.get("/api/users/judy")

    assert response.json()["data"]["email"] == "judy@example.com"


async def test_the_privileged_etag_does_not_revalidate_the_anonymous_body(
    client: httpx.AsyncClient, users: UserFactory
) -> None:
    await users.user(username="judy", email="judy@example.com")
    admin = await users.admin()
    privileged = await admin.client.get("/api/users/judy")

    response = await client.get(
        "/api/users/judy", headers={"If-None-Match": privileged.headers["ETag"]}
    )

    assert response.status_code == 200
    assert "email" not in response.json()["data"]


async def test_matching_if_none_match_is_304(client: httpx.AsyncClient, users: UserFactory) -> None:
    await users.user(username="judy")
    first = await client.get("/api/users/judy")

    response = await client.get("/api/users/judy", headers={"If-None-Match": first.headers["ETag"]})

    assert response.status_code == 304
    assert response.content == b""
    assert response.headers["ETag"] == first.headers["ETag"]


async def test_a_profile_edit_shows_at_once(client: httpx.AsyncClient, users: UserFactory) -> None:
    judy = await users.actor(username="judy", display_name="Old Name")
    before = await client.get("/api/users/judy")
    assert before.json()["data"]["display_name"] == "Old Name"

    assert (await judy.client.put("/api/users/profile", json={"display_name": "New"})).is_success

    after = await client.get("/api/users/judy")
    assert after.json()["data"]["display_name"] == "New"
    assert after.headers["ETag"] != before.headers["ETag"]


async def test_a_banned_users_old_token_cannot_read_profiles(
    users: UserFactory, rows: Rows
) -> None:
    await users.user(username="judy")
    mallory = await users.actor()
    await rows.ban(mallory.user.id)

    response = await mallory.client.get("/api/users/judy")

    assert response.status_code == 401
