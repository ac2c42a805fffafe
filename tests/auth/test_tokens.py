"""Access and refresh tokens: /me, rotation, reuse detection, logout, bans, and forged tokens."""

from __future__ import annotations

import asyncio
import base64
import json
import time
import warnings
from collections.abc import Callable
from typing import Any

import httpx
import jwt
import pytest

from oxship.runtime import Runtime
from tests.auth.rows import Rows
from tests.factories.users import Actor, UserFactory

ME = "/api/auth/me"
REFRESH = "/api/auth/refresh"
LOGOUT = "/api/auth/logout"
INVALID = {"status": "error", "error": "unauthorized", "message": "Invalid or expired token"}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def refresh(client: httpx.AsyncClient, token: str) -> httpx.Response:
    return await client.post(REFRESH, json={"refresh": token})


async def me_status(client: httpx.AsyncClient, access: str) -> int:
    return (await client.get(ME, headers=bearer(access))).status_code


# ---- /me ------------------------------------------------------------------------------------


async def test_me_returns_the_caller_with_email_and_roles(users: UserFactory) -> None:
    actor = await users.actor(username="erin", email="erin@example.com", is_validator=True)

    response = await actor.client.get(ME)

    assert response.status_code == 200
    data = response.json()["data"]
    assert data["id"] == str(actor.user.id)
    assert data["username"] == "erin"
    assert data["email"] == "erin@example.com"
    assert data["roles"] == ["validator"]
    assert data["is_validator"] is True
    assert data["created_at"].endswith("Z")


