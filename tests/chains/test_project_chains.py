"""A project's chains: `chain_ids` on creation, `chains[]` in project JSON, chain deletion."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import func, select, update

from oxship.kit.clock import utcnow
from oxship.models import (
    Chain,
    ChainFollower,
    ChainProject,
    ChainProjectRequest,
    Notification,
    Project,
)
from oxship.runtime import Runtime
from tests.chains.conftest import make_chain
from tests.factories.users import Actor, UserFactory

BODY: dict[str, Any] = {"title": "Chained project", "description": "d" * 50}


async def _create(actor: Actor, chain_ids: list[Any]) -> httpx.Response:
    return await actor.client.post(
        "/api/projects", json={**BODY, "chain_ids": [str(c) for c in chain_ids]}
    )


async def _count(runtime: Runtime, stmt: Any) -> int:
    async with runtime.sessionmaker() as session:
        return int(await session.scalar(stmt) or 0)


async def test_chain_ids_add_or_request_with_the_chain_rules(
    users: UserFactory, runtime: Runtime
) -> None:
    builder = await users.actor()
    curator = await users.actor()
    fan = await users.actor()
    open_chain = await make_chain(curator.client, "Open chain")
    gated = await make_chain(curator.client, "Gated chain", requires_approval=True)
    assert (await fan.client.post(f"/api/chains/{open_chain['slug']}/follow")).status_code == 200

    response = await _create(builder, [open_chain["id"], gated["id"], open_chain["id"]])
    assert response.status_code == 201, response.text
    project = response.json()["data"]
    results = {r["chain_slug"]: r for r in project["chain_results"]}
    assert results["open-chain"]["status"] == "added"
    assert results["open-chain"]["request_id"] is None
    assert results["gated-chain"]["status"] == "pending"
    assert [c["slug"] for c in project["chains"]] == ["open-chain"]

    pid = uuid.UUID(project["id"])
    assert await _count(runtime, select(Chain.project_count).where(Chain.slug == "open-chain")) == 1
    pending = select(func.count()).where(
        ChainProjectRequest.project_id == pid,
        ChainProjectRequest.status == "pending",
        ChainProjectRequest.id == uuid.UUID(results["gated-chain"]["request_id"]),
    )
    assert await _count(runtime, pending) == 1
    fan_notes = select(func.count()).where(
        Notification.user_id == fan.user.id, Notification.type == "chain_new_project"
    )
    assert await _count(runtime, fan_notes) == 1
    curator_requests = select(func.count()).where(
        Notification.user_id == curator.user.id, Notification.type == "chain_project_request"
    )
    assert await _count(runtime, curator_requests) == 1


async def test_without_chain_ids_the_results_are_empty(users: UserFactory) -> None:
    builder = await users.actor()
    response = await builder.client.post("/api/projects", json=BODY)
    assert response.status_code == 201
    assert response.json()["data"]["chain_results"] == []
    assert response.json()["data"]["chains"] == []


async def test_an_unusable_chain_rolls_the_whole_creation_back(
    users: UserFactory, runtime: Runtime
) -> None:
    builder = await users.actor()
    curator = await users.actor()
    fine = await make_chain(curator.client, "Fine chain")
    private = await make_chain(curator.client, "Hidden chain", is_public=False)
    frozen = await make_chain(curator.client, "Frozen chain")
    async with runtime.sessionmaker() as session:
        await session.execute(
            update(Chain)
            .where(Chain.slug == frozen["slug"])
            .values(status="suspended", suspended_until=utcnow() + timedelta(days=1))
        )
        await session.commit()

    cases = [(uuid.uuid4(), 404), (private["id"], 404), (frozen["id"], 403)]
    for chain_id, status in cases:
        response = await _create(builder, [fine["id"], chain_id])
        assert response.status_code == status, response.text
    owned = select(func.count()).select_from(Project).where(Project.user_id == builder.user.id)
    assert await _count(runtime, owned) == 0
    assert await _count(runtime, select(func.count()).select_from(ChainProject)) == 0
    assert await _count(runtime, select(Chain.project_count).where(Chain.slug == "fine-chain")) == 0


async def test_project_json_lists_its_public_chains_pinned_first(
    users: UserFactory, client: httpx.AsyncClient, runtime: Runtime
) -> None:
    builder = await users.actor()
    curator = await users.actor()
    first = await make_chain(curator.client, "First chain", logo_url="https://img.example/1.png")
    second = await make_chain(curator.client, "Second chain")
    private = await make_chain(curator.client, "Private chain", is_public=False)
    async with runtime.sessionmaker() as session:  # followers of a private chain see it
        session.add(
            ChainFollower(
                chain_id=uuid.UUID(private["id"]), user_id=builder.user.id, created_at=utcnow()
            )
        )
        await session.commit()
    response = await _create(builder, [first["id"], second["id"], private["id"]])
    assert response.status_code == 201, response.text
    pid = response.json()["data"]["id"]

    detail = (await client.get(f"/api/projects/{pid}")).json()["data"]
    assert detail["chains"] == [
        {
            "id": first["id"],
            "name": "First chain",
            "slug": "first-chain",
            "logo_url": "https://img.example/1.png",
            "is_pinned": False,
        },
        {
            "id": second["id"],
            "name": "Second chain",
            "slug": "second-chain",
            "logo_url": None,
            "is_pinned": False,
        },
    ]

    pin = await curator.client.post(f"/api/chains/second-chain/projects/{pid}/pin")
    assert pin.status_code == 200
    detail = (await client.get(f"/api/projects/{pid}")).json()["data"]
    assert [(c["slug"], c["is_pinned"]) for c in detail["chains"]] == [
        ("second-chain", True),
        ("first-chain", False),
    ]
    feed = (await client.get("/api/projects")).json()["data"]
    assert [c["slug"] for c in feed[0]["chains"]] == ["second-chain", "first-chain"]

    renamed = await curator.client.put("/api/chains/first-chain", json={"name": "Renamed chain"})
    assert renamed.status_code == 200
    detail = (await client.get(f"/api/projects/{pid}")).json()["data"]
    assert {c["name"] for c in detail["chains"]} == {"Second chain", "Renamed chain"}
    mine = (await client.get(f"/api/users/{builder.user.id}/projects")).json()["data"]
    assert {c["name"] for c in mine[0]["chains"]} == {"Second chain", "Renamed chain"}

    assert (await curator.client.delete("/api/chains/second-chain")).status_code == 200
    detail = (await client.get(f"/api/projects/{pid}")).json()["data"]
    assert [c["slug"] for c in detail["chains"]] == ["first-chain"]
    feed = (await client.get("/api/projects")).json()["data"]
    assert [c["slug"] for c in feed[0]["chains"]] == ["first-chain"]

    removed = await builder.client.delete(f"/api/chains/first-chain/projects/{pid}")
    assert removed.status_code == 200
    assert (await client.get(f"/api/projects/{pid}")).json()["data"]["chains"] == []


async def test_deleting_a_chain_notifies_its_followers_but_not_the_owner(
    users: UserFactory, runtime: Runtime
) -> None:
    owner = await users.actor()
    fans = [await users.actor() for _ in range(3)]
    chain = await make_chain(owner.client, "Doomed chain")
    for fan in fans:
        assert (await fan.client.post(f"/api/chains/{chain['slug']}/follow")).status_code == 200
    assert (await owner.client.delete(f"/api/chains/{chain['slug']}")).status_code == 200
    async with runtime.sessionmaker() as session:
        rows = (
            await session.scalars(
                select(Notification).where(Notification.message == "Doomed chain was deleted")
            )
        ).all()
    assert sorted(n.user_id for n in rows) == sorted(f.user.id for f in fans)
    assert {n.type for n in rows} == {"system"}
    assert {n.data["event"] for n in rows} == {"chain_deleted"}
    assert {n.data["chain_id"] for n in rows} == {chain["id"]}
