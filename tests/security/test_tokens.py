"""Forged, expired, revoked and orphaned access tokens are 401 on every kind of user route."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from typing import Any

import httpx
import jwt
import pytest

from oxship.runtime import Runtime
from tests.factories.users import Actor, UserFactory

INVALID = {"status": "error", "error": "unauthorized", "message": "Invalid or expired token"}
INACTIVE = {"status": "error", "error": "unauthorized", "message": "This account is not active"}


def _claims(token: str) -> dict[str, Any]:
    claims: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return claims


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def alg_none(victim: Actor, attacker: Actor, runtime: Runtime) -> str:
    return f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(_claims(victim.access))}."


def wrong_key(victim: Actor, attacker: Actor, runtime: Runtime) -> str:
    return jwt.encode(_claims(victim.access), "not-the-server-key-" * 3, algorithm="HS256")


def expired(victim: Actor, attacker: Actor, runtime: Runtime) -> str:
    now = int(time.time())
    claims = {**_claims(victim.access), "iat": now - 7200, "exp": now - 1}
    return jwt.encode(claims, runtime.settings.secret_key, algorithm="HS256")


def sub_swapped_signature_kept(victim: Actor, attacker: Actor, runtime: Runtime) -> str:
    """The attacker's own valid token with `sub` rewritten to the victim: the signature no longer fits."""
    header, _, signature = attacker.access.split(".")
    claims = {**_claims(attacker.access), "sub": str(victim.user.id)}
    return f"{header}.{_b64(claims)}.{signature}"


def truncated_signature(victim: Actor, attacker: Actor, runtime: Runtime) -> str:
    return victim.access[:-4]


FORGERIES: list[Callable[[Actor, Actor, Runtime], str]] = [
    alg_none,
    wrong_key,
    expired,
    sub_swapped_signature_kept,
    truncated_signature,
]


async def _user_routes(client: httpx.AsyncClient, token: str, other: Actor) -> list[httpx.Response]:
    auth = {"Authorization": f"Bearer {token}"}
    return [
        await client.get("/api/auth/me", headers=auth),
        await client.get("/api/users/stats", headers=auth),
        await client.get("/api/notifications", headers=auth),
        await client.get("/api/saved/my-saved", headers=auth),
        await client.post(
            "/api/messages/send",
            headers=auth,
            json={"recipient_id": str(other.user.id), "message": "forged"},
        ),
    ]


@pytest.mark.parametrize("forge", FORGERIES, ids=[f.__name__ for f in FORGERIES])
async def test_forged_tokens_are_401(
    client: httpx.AsyncClient,
    users: UserFactory,
    runtime: Runtime,
    forge: Callable[[Actor, Actor, Runtime], str],
) -> None:
    victim = await users.actor()
    attacker = await users.actor()
    token = forge(victim, attacker, runtime)

    responses = await _user_routes(client, token, attacker)

    assert [r.status_code for r in responses] == [401] * len(responses)
    assert all(r.json() == INVALID for r in responses)
    assert all(r.headers["www-authenticate"] == "Bearer" for r in responses)
    inbox = await attacker.client.get("/api/messages/unread-count")
    assert inbox.json()["data"]["unread_count"] == 0  # nothing was sent with the forged token
    assert (await victim.client.get("/api/auth/me")).status_code == 200


async def test_token_of_a_revoked_session_is_401(
    client: httpx.AsyncClient, users: UserFactory
) -> None:
    actor = await users.actor()
    other = await users.actor()
    assert (await actor.client.post("/api/auth/logout")).status_code == 200

    responses = await _user_routes(client, actor.access, other)

    assert [r.status_code for r in responses] == [401] * len(responses)
    assert all(r.json() == INVALID for r in responses)


async def test_token_of_a_deleted_user_is_401(
    client: httpx.AsyncClient, users: UserFactory
) -> None:
    actor = await users.actor()
    other = await users.actor()
    admin = await users.admin()
    deleted = await admin.client.delete(f"/api/admin/users/{actor.user.id}")
    assert deleted.status_code == 200, deleted.text

    responses = await _user_routes(client, actor.access, other)

    assert [r.status_code for r in responses] == [401] * len(responses)
    assert all(r.json() == INACTIVE for r in responses)
