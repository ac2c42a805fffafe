"""Admin chain moderation: list, ban, suspend, unban, delete, feature, logs (API §3.22, §3.11)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import update

from oxship.kit.clock import utcnow
from oxship.models import Chain
from oxship.runtime import Runtime
from tests.chains.conftest import make_chain
from tests.factories.projects import ProjectFactory
from tests.factories.users import Actor, UserFactory

CHAINS = "/api/admin/chains"


@pytest.fixture
async def admin(users: UserFactory) -> Actor:
    return await users.admin()


@pytest.fixture
async def owner(users: UserFactory) -> Actor:
    return await users.actor()


async def _set_until(runtime: Runtime, slug: str, until: Any) -> None:
    async with runtime.sessionmaker() as session:
        await session.execute(update(Chain).where(Chain.slug == slug).values(suspended_until=until))
        await session.commit()


async def test_list_includes_private_chains_and_filters_by_effective_status(
    admin: Actor, owner: Actor, runtime: Runtime
) -> None:
    public = await make_chain(owner.client, "Open builders")
    private = await make_chain(owner.client, "Secret builders", is_public=False)
    banned = await make_chain(owner.client, "Banned builders")
    lapsed = await make_chain(owner.client, "Lapsed 50% builders")
    await admin.client.post(f"{CHAINS}/{banned['slug']}/ban", json={"reason": "spam"})
    await admin.client.post(
        f"{CHAINS}/{lapsed['slug']}/suspend", json={"reason": "cool off", "duration_days": 1}
    )
    await admin.client.post(
        f"{CHAINS}/{private['slug']}/suspend", json={"reason": "cool off", "duration_days": 3}
    )
    await _set_until(runtime, lapsed["slug"], utcnow() - timedelta(seconds=1))

    async def slugs(**params: Any) -> set[str]:
        body = (await admin.client.get(CHAINS, params=params)).json()
        return {c["slug"] for c in body["data"]}

    assert await slugs() == {public["slug"], private["slug"], banned["slug"], lapsed["slug"]}
    assert await slugs(status="active") == {public["slug"], lapsed["slug"]}
    assert await slugs(status="suspended") == {private["slug"]}
    assert await slugs(status="banned") == {banned["slug"]}
    assert await slugs(search="SECRET") == {private["slug"]}
    assert await slugs(search="50%") == {lapsed["slug"]}
    assert await slugs(search="5%") == set()
    assert (await admin.client.get(CHAINS, params={"status": "gone"})).status_code == 422
    listed = (await admin.client.get(CHAINS, params={"search": "lapsed"})).json()["data"]
    assert listed[0]["status"] == "active"  # a passed suspension reads as active


@pytest.mark.parametrize("per_page", [1, 20, 100])
async def test_list_runs_fixed_statements(
    admin: Actor, owner: Actor, query_count: Callable[[int], Any], per_page: int
) -> None:
    for i in range(3):
        await make_chain(owner.client, f"Counted chain {i}")
    # token session, total, rows
    with query_count(3):
        response = await admin.client.get(CHAINS, params={"per_page": per_page})
    assert len(response.json()["data"]) == min(per_page, 3)


async def test_suspended_chain_refuses_follows_and_adds_until_its_time_passes(
    admin: Actor,
    owner: Actor,
    users: UserFactory,
    projects: ProjectFactory,
    runtime: Runtime,
    audit_entries: Any,
) -> None:
    chain = await make_chain(owner.client, "Suspendable chain")
    slug = chain["slug"]
    fan = await users.actor()
    maker = await users.actor()
    project_id = await projects.project_id(maker.user)
    add = {"project_id": str(project_id)}

    response = await admin.client.post(
        f"{CHAINS}/{slug}/suspend", json={"reason": "Too much spam", "duration_days": 7}
    )

    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["status"] == "suspended"
    assert data["suspended_until"] is not None
    assert (await fan.client.post(f"/api/chains/{slug}/follow")).status_code == 403
    assert (await maker.client.post(f"/api/chains/{slug}/projects", json=add)).status_code == 403
    assert (await admin.client.post(f"/api/chains/{slug}/follow")).status_code == 200
    notes = (await owner.client.get("/api/notifications", params={"types": "system"})).json()
    assert [n["data"]["event"] for n in notes["data"]] == ["chain_suspended"]
    (entry,) = await audit_entries("chain.suspend")
    assert entry.reason == "Too much spam"
    assert entry.data["duration_days"] == 7

    await _set_until(runtime, slug, utcnow() - timedelta(seconds=1))

    assert (await fan.client.post(f"/api/chains/{slug}/follow")).status_code == 200
    added = await maker.client.post(f"/api/chains/{slug}/projects", json=add)
    assert added.status_code == 201
    detail = (await fan.client.get(f"/api/chains/{slug}")).json()["data"]
    assert detail["status"] == "active"
    # The suspension has ended, so there is nothing to lift.
    assert (await admin.client.post(f"{CHAINS}/{slug}/unban")).status_code == 409


async def test_ban_and_unban(
    admin: Actor, owner: Actor, users: UserFactory, client: Any, audit_entries: Any
) -> None:
    chain = await make_chain(owner.client, "Bannable chain")
    slug = chain["slug"]
    fan = await users.actor()
    assert (await client.get(f"/api/chains/{slug}")).json()["data"]["status"] == "active"
    assert (await client.get("/api/chains")).json()["data"][0]["status"] == "active"

    banned = await admin.client.post(f"{CHAINS}/{slug}/ban", json={"reason": "Scam links"})

    assert banned.status_code == 200
    assert banned.json()["data"]["status"] == "banned"
    assert (await client.get(f"/api/chains/{slug}")).json()["data"]["status"] == "banned"
    assert (await client.get("/api/chains")).json()["data"][0]["status"] == "banned"
    assert (await fan.client.post(f"/api/chains/{slug}/follow")).status_code == 403
    assert (await owner.client.put(f"/api/chains/{slug}", json={"rules": "x"})).status_code == 403
    again = await admin.client.post(f"{CHAINS}/{slug}/ban", json={"reason": "again"})
    assert again.status_code == 409
    suspend = await admin.client.post(
        f"{CHAINS}/{slug}/suspend", json={"reason": "softer", "duration_days": 2}
    )
    assert suspend.status_code == 409
    notes = (await owner.client.get("/api/notifications", params={"types": "system"})).json()
    assert [n["data"]["event"] for n in notes["data"]] == ["chain_banned"]
    assert notes["data"][0]["data"]["reason"] == "Scam links"

    lifted = await admin.client.post(f"{CHAINS}/{slug}/unban")

    assert lifted.status_code == 200
    assert lifted.json()["data"]["status"] == "active"
    assert (await fan.client.post(f"/api/chains/{slug}/follow")).status_code == 200
    assert (await admin.client.post(f"{CHAINS}/{slug}/unban")).status_code == 409
    assert [e.action for e in await audit_entries()] == ["chain.ban", "chain.unban"]


async def test_moderation_input_is_validated(admin: Actor, owner: Actor) -> None:
    slug = (await make_chain(owner.client, "Validated chain"))["slug"]
    for body in (
        {"reason": "x", "duration_days": 0},
        {"reason": "x", "duration_days": 366},
        {"reason": "x", "duration_days": "soon"},
        {"reason": "", "duration_days": 3},
        {"duration_days": 3},
    ):
        response = await admin.client.post(f"{CHAINS}/{slug}/suspend", json=body)
        assert response.status_code == 422, body
    assert (await admin.client.post(f"{CHAINS}/{slug}/ban", json={})).status_code == 422
    for path in ("ban", "suspend", "unban", "feature", "logs"):
        method = "GET" if path == "logs" else "POST"
        body = {"reason": "x", "duration_days": 3}
        missing = await admin.client.request(method, f"{CHAINS}/no-such-chain/{path}", json=body)
        assert missing.status_code == 404, path
    assert (await admin.client.delete(f"{CHAINS}/no-such-chain")).status_code == 404


async def test_delete_feature_and_logs(
    admin: Actor, owner: Actor, users: UserFactory, client: Any
) -> None:
    chain = await make_chain(owner.client, "Logged chain", is_public=False)
    other = await make_chain(owner.client, "Other logged chain")
    slug = chain["slug"]

    featured = await admin.client.post(f"{CHAINS}/{slug}/feature")
    assert featured.json()["data"] == {"is_featured": True}
    await admin.client.post(f"{CHAINS}/{other['slug']}/ban", json={"reason": "nope"})
    await admin.client.post(
        f"{CHAINS}/{slug}/suspend", json={"reason": "cool off", "duration_days": 1}
    )
    deleted = await admin.client.delete(f"{CHAINS}/{slug}")
    assert deleted.status_code == 200
    assert (await owner.client.get(f"/api/chains/{slug}")).status_code == 404
    assert (await admin.client.delete(f"{CHAINS}/{slug}")).status_code == 404

    logs = (await admin.client.get(f"{CHAINS}/{slug}/logs")).json()
    assert [e["action"] for e in logs["data"]] == ["chain.delete", "chain.suspend", "chain.feature"]
    assert logs["data"][1]["reason"] == "cool off"
    assert logs["data"][0]["actor"]["id"] == str(admin.user.id)
    everything = (
        await admin.client.get(f"{CHAINS}/moderation-logs", params={"per_page": 2})
    ).json()
    assert everything["pagination"]["total"] == 4
    assert len(everything["data"]) == 2
    audit = (await admin.client.get("/api/admin/audit-log", params={"target_type": "chain"})).json()
    assert audit["pagination"]["total"] == 4
