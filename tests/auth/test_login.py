"""POST /api/auth/login: identifiers, one answer for every bad credential, bans, rate limits."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher

from oxship.runtime import Runtime
from tests.auth.rows import Rows
from tests.factories.users import DEFAULT_PASSWORD, UserFactory

LOGIN = "/api/auth/login"


async def login(client: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    return await client.post(LOGIN, json={"email": email, "password": password})


@pytest.mark.parametrize(
    "identifier",
    ["carol", "CAROL", "  Carol ", "carol@example.com", "Carol@EXAMPLE.com", " CAROL@example.COM "],
)
async def test_login_by_username_or_email_in_any_case(
    client: httpx.AsyncClient, users: UserFactory, identifier: str
) -> None:
    carol = await users.user(username="carol", email="carol@example.com")

    response = await login(client, identifier, DEFAULT_PASSWORD)

    assert response.status_code == 200
    data = response.json()["data"]
    assert data["user"]["id"] == str(carol.id)
    assert data["user"]["email"] == "carol@example.com"
    assert data["tokens"]["token_type"] == "bearer"
    me = await client.get(
        "/api/auth/me", headers={"Authorization": f"Bearer {data['tokens']['access']}"}
    )
    assert me.status_code == 200
    assert me.json()["data"]["id"] == str(carol.id)


async def test_each_login_opens_its_own_session(
    client: httpx.AsyncClient, users: UserFactory, rows: Rows
) -> None:
    carol = await users.user(username="carol")

    first = await login(client, "carol", DEFAULT_PASSWORD)
    second = await login(client, "carol", DEFAULT_PASSWORD)

    assert first.json()["data"]["tokens"] != second.json()["data"]["tokens"]
    assert len(await rows.sessions(carol.id)) == 2


async def test_login_response_never_contains_the_password_hash(
    client: httpx.AsyncClient, users: UserFactory
) -> None:
    carol = await users.user(username="carol")

    response = await login(client, "carol", DEFAULT_PASSWORD)

    assert response.status_code == 200
    assert "password" not in response.text
    assert carol.password_hash not in response.text
    assert "argon2" not in response.text


async def test_unknown_user_and_wrong_password_get_the_same_401(
    client: httpx.AsyncClient, users: UserFactory
) -> None:
    await users.user(username="carol", email="carol@example.com")

    unknown_name = await login(client, "nobody", DEFAULT_PASSWORD)
    unknown_email = await login(client, "nobody@example.com", DEFAULT_PASSWORD)
    wrong_password = await login(client, "carol", "wrong-password1")
    wrong_password_by_email = await login(client, "carol@example.com", "wrong-password1")

    responses = [unknown_name, unknown_email, wrong_password, wrong_password_by_email]
    assert {r.status_code for r in responses} == {401}
    assert unknown_name.json() == {
        "status": "error",
        "error": "unauthorized",
        "message": "Invalid email/username or password",
    }
    assert all(r.content == unknown_name.content for r in responses)
    assert {r.headers["WWW-Authenticate"] for r in responses} == {"Bearer"}


async def test_unknown_user_still_costs_a_password_verification(
    client: httpx.AsyncClient, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    verified: list[str | None] = []
    real_verify = runtime.passwords.verify

    async def spy(password_hash: str | None, password: str) -> bool:
        verified.append(password_hash)
        return await real_verify(password_hash, password)

    monkeypatch.setattr(runtime.passwords, "verify", spy)

    response = await login(client, "nobody", DEFAULT_PASSWORD)

    assert response.status_code == 401
    assert verified == [None]


async def test_soft_deleted_user_cannot_log_in_and_looks_unknown(
    client: httpx.AsyncClient, users: UserFactory, rows: Rows
) -> None:
    carol = await users.user(username="carol")
    await rows.set_user(carol.id, deleted_at=carol.created_at)

    deleted = await login(client, "carol", DEFAULT_PASSWORD)
    unknown = await login(client, "nobody", DEFAULT_PASSWORD)

    assert deleted.status_code == 401
    assert deleted.content == unknown.content


async def test_banned_user_with_the_right_password_gets_403(
    client: httpx.AsyncClient, users: UserFactory, rows: Rows
) -> None:
    carol = await users.user(username="carol")
    await rows.ban(carol.id)

    response = await login(client, "carol", DEFAULT_PASSWORD)

    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"
    assert "tokens" not in response.text
    assert await rows.sessions(carol.id) == []


async def test_banned_user_with_a_wrong_password_gets_the_plain_401(
    client: httpx.AsyncClient, users: UserFactory, rows: Rows
) -> None:
    carol = await users.user(username="carol")
    await rows.ban(carol.id)

    response = await login(client, "carol", "wrong-password1")

    assert response.status_code == 401
    assert response.json()["message"] == "Invalid email/username or password"


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, ["email", "password"]),
        ({"email": "carol"}, ["password"]),
        ({"email": "", "password": "x"}, ["email"]),
        ({"email": "   ", "password": "x"}, ["email"]),
        ({"email": "carol", "password": ""}, ["password"]),
        ({"email": "carol", "password": "p" * 129}, ["password"]),
        ({"email": "c" * 321, "password": "x"}, ["email"]),
        ({"email": ["carol"], "password": "x"}, ["email"]),
        ({"email": "car\x00ol", "password": "x"}, ["email"]),
    ],
)
async def test_login_validation_names_each_field(
    client: httpx.AsyncClient, body: dict[str, Any], fields: list[str]
) -> None:
    response = await client.post(LOGIN, json=body)

    assert response.status_code == 422
    assert response.json()["error"] == "validation_error"
    assert sorted(d["field"] for d in response.json()["details"]) == fields


async def test_rehashes_a_password_made_with_weaker_parameters(
    client: httpx.AsyncClient, users: UserFactory, rows: Rows
) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=512, parallelism=1).hash(DEFAULT_PASSWORD)
    carol = await users.user(username="carol", password_hash=weak)

    response = await login(client, "carol", DEFAULT_PASSWORD)

    assert response.status_code == 200
    stored = await rows.user(carol.id)
    assert stored is not None
    assert stored.password_hash != weak
    assert (await login(client, "carol", DEFAULT_PASSWORD)).status_code == 200


class TestAccountLimit:
    @pytest.fixture
    def settings_overrides(self) -> dict[str, Any]:
        return {"rate_limit_login_account": "3/minute", "rate_limit_login_ip": "100/minute"}

    async def test_429_with_retry_after_past_the_account_limit(
        self, client: httpx.AsyncClient, users: UserFactory
    ) -> None:
        await users.user(username="carol")
        for _ in range(3):
            assert (await login(client, "carol", "wrong-password1")).status_code == 401

        response = await login(client, "carol", DEFAULT_PASSWORD)

        assert response.status_code == 429
        body = response.json()
        assert body["status"] == "error"
        assert body["error"] == "rate_limited"
        assert "tokens" not in response.text
        retry_after = response.headers["Retry-After"]
        assert retry_after.isdigit()
        assert 1 <= int(retry_after) <= 60

    async def test_the_account_limit_spans_letter_case_and_username_or_email(
        self, client: httpx.AsyncClient, users: UserFactory
    ) -> None:
        await users.user(username="carol", email="carol@example.com")
        for identifier in ("carol", "CAROL@example.com", " Carol "):
            assert (await login(client, identifier, "wrong-password1")).status_code == 401

        response = await login(client, "carol@example.com", DEFAULT_PASSWORD)

        assert response.status_code == 429

    async def test_the_account_limit_does_not_touch_other_accounts(
        self, client: httpx.AsyncClient, users: UserFactory
    ) -> None:
        await users.user(username="carol")
        await users.user(username="dave")
        for _ in range(4):
            await login(client, "carol", "wrong-password1")

        response = await login(client, "dave", DEFAULT_PASSWORD)

        assert response.status_code == 200

    async def test_unknown_accounts_are_limited_too(self, client: httpx.AsyncClient) -> None:
        for _ in range(3):
            assert (await login(client, "nobody", "wrong-password1")).status_code == 401

        response = await login(client, "nobody", "wrong-password1")

        assert response.status_code == 429


class TestIpLimit:
    @pytest.fixture
    def settings_overrides(self) -> dict[str, Any]:
        return {"rate_limit_login_account": "100/minute", "rate_limit_login_ip": "3/minute"}

    async def test_429_with_retry_after_past_the_ip_limit_across_accounts(
        self, client: httpx.AsyncClient, users: UserFactory
    ) -> None:
        await users.user(username="zed")
        for name in ("carol", "dave", "erin"):
            assert (await login(client, name, "wrong-password1")).status_code == 401

        response = await login(client, "zed", DEFAULT_PASSWORD)

        assert response.status_code == 429
        assert response.json()["error"] == "rate_limited"
        assert int(response.headers["Retry-After"]) >= 1


@pytest.mark.parametrize("settings_overrides", [{"rate_limit_enabled": False}])
async def test_limits_can_be_switched_off(client: httpx.AsyncClient, users: UserFactory) -> None:
    await users.user(username="carol")
    for _ in range(25):
        assert (await login(client, "carol", "wrong-password1")).status_code == 401

    assert (await login(client, "carol", DEFAULT_PASSWORD)).status_code == 200
