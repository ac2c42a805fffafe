"""GET /api/admin/audit-log: admin only, newest first, filters; record() writes in the transaction."""

from __future__ import annotations

import httpx

from oxship.audit import service
from oxship.db import transaction
from oxship.runtime import Runtime
from tests.factories.users import UserFactory


async def test_entries_are_listed_newest_first_with_filters(
    users: UserFactory, runtime: Runtime
) -> None:
    admin = await users.admin()
    other = await users.admin()
    async with transaction(runtime) as session:
        service.record(
            session, actor=admin.user, action="user.ban", target_type="user", target_id="u1"
        )
    async with transaction(runtime) as session:
        service.record(
            session,
            actor=other.user,
            action="chain.suspend",
            target_type="chain",
            target_id="c1",
            reason="spam",
            data={"duration_days": 3},
        )
    body = (await admin.client.get("/api/admin/audit-log")).json()
    assert [e["action"] for e in body["data"]] == ["chain.suspend", "user.ban"]
    newest = body["data"][0]
    assert newest["actor"] == {"id": str(other.user.id), "username": other.user.username}
    assert (newest["reason"], newest["data"]) == ("spam", {"duration_days": 3})
    assert body["pagination"]["total"] == 2
    chains = (
        await admin.client.get("/api/admin/audit-log", params={"target_type": "chain"})
    ).json()
    assert [e["target_id"] for e in chains["data"]] == ["c1"]
    by_actor = await admin.client.get(
        "/api/admin/audit-log", params={"actor_id": str(admin.user.id)}
    )
    assert [e["action"] for e in by_actor.json()["data"]] == ["user.ban"]


async def test_a_rolled_back_action_leaves_no_entry(users: UserFactory, runtime: Runtime) -> None:
    admin = await users.admin()
    try:
        async with transaction(runtime) as session:
            service.record(
                session, actor=admin.user, action="user.ban", target_type="user", target_id="x"
            )
            raise RuntimeError("the action failed")
    except RuntimeError:
        pass
    body = (await admin.client.get("/api/admin/audit-log")).json()
    assert body["data"] == []


async def test_only_admins_read_the_log(users: UserFactory, client: httpx.AsyncClient) -> None:
    assert (await client.get("/api/admin/audit-log")).status_code == 401
    plain = await users.actor()
    assert (await plain.client.get("/api/admin/audit-log")).status_code == 403
    admin = await users.admin()
    assert (
        await admin.client.get("/api/admin/audit-log", params={"actor_id": "x"})
    ).status_code == 422
