"""PUT /api/users/profile: limits, URL check, partial updates, null clears, nothing else changes."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.auth.rows import Rows
from tests.factories.users import Actor, UserFactory

PROFILE = "/api/users/profile"


@pytest.fixture
async def kim(users: UserFactory) -> Actor:
    return await users.actor(
        username="kim",
        email="kim@example.com",
        display_name="Kim",
        bio="old bio",
        location="Oslo",
        avatar_url="https://img.example.com/kim.png",
    )


async def test_update_sets_every_field_and_returns_the_own_view(kim: Actor, rows: Rows) -> None:
    body = {
        "display_name": "Kim K.",
        "avatar_url": "http://cdn.example.org/a.png?size=64",
        "bio": "I ship things.",
        "location": "Bergen",
    }

    response = await kim.client.put(PROFILE, json=body)

    assert response.status_code == 200
    data = response.json()["data"]
    assert {k: data[k] for k in body} == body
    assert data["email"] == "kim@example.com"
    assert "password" not in response.text
    stored = await rows.user(kim.user.id)
    assert stored is not None
    assert (stored.display_name, stored.avatar_url, stored.bio, stored.location) == (
        "Kim K.",
        "http://cdn.example.org/a.png?size=64",
        "I ship things.",
        "Bergen",
    )


async def test_absent_fields_are_left_unchanged(kim: Actor, rows: Rows) -> None:
    response = await kim.client.put(PROFILE, json={"bio": "new bio"})

    assert response.status_code == 200
    stored = await rows.user(kim.user.id)
    assert stored is not None
    assert stored.bio == "new bio"
    assert (stored.display_name, stored.location) == ("Kim", "Oslo")
    assert stored.avatar_url == "https://img.example.com/kim.png"


async def test_empty_body_changes_nothing(kim: Actor, rows: Rows) -> None:
    response = await kim.client.put(PROFILE, json={})

    assert response.status_code == 200
    assert response.json()["data"]["bio"] == "old bio"
    stored = await rows.user(kim.user.id)
    assert stored is not None
    assert stored.bio == "old bio"


async def test_null_clears_a_field(kim: Actor, rows: Rows) -> None:
    response = await kim.client.put(PROFILE, json={"avatar_url": None, "bio": None})

    assert response.status_code == 200
    assert response.json()["data"]["avatar_url"] is None
    stored = await rows.user(kim.user.id)
    assert stored is not None
    assert (stored.avatar_url, stored.bio, stored.location) == (None, None, "Oslo")


async def test_strings_are_trimmed(kim: Actor) -> None:
    response = await kim.client.put(
        PROFILE,
        json={
            "display_name": "  Kim  ",
            "bio": "\n bio \t",
            "avatar_url": "  https://img.example.com/x.png ",
        },
    )

    assert response.status_code == 200
    data = response.json()["data"]
    assert data["display_name"] == "Kim"
    assert data["bio"] == "bio"
    assert data["avatar_url"] == "https://img.example.com/x.png"


async def test_the_length_limits_are_accepted(kim: Actor) -> None:
    body = {"display_name": "d" * 100, "bio": "b" * 500, "location": "l" * 100}

    response = await kim.client.put(PROFILE, json=body)

    assert response.status_code == 200
    assert {k: response.json()["data"][k] for k in body} == body


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"display_name": "d" * 101}, "display_name"),
        ({"bio": "b" * 501}, "bio"),
        ({"location": "l" * 101}, "location"),
        ({"avatar_url": "https://example.com/" + "a" * 2048}, "avatar_url"),
        ({"avatar_url": "javascript:alert(1)"}, "avatar_url"),
        ({"avatar_url": "ftp://example.com/a.png"}, "avatar_url"),
        ({"avatar_url": "data:image/png;base64,AAAA"}, "avatar_url"),
        ({"avatar_url": "example.com/a.png"}, "avatar_url"),
        ({"avatar_url": "https://"}, "avatar_url"),
        ({"avatar_url": "https:///no-host.png"}, "avatar_url"),
        ({"avatar_url": "https://exa mple.com/a.png"}, "avatar_url"),
        ({"avatar_url": "https://example.com/\na.png"}, "avatar_url"),
        ({"avatar_url": ""}, "avatar_url"),
        ({"bio": 42}, "bio"),
        ({"display_name": ["x"]}, "display_name"),
    ],
)
async def test_each_invalid_field_is_422(
    kim: Actor, rows: Rows, body: dict[str, Any], field: str
) -> None:
    response = await kim.client.put(PROFILE, json=body)

    assert response.status_code == 422
    assert response.json()["error"] == "validation_error"
    assert [d["field"] for d in response.json()["details"]] == [field]
    stored = await rows.user(kim.user.id)
    assert stored is not None
    assert (stored.display_name, stored.bio, stored.location) == ("Kim", "old bio", "Oslo")
    assert stored.avatar_url == "https://img.example.com/kim.png"


async def test_every_invalid_field_is_named(kim: Actor) -> None:
    response = await kim.client.put(
        PROFILE,
        json={
            "display_name": "d" * 101,
            "bio": "b" * 501,
            "location": "l" * 101,
            "avatar_url": "ftp://x.example.com",
        },
    )

    assert response.status_code == 422
    fields = sorted(d["field"] for d in response.json()["details"])
    assert fields == ["avatar_url", "bio", "display_name", "location"]


async def test_a_valid_field_is_not_saved_when_another_is_invalid(kim: Actor, rows: Rows) -> None:
    response = await kim.client.put(PROFILE, json={"bio": "fine", "location": "l" * 101})

    assert response.status_code == 422
    stored = await rows.user(kim.user.id)
    assert stored is not None
    assert stored.bio == "old bio"


async def test_other_fields_in_the_body_are_ignored(kim: Actor, rows: Rows) -> None:
    response = await kim.client.put(
        PROFILE,
        json={
            "bio": "ok",
            "username": "root",
            "email": "root@example.com",
            "is_admin": True,
            "is_active": True,
            "karma": 1e9,
            "email_verified": True,
            "password_hash": "x",
        },
    )

    assert response.status_code == 200
    stored = await rows.user(kim.user.id)
    assert stored is not None
    assert (stored.username, stored.email) == ("kim", "kim@example.com")
    assert (stored.is_admin, stored.email_verified, stored.karma) == (False, False, 0.0)
    assert stored.password_hash == kim.user.password_hash


async def test_a_nul_character_is_refused_not_a_500(kim: Actor) -> None:
    response = await kim.client.put(PROFILE, json={"bio": "nul\x00byte"})

    assert response.status_code == 422
    assert [d["field"] for d in response.json()["details"]] == ["bio"]


async def test_update_needs_a_token(client: httpx.AsyncClient) -> None:
    response = await client.put(PROFILE, json={"bio": "x"})

    assert response.status_code == 401


async def test_update_needs_a_json_object(kim: Actor) -> None:
    response = await kim.client.put(PROFILE, json=["bio"])

    assert response.status_code == 422
