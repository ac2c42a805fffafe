"""POST /api/auth/register: validation, uniqueness in any letter case, never overwriting an account."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from tests.auth.rows import Rows
from tests.factories.users import DEFAULT_PASSWORD, UserFactory

REGISTER = "/api/auth/register"


def payload(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "email": "alice@example.com",
        "username": "alice",
        "password": "s3cret-pass",
    }
    body.update(overrides)
    return body


def fields_of(response: httpx.Response) -> list[str]:
    body = response.json()
    assert response.status_code == 422, body
    assert body["status"] == "error"
    assert body["error"] == "validation_error"
    for detail in body["details"]:
        assert set(detail) == {"field", "message"}
        assert detail["message"]
    return [d["field"] for d in body["details"]]


async def test_register_returns_the_account_and_working_tokens(
    client: httpx.AsyncClient, rows: Rows
) -> None:
    response = await client.post(REGISTER, json=payload(display_name="Alice A."))

    assert response.status_code == 201
    data = response.json()["data"]
    assert data["user"]["username"] == "alice"
    assert data["user"]["email"] == "alice@example.com"
    assert data["user"]["display_name"] == "Alice A."
    assert data["user"]["email_verified"] is False
    assert data["user"]["is_admin"] is False
    assert data["user"]["roles"] == []
    assert data["tokens"]["token_type"] == "bearer"
    assert data["tokens"]["expires_in"] > 0
    assert "password" not in response.text

    me = await client.get(
        "/api/auth/me", headers={"Authorization": f"Bearer {data['tokens']['access']}"}
    )
    assert me.status_code == 200
    assert me.json()["data"]["id"] == data["user"]["id"]

    stored = (await rows.users_named("alice"))[0]
    assert stored.password_hash.startswith("$argon2id$")
    assert "s3cret-pass" not in stored.password_hash


async def test_register_trims_and_lowercases_email_and_username(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        REGISTER,
        json=payload(email="  Alice@Example.COM ", username=" Alice_01 ", display_name="  Al  "),
    )

    assert response.status_code == 201
    user = response.json()["data"]["user"]
    assert user["email"] == "alice@example.com"
    assert user["username"] == "alice_01"
    assert user["display_name"] == "Al"


async def test_register_without_display_name_uses_the_username(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(REGISTER, json=payload())

    assert response.status_code == 201
    assert response.json()["data"]["user"]["display_name"] == "alice"


async def test_register_mails_a_verification_link(client: httpx.AsyncClient, rows: Rows) -> None:
    response = await client.post(REGISTER, json=payload())

    assert response.status_code == 201
    token = await rows.mailed_token("alice@example.com", "Verify")
    assert len(token) >= 32


async def test_register_ignores_privilege_fields_in_the_body(
    client: httpx.AsyncClient, rows: Rows
) -> None:
    response = await client.post(
        REGISTER,
        json=payload(is_admin=True, is_validator=True, email_verified=True, karma=1e9),
    )

    assert response.status_code == 201
    user = response.json()["data"]["user"]
    assert (user["is_admin"], user["is_validator"], user["email_verified"]) == (False,) * 3
    assert user["karma"] == 0
    stored = (await rows.users_named("alice"))[0]
    assert stored.is_admin is False
    assert stored.email_verified is False


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"email": "alice@"}, "email"),
        ({"email": ""}, "email"),
        ({"email": 42}, "email"),
        ({"email": "nul\x00@example.com"}, "email"),
        ({"email": "a" * 310 + "@example.com"}, "email"),
        ({"username": "al"}, "username"),
        ({"username": "a" * 31}, "username"),
        ({"username": "bad-name"}, "username"),
        ({"username": "has space"}, "username"),
        ({"username": "émile"}, "username"),
        ({"username": "alice@example"}, "username"),
        ({"username": "search"}, "username"),
        ({"username": "Stats"}, "username"),
        ({"username": "profile"}, "username"),
        ({"password": "abc1234"}, "password"),
        ({"password": "a1" * 64 + "x"}, "password"),
        ({"password": "onlyletters"}, "password"),
        ({"password": "1234567890"}, "password"),
        ({"display_name": "x" * 101}, "display_name"),
        ({"display_name": "nul\x00byte"}, "display_name"),
    ],
)
async def test_register_rejects_each_invalid_field(
    client: httpx.AsyncClient, rows: Rows, overrides: dict[str, Any], field: str
) -> None:
    response = await client.post(REGISTER, json=payload(**overrides))

    assert fields_of(response) == [field]
    assert response.json()["message"].startswith(f"{field}: ")
    assert await rows.users_named("alice") == []


async def test_register_accepts_the_length_limits(client: httpx.AsyncClient) -> None:
    response = await client.post(
        REGISTER,
        json=payload(username="a" * 30, password="a1" * 64, display_name="d" * 100),
    )

    assert response.status_code == 201
    assert response.json()["data"]["user"]["username"] == "a" * 30


async def test_register_names_every_invalid_field_at_once(client: httpx.AsyncClient) -> None:
    response = await client.post(
        REGISTER,
        json={"email": "nope", "username": "x", "password": "short", "display_name": "d" * 101},
    )

    assert sorted(fields_of(response)) == ["display_name", "email", "password", "username"]


async def test_register_names_missing_fields(client: httpx.AsyncClient) -> None:
    response = await client.post(REGISTER, json={})

    assert sorted(fields_of(response)) == ["email", "password", "username"]


@pytest.mark.parametrize(
    ("duplicate", "field"),
    [
        ({"email": "BOB@Example.com", "username": "someone_else"}, "email"),
        ({"email": "other@example.com", "username": "BOB"}, "username"),
        ({"email": "bob@example.com", "username": "bob"}, "email"),
    ],
    ids=["email", "username", "both"],
)
async def test_duplicate_is_409_and_never_overwrites_the_account(
    client: httpx.AsyncClient,
    users: UserFactory,
    rows: Rows,
    duplicate: dict[str, str],
    field: str,
) -> None:
    original = await users.user(username="bob", email="bob@example.com", display_name="Bob")

    response = await client.post(
        REGISTER, json={**duplicate, "password": "attacker99", "display_name": "Mallory"}
    )

    assert response.status_code == 409
    assert response.json()["error"] == "conflict"
    assert response.json()["details"] == {"field": field}
    assert "tokens" not in response.text
    stored = await rows.user(original.id)
    assert stored is not None
    assert stored.password_hash == original.password_hash
    assert stored.display_name == "Bob"
    assert await rows.users_named("someone_else") == []
    assert await rows.mails("other@example.com") == []

    ok = await client.post("/api/auth/login", json={"email": "bob", "password": DEFAULT_PASSWORD})
    assert ok.status_code == 200
    assert ok.json()["data"]["user"]["id"] == str(original.id)
    stolen = await client.post("/api/auth/login", json={"email": "bob", "password": "attacker99"})
    assert stolen.status_code == 401


async def test_duplicate_of_a_banned_account_is_still_409(
    client: httpx.AsyncClient, users: UserFactory
) -> None:
    await users.user(username="gone", email="gone@example.com", is_active=False)

    response = await client.post(
        REGISTER, json=payload(email="GONE@example.com", username="fresh_name")
    )

    assert response.status_code == 409


@pytest.mark.parametrize("settings_overrides", [{"rate_limit_register_ip": "2/minute"}])
async def test_register_is_rate_limited_per_ip(client: httpx.AsyncClient) -> None:
    for n in range(2):
        ok = await client.post(REGISTER, json=payload(email=f"u{n}@example.com", username=f"u{n}x"))
        assert ok.status_code == 201

    response = await client.post(REGISTER, json=payload(email="u9@example.com", username="u9x"))

    assert response.status_code == 429
    assert response.json()["error"] == "rate_limited"
    assert int(response.headers["Retry-After"]) >= 1


@pytest.mark.committed
async def test_concurrent_registrations_of_one_username_create_one_account(
    client: httpx.AsyncClient, rows: Rows
) -> None:
    attempts = [
        client.post(REGISTER, json=payload(email=f"racer{n}@example.com", username="Racer"))
        for n in range(5)
    ]

    responses = await asyncio.gather(*attempts)

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201, 409, 409, 409, 409], [r.text for r in responses]
    created = await rows.users_named("racer")
    assert len(created) == 1
    winner = next(r for r in responses if r.status_code == 201)
    assert winner.json()["data"]["user"]["id"] == str(created[0].id)


@pytest.mark.committed
async def test_concurrent_registrations_of_one_email_create_one_account(
    client: httpx.AsyncClient, rows: Rows
) -> None:
    attempts = [
        client.post(REGISTER, json=payload(email="Same@Example.com", username=f"same{n}"))
        for n in range(5)
    ]

    responses = await asyncio.gather(*attempts)

    assert sorted(r.status_code for r in responses) == [201, 409, 409, 409, 409]
    assert len(await rows.users_with_email("same@example.com")) == 1