async def test_me_never_returns_the_password_hash(users: UserFactory) -> None:
    actor = await users.admin()

    response = await actor.client.get(ME)

    assert response.status_code == 200
    assert response.json()["data"]["roles"] == ["admin"]
    assert "password" not in response.text
    assert "hash" not in response.text
    assert actor.user.password_hash not in response.text
    assert "$argon2" not in response.text


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer"}, {"Authorization": "Basic dXNlcjpwYXNz"}],
    ids=["none", "empty-bearer", "basic"],
)
async def test_me_requires_a_token(client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    response = await client.get(ME, headers=headers)

    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"
    assert response.headers["WWW-Authenticate"] == "Bearer"


# ---- refresh --------------------------------------------------------------------------------


async def test_refresh_in_the_body_rotates_the_pair(
    client: httpx.AsyncClient, users: UserFactory
) -> None:
    actor = await users.actor()

    response = await refresh(client, actor.refresh)

    assert response.status_code == 200
    tokens = response.json()["data"]["tokens"]
    assert tokens["refresh"] != actor.refresh
    assert tokens["access"] != actor.access
    assert await me_status(client, tokens["access"]) == 200


async def test_refresh_as_bearer_rotates_the_pair(
    client: httpx.AsyncClient, users: UserFactory
) -> None:
    actor = await users.actor()

    response = await client.post(REFRESH, headers=bearer(actor.refresh))

    assert response.status_code == 200
    assert await me_status(client, response.json()["data"]["tokens"]["access"]) == 200


async def test_old_refresh_token_after_rotation_is_401(
    client: httpx.AsyncClient, users: UserFactory
) -> None:
    actor = await users.actor()
    assert (await refresh(client, actor.refresh)).status_code == 200

    replay = await refresh(client, actor.refresh)

    assert replay.status_code == 401
    assert replay.json() == INVALID


async def test_reusing_a_rotated_token_revokes_the_whole_session(
    client: httpx.AsyncClient, users: UserFactory, rows: Rows
) -> None:
    actor = await users.actor()
    rotated = (await refresh(client, actor.refresh)).json()["data"]["tokens"]

    assert (await refresh(client, actor.refresh)).status_code == 401

    assert (await refresh(client, rotated["refresh"])).status_code == 401
    assert await me_status(client, rotated["access"]) == 401
    assert await me_status(client, actor.access) == 401
    [session] = await rows.sessions(actor.user.id)
    assert session.revoked_at is not None


async def test_a_chain_of_rotations_keeps_only_the_newest_token(
    client: httpx.AsyncClient, users: UserFactory
) -> None:
    actor = await users.actor()
    seen = [actor.refresh]
    for _ in range(3):
        response = await refresh(client, seen[-1])
        assert response.status_code == 200
        seen.append(response.json()["data"]["tokens"]["refresh"])

    assert (await refresh(client, seen[1])).status_code == 401
    assert (await refresh(client, seen[-1])).status_code == 401


async def test_refresh_needs_a_token(client: httpx.AsyncClient) -> None:
    for kwargs in ({}, {"json": {}}, {"json": {"refresh": None}}):
        response = await client.post(REFRESH, **kwargs)
        assert response.status_code == 422, kwargs
        assert response.json()["details"] == [
            {"field": "refresh", "message": "A refresh token is required"}
        ]


@pytest.mark.parametrize(
    "token",
    [
        "garbage",
        "not-hex.secret",
        "0123456789abcdef0123456789abcdef.wrong-secret",
        "0123456789abcdef0123456789abcdef",
    ],
)
async def test_refresh_rejects_malformed_or_unknown_tokens(
    client: httpx.AsyncClient, token: str
) -> None:
    response = await refresh(client, token)

    assert response.status_code == 401
    assert response.json() == INVALID


async def test_refresh_rejects_an_over_long_token(client: httpx.AsyncClient) -> None:
    response = await refresh(client, "a" * 201)

    assert response.status_code == 422
    assert response.json()["details"][0]["field"] == "refresh"


async def test_an_access_token_is_not_a_refresh_token(
    client: httpx.AsyncClient, users: UserFactory
) -> None:
    actor = await users.actor()

    as_bearer = await client.post(REFRESH, headers=bearer(actor.access))
    assert as_bearer.status_code == 401
    assert as_bearer.json() == INVALID
    assert await me_status(client, actor.refresh) == 401
    assert await me_status(client, actor.access) == 200


async def test_a_guessed_secret_for_a_real_session_does_not_refresh(
    client: httpx.AsyncClient, users: UserFactory
) -> None:
    actor = await users.actor()
    session_hex = actor.refresh.split(".")[0]

    response = await refresh(client, f"{session_hex}.guessed-secret")

    assert response.status_code == 401


async def test_refresh_of_an_expired_session_is_401(
    client: httpx.AsyncClient, users: UserFactory, rows: Rows
) -> None:
    actor = await users.actor()
    await rows.expire_sessions(actor.user.id)

    assert (await refresh(client, actor.refresh)).status_code == 401
    assert await me_status(client, actor.access) == 401


# ---- logout ---------------------------------------------------------------------------------


async def test_logout_revokes_the_access_and_the_refresh_token(
    client: httpx.AsyncClient, users: UserFactory
) -> None:
    actor = await users.actor()

    response = await actor.client.post(LOGOUT)

    assert response.status_code == 200
    assert response.json()["data"] == {"ok": True}
    assert await me_status(client, actor.access) == 401
    assert (await refresh(client, actor.refresh)).status_code == 401
    assert (await actor.client.post(LOGOUT)).status_code == 401


async def test_logout_revokes_tokens_obtained_by_refresh(
    client: httpx.AsyncClient, users: UserFactory
) -> None:
    actor = await users.actor()
    rotated = (await refresh(client, actor.refresh)).json()["data"]["tokens"]

    assert (await client.post(LOGOUT, headers=bearer(rotated["access"]))).status_code == 200

    assert (await refresh(client, rotated["refresh"])).status_code == 401
    assert await me_status(client, actor.access) == 401


async def test_logout_leaves_the_users_other_sessions_alone(
    client: httpx.AsyncClient, users: UserFactory
) -> None:
    actor = await users.actor()
    other_access, other_refresh = await users.tokens_for(actor.user)

    assert (await actor.client.post(LOGOUT)).status_code == 200

    assert await me_status(client, other_access) == 200
    assert (await refresh(client, other_refresh)).status_code == 200


async def test_logout_needs_a_token(client: httpx.AsyncClient) -> None:
    response = await client.post(LOGOUT)

    assert response.status_code == 401


# ---- banned and deleted users ---------------------------------------------------------------


async def test_token_issued_before_a_ban_is_401(users: UserFactory, rows: Rows) -> None:
    actor = await users.actor(username="mallory")
    assert (await actor.client.get(ME)).status_code == 200

    await rows.ban(actor.user.id)

    response = await actor.client.get(ME)
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"
    assert (await actor.client.put("/api/users/profile", json={"bio": "x"})).status_code == 401
    assert (await actor.client.get("/api/users/mallory")).status_code == 401


async def test_refresh_of_a_banned_user_is_401_and_ends_the_session(
    client: httpx.AsyncClient, users: UserFactory, rows: Rows
) -> None:
    actor = await users.actor()
    await rows.ban(actor.user.id)

    assert (await refresh(client, actor.refresh)).status_code == 401

    await rows.set_user(actor.user.id, is_active=True)
    assert (await refresh(client, actor.refresh)).status_code == 401
    assert await me_status(client, actor.access) == 401


async def test_token_of_a_deleted_user_is_401(
    client: httpx.AsyncClient, users: UserFactory, rows: Rows
) -> None:
    actor = await users.actor()
    await rows.set_user(actor.user.id, deleted_at=actor.user.created_at)

    assert (await actor.client.get(ME)).status_code == 401
    assert (await refresh(client, actor.refresh)).status_code == 401


# ---- forged tokens --------------------------------------------------------------------------


def _claims(token: str) -> dict[str, Any]:
    claims: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return claims


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def alg_none(actor: Actor, runtime: Runtime) -> str:
    header = _b64({"alg": "none", "typ": "JWT"})
    return f"{header}.{_b64(_claims(actor.access))}."


def alg_none_keeping_signature(actor: Actor, runtime: Runtime) -> str:
    _, payload, signature = actor.access.split(".")
    return f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{payload}.{signature}"


def wrong_key(actor: Actor, runtime: Runtime) -> str:
    return jwt.encode(_claims(actor.access), "x" * 48, algorithm="HS256")


def other_algorithm(actor: Actor, runtime: Runtime) -> str:
    with warnings.catch_warnings():  # the test key is short for SHA-512; irrelevant here
        warnings.simplefilter("ignore")
        return jwt.encode(_claims(actor.access), runtime.settings.secret_key, algorithm="HS512")


def expired(actor: Actor, runtime: Runtime) -> str:
    now = int(time.time())
    claims = {**_claims(actor.access), "iat": now - 7200, "exp": now - 60}
    return jwt.encode(claims, runtime.settings.secret_key, algorithm="HS256")


def tampered_payload(actor: Actor, runtime: Runtime) -> str:
    header, _, signature = actor.access.split(".")
    claims = {**_claims(actor.access), "exp": int(time.time()) + 10 * 86_400}
    return f"{header}.{_b64(claims)}.{signature}"


def tampered_signature(actor: Actor, runtime: Runtime) -> str:
    head, _, signature = actor.access.rpartition(".")
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    return f"{head}.{flipped}"


def not_an_access_token(actor: Actor, runtime: Runtime) -> str:
    claims = {**_claims(actor.access), "typ": "refresh"}
    return jwt.encode(claims, runtime.settings.secret_key, algorithm="HS256")


def without_session(actor: Actor, runtime: Runtime) -> str:
    claims = {k: v for k, v in _claims(actor.access).items() if k != "sid"}
    return jwt.encode(claims, runtime.settings.secret_key, algorithm="HS256")


def not_a_jwt(actor: Actor, runtime: Runtime) -> str:
    return "definitely-not-a-token"


FORGERIES: list[Callable[[Actor, Runtime], str]] = [
    alg_none,
    alg_none_keeping_signature,
    wrong_key,
    other_algorithm,
    expired,
    tampered_payload,
    tampered_signature,
    not_an_access_token,
    without_session,
    not_a_jwt,
]


@pytest.mark.parametrize("forge", FORGERIES, ids=[f.__name__ for f in FORGERIES])
async def test_forged_token_is_401_on_user_routes(
    client: httpx.AsyncClient,
    users: UserFactory,
    runtime: Runtime,
    forge: Callable[[Actor, Runtime], str],
) -> None:
    actor = await users.actor()
    token = forge(actor, runtime)

    me = await client.get(ME, headers=bearer(token))
    update = await client.put("/api/users/profile", headers=bearer(token), json={"bio": "pwned"})

    assert me.status_code == 401
    assert me.json() == INVALID
    assert update.status_code == 401
    assert await me_status(client, actor.access) == 200


@pytest.mark.parametrize("forge", FORGERIES, ids=[f.__name__ for f in FORGERIES])
async def test_forged_token_is_anonymous_on_public_routes(
    client: httpx.AsyncClient,
    users: UserFactory,
    runtime: Runtime,
    forge: Callable[[Actor, Runtime], str],
) -> None:
    actor = await users.actor(username="victim", email="victim@example.com")
    token = forge(actor, runtime)

    response = await client.get("/api/users/victim", headers=bearer(token))

    assert response.status_code == 200
    assert response.json()["data"]["username"] == "victim"
    assert "email" not in response.json()["data"]
    assert "victim@example.com" not in response.text


async def test_a_valid_token_for_a_session_of_another_user_is_401(
    client: httpx.AsyncClient, users: UserFactory, runtime: Runtime
) -> None:
    victim = await users.actor()
    attacker = await users.actor()
    claims = {**_claims(attacker.access), "sub": str(victim.user.id)}
    token = jwt.encode(claims, runtime.settings.secret_key, algorithm="HS256")

    assert await me_status(client, token) == 401


@pytest.mark.committed
async def test_concurrent_refreshes_of_one_token_let_exactly_one_through(
    client: httpx.AsyncClient, users: UserFactory
) -> None:
    actor = await users.actor()

    responses = await asyncio.gather(*(refresh(client, actor.refresh) for _ in range(4)))

    assert sorted(r.status_code for r in responses) == [200, 401, 401, 401]
