"""Email verification: mailed single-use expiring links, re-sending, and the flag on the account."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.auth.rows import Rows
from tests.factories.users import DEFAULT_PASSWORD, UserFactory

VERIFY = "/api/auth/verify-email"
REQUEST = "/api/auth/verify-email/request"


async def register(client: httpx.AsyncClient) -> dict[str, str]:
    response = await client.post(
        "/api/auth/register",
        json={"email": "hana@example.com", "username": "hana", "password": DEFAULT_PASSWORD},
    )
    assert response.status_code == 201
    user: dict[str, str] = response.json()["data"]["user"]
    return {**user, "access": response.json()["data"]["tokens"]["access"]}


async def test_mailed_token_verifies_the_email(client: httpx.AsyncClient, rows: Rows) -> None:
    user = await register(client)
    token = await rows.mailed_token("hana@example.com", "Verify")

    response = await client.post(VERIFY, json={"token": token})

    assert response.status_code == 200
    assert response.json()["data"]["id"] == user["id"]
    assert response.json()["data"]["email_verified"] is True
    me = await client.get("/api/auth/me", headers={"Authorization": f"Bearer {user['access']}"})
    assert me.json()["data"]["email_verified"] is True
    profile = await client.get("/api/users/hana")
    assert profile.json()["data"]["email_verified"] is True


async def test_verification_link_points_at_the_public_url(
    client: httpx.AsyncClient, rows: Rows
) -> None:
    await register(client)

    [mail] = await rows.mails("hana@example.com")

    assert "http://127.0.0.1:8000/verify-email?token=" in mail.body


async def test_verification_token_is_single_use(client: httpx.AsyncClient, rows: Rows) -> None:
    await register(client)
    token = await rows.mailed_token("hana@example.com", "Verify")
    assert (await client.post(VERIFY, json={"token": token})).status_code == 200

    again = await client.post(VERIFY, json={"token": token})

    assert again.status_code == 400
    assert again.json()["error"] == "bad_request"


async def test_expired_verification_token_is_refused(client: httpx.AsyncClient, rows: Rows) -> None:
    user = await register(client)
    token = await rows.mailed_token("hana@example.com", "Verify")
    await rows.expire_one_time_tokens(uuid.UUID(user["id"]))

    response = await client.post(VERIFY, json={"token": token})

    assert response.status_code == 400
    stored = await rows.users_named("hana")
    assert stored[0].email_verified is False


async def test_a_reset_token_cannot_verify_an_email(
    client: httpx.AsyncClient, users: UserFactory, rows: Rows
) -> None:
    ivan = await users.user(username="ivan")
    assert (await client.post("/api/auth/password/forgot", json={"email": "ivan"})).is_success
    reset_token = await rows.mailed_token(ivan.email, "Reset")

    response = await client.post(VERIFY, json={"token": reset_token})

    assert response.status_code == 400
    stored = await rows.user(ivan.id)
    assert stored is not None
    assert stored.email_verified is False


@pytest.mark.parametrize(
    ("body", "status"),
    [({"token": "made-up"}, 400), ({"token": ""}, 422), ({}, 422), ({"token": "t" * 201}, 422)],
)
async def test_bad_verification_requests(
    client: httpx.AsyncClient, body: dict[str, str], status: int
) -> None:
    response = await client.post(VERIFY, json=body)

    assert response.status_code == status
    if status == 422:
        assert [d["field"] for d in response.json()["details"]] == ["token"]


async def test_request_mails_a_new_working_link(users: UserFactory, rows: Rows) -> None:
    actor = await users.actor(username="ivan")

    response = await actor.client.post(REQUEST)

    assert response.status_code == 200
    token = await rows.mailed_token(actor.user.email, "Verify")
    assert token not in response.text
    verified = await actor.client.post(VERIFY, json={"token": token})
    assert verified.status_code == 200
    assert verified.json()["data"]["email_verified"] is True


async def test_request_when_already_verified_is_409(users: UserFactory, rows: Rows) -> None:
    actor = await users.actor(email_verified=True)

    response = await actor.client.post(REQUEST)

    assert response.status_code == 409
    assert await rows.mails(actor.user.email) == []


async def test_request_needs_a_token(client: httpx.AsyncClient) -> None:
    assert (await client.post(REQUEST)).status_code == 401


async def test_request_is_rate_limited_per_user(users: UserFactory) -> None:
    actor = await users.actor()
    for _ in range(5):
        assert (await actor.client.post(REQUEST)).status_code == 200

    response = await actor.client.post(REQUEST)

    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) >= 1
    other = await users.actor()
    assert (await other.client.post(REQUEST)).status_code == 200


async def test_verifying_a_deleted_account_is_refused(
    client: httpx.AsyncClient, users: UserFactory, rows: Rows
) -> None:
    actor = await users.actor()
    assert (await actor.client.post(REQUEST)).status_code == 200
    token = await rows.mailed_token(actor.user.email, "Verify")
    await rows.set_user(actor.user.id, deleted_at=actor.user.created_at)

    response = await client.post(VERIFY, json={"token": token})

    assert response.status_code == 400
