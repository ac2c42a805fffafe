"""Forgotten, reset and changed passwords: mailed single-use expiring tokens, sessions revoked."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from oxship.models import OneTimeToken, User
from oxship.runtime import Runtime
from tests.auth.rows import Rows
from tests.factories.users import DEFAULT_PASSWORD, UserFactory

FORGOT = "/api/auth/password/forgot"
RESET = "/api/auth/password/reset"
CHANGE = "/api/auth/password/change"
NEW_PASSWORD = "brand-new-pass9"


async def can_log_in(client: httpx.AsyncClient, user: User, password: str) -> bool:
    response = await client.post(
        "/api/auth/login", json={"email": user.username, "password": password}
    )
    assert response.status_code in {200, 401}, response.text
    return response.status_code == 200


async def reset_token(client: httpx.AsyncClient, rows: Rows, user: User) -> str:
    response = await client.post(FORGOT, json={"email": user.email})
    assert response.status_code == 200
    return await rows.mailed_token(user.email, "Reset")


# ---- forgot ---------------------------------------------------------------------------------


async def test_forgot_answers_the_same_for_known_and_unknown_accounts(
    client: httpx.AsyncClient, users: UserFactory, rows: Rows
) -> None:
    frank = await users.user(username="frank", email="frank@example.com")

    known = await client.post(FORGOT, json={"email": "Frank@Example.com"})
    unknown = await client.post(FORGOT, json={"email": "ghost@example.com"})

    assert known.status_code == unknown.status_code == 200
    assert known.content == unknown.content
    assert len(await rows.mails(frank.email)) == 1
    assert await rows.mails("ghost@example.com") == []


async def test_forgot_accepts_a_username(
    client: httpx.AsyncClient, users: UserFactory, rows: Rows
) -> None:
    frank = await users.user(username="frank")

    response = await client.post(FORGOT, json={"email": "FRANK"})

    assert response.status_code == 200
    assert await rows.mailed_token(frank.email, "Reset")


async def test_forgot_mails_nothing_to_a_banned_account(
    client: httpx.AsyncClient, users: UserFactory, rows: Rows
) -> None:
    frank = await users.user(username="frank", is_active=False)

    response = await client.post(FORGOT, json={"email": frank.email})

    assert response.status_code == 200
    assert await rows.mails(frank.email) == []


async def test_forgot_never_echoes_the_token(
    client: httpx.AsyncClient, users: UserFactory, rows: Rows
) -> None:
    frank = await users.user(username="frank")

    response = await client.post(FORGOT, json={"email": frank.email})

    token = await rows.mailed_token(frank.email, "Reset")
    assert token not in response.text
    assert "token" not in response.json()["data"]


@pytest.mark.parametrize("email", ["   ", "x" * 321, "nul\x00@example.com"])
async def test_forgot_validates_the_field(client: httpx.AsyncClient, email: str) -> None:
    response = await client.post(FORGOT, json={"email": email})

    assert response.status_code == 422
    assert [d["field"] for d in response.json()["details"]] == ["email"]


@pytest.mark.parametrize("settings_overrides", [{"rate_limit_password_ip": "2/minute"}])
async def test_forgot_is_rate_limited_per_ip(client: httpx.AsyncClient) -> None:
    for _ in range(2):
        assert (await client.post(FORGOT, json={"email": "x@example.com"})).status_code == 200

    response = await client.post(FORGOT, json={"email": "x@example.com"})

    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) >= 1


# ---- reset ----------------------------------------------------------------------------------


async def test_reset_sets_the_new_password(
    client: httpx.AsyncClient, users: UserFactory, rows: Rows
) -> None:
    frank = await users.user(username="frank")
    token = await reset_token(client, rows, frank)

    response = await client.post(RESET, json={"token": token, "password": NEW_PASSWORD})

    assert response.status_code == 200
    assert response.json()["data"] == {"ok": True}
    assert await can_log_in(client, frank, NEW_PASSWORD)
    assert not await can_log_in(client, frank, DEFAULT_PASSWORD)


async def test_reset_token_is_single_use(
    client: httpx.AsyncClient, users: UserFactory, rows: Rows
) -> None:
    frank = await users.user(username="frank")
    token = await reset_token(client, rows, frank)
    assert (await client.post(RESET, json={"token": token, "password": NEW_PASSWORD})).is_success

    again = await client.post(RESET, json={"token": token, "password": "another-pass7"})

    assert again.status_code == 400
    assert again.json()["error"] == "bad_request"
    assert await can_log_in(client, frank, NEW_PASSWORD)
    assert not await can_log_in(client, frank, "another-pass7")


async def test_expired_reset_token_is_refused(
    client: httpx.AsyncClient, users: UserFactory, rows: Rows
) -> None:
    frank = await users.user(username="frank")
    token = await reset_token(client, rows, frank)
    await rows.expire_one_time_tokens(frank.id)

    response = await client.post(RESET, json={"token": token, "password": NEW_PASSWORD})

    assert response.status_code == 400
    assert await can_log_in(client, frank, DEFAULT_PASSWORD)


async def test_reset_token_lives_one_hour(
    client: httpx.AsyncClient, users: UserFactory, rows: Rows, runtime: Runtime
) -> None:
    frank = await users.user(username="frank")
    await reset_token(client, rows, frank)

    async with runtime.sessionmaker() as session:
        token = (
            await session.scalars(select(OneTimeToken).where(OneTimeToken.user_id == frank.id))
        ).one()
    lifetime = (token.expires_at - token.created_at).total_seconds()
    assert 3590 <= lifetime <= 3600
    assert token.purpose == "password_reset"


@pytest.mark.parametrize("token", ["made-up-token", "x" * 200])
async def test_unknown_reset_token_is_refused(client: httpx.AsyncClient, token: str) -> None:
    response = await client.post(RESET, json={"token": token, "password": NEW_PASSWORD})

    assert response.status_code == 400
    assert response.json()["message"] == "Invalid or expired reset token"


async def test_a_verification_token_cannot_reset_a_password(
    client: httpx.AsyncClient, rows: Rows
) -> None:
    registered = await client.post(
        "/api/auth/register",
        json={"email": "gina@example.com", "username": "gina", "password": DEFAULT_PASSWORD},
    )
    assert registered.status_code == 201
    verify_token = await rows.mailed_token("gina@example.com", "Verify")

    response = await client.post(RESET, json={"token": verify_token, "password": NEW_PASSWORD})

    assert response.status_code == 400
    login = await client.post(
        "/api/auth/login", json={"email": "gina", "password": DEFAULT_PASSWORD}
    )
    assert login.status_code == 200


async def test_reset_revokes_every_existing_session(
    client: httpx.AsyncClient, users: UserFactory, rows: Rows
) -> None:
    actor = await users.actor(username="frank")
    other_access, other_refresh = await users.tokens_for(actor.user)
    token = await reset_token(client, rows, actor.user)

    assert (await client.post(RESET, json={"token": token, "password": NEW_PASSWORD})).is_success

    assert (await actor.client.get("/api/auth/me")).status_code == 401
    other_me = await client.get("/api/auth/me", headers={"Authorization": f"Bearer {other_access}"})
    assert other_me.status_code == 401
    for refresh in (actor.refresh, other_refresh):
        assert (
            await client.post("/api/auth/refresh", json={"refresh": refresh})
        ).status_code == 401
    assert all(s.revoked_at is not None for s in await rows.sessions(actor.user.id))


async def test_weak_new_password_is_422_and_keeps_the_token_usable(
    client: httpx.AsyncClient, users: UserFactory, rows: Rows
) -> None:
    frank = await users.user(username="frank")
    token = await reset_token(client, rows, frank)

    weak = await client.post(RESET, json={"token": token, "password": "short1"})

    assert weak.status_code == 422
    assert [d["field"] for d in weak.json()["details"]] == ["password"]
    assert (await client.post(RESET, json={"token": token, "password": NEW_PASSWORD})).is_success


async def test_reset_of_a_user_banned_after_the_mail_is_refused(
    client: httpx.AsyncClient, users: UserFactory, rows: Rows
) -> None:
    frank = await users.user(username="frank")
    token = await reset_token(client, rows, frank)
    await rows.ban(frank.id)

    response = await client.post(RESET, json={"token": token, "password": NEW_PASSWORD})

    assert response.status_code == 400
    stored = await rows.user(frank.id)
    assert stored is not None
    assert stored.password_hash == frank.password_hash


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, ["password", "token"]),
        ({"token": "", "password": NEW_PASSWORD}, ["token"]),
        ({"token": "t", "password": "nodigitshere"}, ["password"]),
        ({"token": "t", "password": "12345678"}, ["password"]),
        ({"token": "t", "password": "a1" * 65}, ["password"]),
        ({"token": "t" * 201, "password": NEW_PASSWORD}, ["token"]),
    ],
)
async def test_reset_validation_names_each_field(
    client: httpx.AsyncClient, body: dict[str, Any], fields: list[str]
) -> None:
    response = await client.post(RESET, json=body)

    assert response.status_code == 422
    assert sorted(d["field"] for d in response.json()["details"]) == fields


# ---- change ---------------------------------------------------------------------------------


async def test_change_password_keeps_the_current_session_and_ends_the_others(
    client: httpx.AsyncClient, users: UserFactory
) -> None:
    actor = await users.actor(username="frank")
    other_access, other_refresh = await users.tokens_for(actor.user)

    response = await actor.client.post(
        CHANGE, json={"current_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD}
    )

    assert response.status_code == 200
    assert (await actor.client.get("/api/auth/me")).status_code == 200
    assert (await client.post("/api/auth/refresh", json={"refresh": actor.refresh})).is_success
    other_me = await client.get("/api/auth/me", headers={"Authorization": f"Bearer {other_access}"})
    assert other_me.status_code == 401
    other_refreshed = await client.post("/api/auth/refresh", json={"refresh": other_refresh})
    assert other_refreshed.status_code == 401
    assert await can_log_in(client, actor.user, NEW_PASSWORD)
    assert not await can_log_in(client, actor.user, DEFAULT_PASSWORD)


async def test_change_password_with_a_wrong_current_password_is_403(
    client: httpx.AsyncClient, users: UserFactory
) -> None:
    actor = await users.actor(username="frank")
    other_access, _ = await users.tokens_for(actor.user)

    response = await actor.client.post(
        CHANGE, json={"current_password": "not-my-pass1", "new_password": NEW_PASSWORD}
    )

    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"
    assert await can_log_in(client, actor.user, DEFAULT_PASSWORD)
    other_me = await client.get("/api/auth/me", headers={"Authorization": f"Bearer {other_access}"})
    assert other_me.status_code == 200


async def test_change_to_the_same_password_is_400(users: UserFactory) -> None:
    actor = await users.actor()

    response = await actor.client.post(
        CHANGE, json={"current_password": DEFAULT_PASSWORD, "new_password": DEFAULT_PASSWORD}
    )

    assert response.status_code == 400


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, ["current_password", "new_password"]),
        ({"current_password": DEFAULT_PASSWORD, "new_password": "short1"}, ["new_password"]),
        ({"current_password": DEFAULT_PASSWORD, "new_password": "lettersonly"}, ["new_password"]),
        ({"current_password": "", "new_password": NEW_PASSWORD}, ["current_password"]),
    ],
)
async def test_change_validation_names_each_field(
    users: UserFactory, body: dict[str, Any], fields: list[str]
) -> None:
    actor = await users.actor()

    response = await actor.client.post(CHANGE, json=body)

    assert response.status_code == 422
    assert sorted(d["field"] for d in response.json()["details"]) == fields


async def test_change_password_needs_a_token(client: httpx.AsyncClient) -> None:
    response = await client.post(
        CHANGE, json={"current_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD}
    )

    assert response.status_code == 401


@pytest.mark.committed
async def test_concurrent_uses_of_one_reset_token_let_exactly_one_through(
    client: httpx.AsyncClient, users: UserFactory, rows: Rows
) -> None:
    frank = await users.user(username="frank")
    token = await reset_token(client, rows, frank)
    passwords = [f"racing-pass{n}" for n in range(4)]

    responses = await asyncio.gather(
        *(client.post(RESET, json={"token": token, "password": p}) for p in passwords)
    )

    assert sorted(r.status_code for r in responses) == [200, 400, 400, 400]
    winner = passwords[[r.status_code for r in responses].index(200)]
    assert [p for p in passwords if await can_log_in(client, frank, p)] == [winner]
