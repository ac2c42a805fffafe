"""Projects in chains: add (instant or by request), limits, remove, pin, requests, notifications."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from oxship.kit.clock import utcnow
from oxship.models import Chain, ChainFollower, ChainProject, Notification, User
from oxship.runtime import Runtime
from tests.chains.conftest import make_chain
from tests.factories.projects import ProjectFactory
from tests.factories.users import Actor, UserFactory
from tests.support.queries import count_queries


async def _add(actor: Actor, slug: str, project_id: uuid.UUID, **body: Any) -> Any:
    return await actor.client.post(
        f"/api/chains/{slug}/projects", json={"project_id": str(project_id), **body}
    )


async def _notes(runtime: Runtime, user_id: uuid.UUID, type: str) -> list[Notification]:
    async with runtime.sessionmaker() as session:
        stmt = select(Notification).where(
            Notification.user_id == user_id, Notification.type == type
        )
        return list((await session.scalars(stmt)).all())


async def _project_count(runtime: Runtime, slug: str) -> int:
    async with runtime.sessionmaker() as session:
        value = await session.scalar(select(Chain.project_count).where(Chain.slug == slug))
    return int(value or 0)


async def test_owner_adds_a_project_instantly(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime
) -> None:
    owner = await users.actor()
    chain = await make_chain(owner.client, "Instant chain")
    maker = await users.actor()
    project_id = await projects.project_id(maker.user)
    response = await _add(maker, chain["slug"], project_id)
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    assert data["status"] == "added"
    assert data["project_count"] == 1
    assert data["chain_metadata"]["is_pinned"] is False
    assert data["chain_metadata"]["added_by"] == str(maker.user.id)
    assert await _project_count(runtime, chain["slug"]) == 1
    again = await _add(maker, chain["slug"], project_id)
    assert again.status_code == 409
    # Own action: no project_added_to_chain for the maker.
    assert await _notes(runtime, maker.user.id, "project_added_to_chain") == []


async def test_only_the_project_owner_may_add(users: UserFactory, projects: ProjectFactory) -> None:
    owner = await users.actor()
    chain = await make_chain(owner.client, "Strict chain")
    maker = await users.actor()
    project_id = await projects.project_id(maker.user)
    response = await _add(owner, chain["slug"], project_id)
    assert response.status_code == 403
    missing = await _add(maker, chain["slug"], uuid.uuid4())
    assert missing.status_code == 404
    nochain = await _add(maker, "no-such-chain", project_id)
    assert nochain.status_code == 404


async def test_admin_adds_someone_elses_project_and_the_owner_is_told(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime
) -> None:
    owner = await users.actor()
    chain = await make_chain(owner.client, "Admin chain", requires_approval=True)
    maker = await users.actor()
    project_id = await projects.project_id(maker.user)
    admin = await users.admin()
    response = await _add(admin, chain["slug"], project_id)
    assert response.status_code == 201, response.text
    assert len(await _notes(runtime, maker.user.id, "project_added_to_chain")) == 1


async def test_sixth_chain_is_refused(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime
) -> None:
    owner = await users.actor()
    maker = await users.actor()
    project_id = await projects.project_id(maker.user)
    chains = [await make_chain(owner.client, f"Limit chain {i}") for i in range(6)]
    for chain in chains[:5]:
        response = await _add(maker, chain["slug"], project_id)
        assert response.status_code == 201, response.text
    sixth = await _add(maker, chains[5]["slug"], project_id)
    assert sixth.status_code == 409
    assert await _project_count(runtime, chains[5]["slug"]) == 0


async def test_request_flow_approve_once(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime
) -> None:
    owner = await users.actor()
    chain = await make_chain(owner.client, "Gated chain", requires_approval=True)
    slug = chain["slug"]
    maker = await users.actor()
    project_id = await projects.project_id(maker.user)
    response = await _add(maker, slug, project_id, message="Please take us")
    assert response.status_code == 202, response.text
    request = response.json()["data"]["request"]
    assert request["status"] == "pending"
    assert request["message"] == "Please take us"
    assert await _project_count(runtime, slug) == 0
    assert len(await _notes(runtime, owner.user.id, "chain_project_request")) == 1
    # A second add while pending → 409.
    assert (await _add(maker, slug, project_id)).status_code == 409
    # Only the chain owner sees the queue.
    assert (await maker.client.get(f"/api/chains/{slug}/requests")).status_code == 403
    queue = await owner.client.get(f"/api/chains/{slug}/requests", params={"status": "pending"})
    assert queue.status_code == 200, queue.text
    assert [r["id"] for r in queue.json()["data"]] == [request["id"]]
    assert (
        await maker.client.post(f"/api/chains/{slug}/requests/{request['id']}/approve")
    ).status_code == 403
    approved = await owner.client.post(f"/api/chains/{slug}/requests/{request['id']}/approve")
    assert approved.status_code == 200, approved.text
    assert approved.json()["data"]["status"] == "approved"
    twice = await owner.client.post(f"/api/chains/{slug}/requests/{request['id']}/approve")
    assert twice.status_code == 409
    rejected_late = await owner.client.post(f"/api/chains/{slug}/requests/{request['id']}/reject")
    assert rejected_late.status_code == 409
    assert await _project_count(runtime, slug) == 1
    assert len(await _notes(runtime, maker.user.id, "chain_request_approved")) == 1
    assert len(await _notes(runtime, maker.user.id, "project_added_to_chain")) == 1
    done = await owner.client.get(f"/api/chains/{slug}/requests", params={"status": "pending"})
    assert done.json()["data"] == []


async def test_reject_with_reason(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime
) -> None:
    owner = await users.actor()
    chain = await make_chain(owner.client, "Picky chain", requires_approval=True)
    slug = chain["slug"]
    maker = await users.actor()
    project_id = await projects.project_id(maker.user)
    request = (await _add(maker, slug, project_id)).json()["data"]["request"]
    response = await owner.client.post(
        f"/api/chains/{slug}/requests/{request['id']}/reject", json={"reason": "Off topic"}
    )
    assert response.status_code == 200, response.text
    assert response.json()["data"]["reason"] == "Off topic"
    assert response.json()["data"]["status"] == "rejected"
    notes = await _notes(runtime, maker.user.id, "chain_request_rejected")
    assert len(notes) == 1
    assert notes[0].data["reason"] == "Off topic"
    again = await owner.client.post(f"/api/chains/{slug}/requests/{request['id']}/reject")
    assert again.status_code == 409
    # After a decision, a new request may be filed.
    assert (await _add(maker, slug, project_id)).status_code == 202
    unknown = await owner.client.post(f"/api/chains/{slug}/requests/{uuid.uuid4()}/approve")
    assert unknown.status_code == 404


async def test_chain_owner_adds_instantly_to_a_gated_chain(
    users: UserFactory, projects: ProjectFactory
) -> None:
    owner = await users.actor()
    chain = await make_chain(owner.client, "Own gated chain", requires_approval=True)
    project_id = await projects.project_id(owner.user)
    response = await _add(owner, chain["slug"], project_id)
    assert response.status_code == 201, response.text


async def test_private_chain_only_owner_and_followers_add(
    users: UserFactory, projects: ProjectFactory
) -> None:
    owner = await users.actor()
    chain = await make_chain(owner.client, "Secret chain", is_public=False)
    slug = chain["slug"]
    outsider = await users.actor()
    outsider_project = await projects.project_id(outsider.user)
    assert (await _add(outsider, slug, outsider_project)).status_code == 404
    assert (await outsider.client.get(f"/api/chains/{slug}/requests")).status_code == 404
    # A follower (made one directly: following a private chain needs to see it) may add.
    follower = await users.actor()
    async with users.runtime.sessionmaker() as session:
        chain_id = await session.scalar(select(Chain.id).where(Chain.slug == slug))
        session.add(ChainFollower(chain_id=chain_id, user_id=follower.user.id, created_at=utcnow()))
        await session.commit()
    follower_project = await projects.project_id(follower.user)
    assert (await _add(follower, slug, follower_project)).status_code == 201
    owner_project = await projects.project_id(owner.user)
    assert (await _add(owner, slug, owner_project)).status_code == 201


async def test_read_only_chains_refuse_adds(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime
) -> None:
    owner = await users.actor()
    chain = await make_chain(owner.client, "Banned chain")
    maker = await users.actor()
    project_id = await projects.project_id(maker.user)
    for status, until in (("suspended", utcnow() + timedelta(days=1)), ("banned", None)):
        async with runtime.sessionmaker() as session:
            await session.execute(
                update(Chain)
                .where(Chain.slug == chain["slug"])
                .values(status=status, suspended_until=until)
            )
            await session.commit()
        assert (await _add(maker, chain["slug"], project_id)).status_code == 403


async def test_remove_by_project_owner_chain_owner_or_admin(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime
) -> None:
    owner = await users.actor()
    chain = await make_chain(owner.client, "Removal chain")
    slug = chain["slug"]
    maker = await users.actor()
    stranger = await users.actor()
    admin = await users.admin()
    ids = [await projects.project_id(maker.user) for _ in range(3)]
    for project_id in ids:
        assert (await _add(maker, slug, project_id)).status_code == 201
    assert await _project_count(runtime, slug) == 3
    denied = await stranger.client.delete(f"/api/chains/{slug}/projects/{ids[0]}")
    assert denied.status_code == 403
    by_maker = await maker.client.delete(f"/api/chains/{slug}/projects/{ids[0]}")
    assert by_maker.status_code == 200, by_maker.text
    assert by_maker.json()["data"] == {"removed": True, "project_count": 2}
    assert (await owner.client.delete(f"/api/chains/{slug}/projects/{ids[1]}")).status_code == 200
    assert (await admin.client.delete(f"/api/chains/{slug}/projects/{ids[2]}")).status_code == 200
    assert await _project_count(runtime, slug) == 0
    gone = await maker.client.delete(f"/api/chains/{slug}/projects/{ids[0]}")
    assert gone.status_code == 404
    # Removed by others twice, by himself once: two notifications.
    assert len(await _notes(runtime, maker.user.id, "project_removed_from_chain")) == 2


async def test_pin_toggle_is_for_the_chain_owner(
    users: UserFactory, projects: ProjectFactory
) -> None:
    owner = await users.actor()
    chain = await make_chain(owner.client, "Pin chain")
    slug = chain["slug"]
    maker = await users.actor()
    project_id = await projects.project_id(maker.user)
    assert (await _add(maker, slug, project_id)).status_code == 201
    url = f"/api/chains/{slug}/projects/{project_id}/pin"
    assert (await maker.client.post(url)).status_code == 403
    first = await owner.client.post(url)
    assert first.status_code == 200, first.text
    assert first.json()["data"] == {"is_pinned": True}
    second = await owner.client.post(url)
    assert second.json()["data"] == {"is_pinned": False}
    missing = await owner.client.post(f"/api/chains/{slug}/projects/{uuid.uuid4()}/pin")
    assert missing.status_code == 404


async def test_followers_are_notified_except_the_actor(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime
) -> None:
    owner = await users.actor()
    chain = await make_chain(owner.client, "Followed chain")
    slug = chain["slug"]
    fans = [await users.actor() for _ in range(3)]
    for fan in fans:
        assert (await fan.client.post(f"/api/chains/{slug}/follow")).status_code == 200
    project_id = await projects.project_id(fans[0].user)
    assert (await _add(fans[0], slug, project_id)).status_code == 201
    assert await _notes(runtime, fans[0].user.id, "chain_new_project") == []
    for fan in fans[1:]:
        notes = await _notes(runtime, fan.user.id, "chain_new_project")
        assert len(notes) == 1
        assert notes[0].project_id == project_id
        assert notes[0].data["chain_slug"] == slug
    listed = await fans[1].client.get("/api/notifications")
    assert listed.status_code == 200, listed.text
    assert any(n["type"] == "chain_new_project" for n in listed.json()["data"])


async def _statements_for_add(
    users: UserFactory,
    projects: ProjectFactory,
    runtime: Runtime,
    engine: AsyncEngine,
    followers: int,
) -> int:
    owner = await users.actor()
    chain = await make_chain(owner.client, f"Crowd chain {followers}")
    password_hash = (await users.user()).password_hash
    tag = uuid.uuid4().hex[:6]
    rows = [
        {
            "username": f"crowd{followers}_{tag}_{i}",
            "email": f"crowd{followers}_{tag}_{i}@example.com",
            "display_name": f"Crowd {i}",
            "password_hash": password_hash,
        }
        for i in range(followers)
    ]
    async with runtime.sessionmaker() as session:
        ids = list((await session.scalars(insert(User).returning(User.id), rows)).all())
        chain_id = await session.scalar(select(Chain.id).where(Chain.slug == chain["slug"]))
        await session.execute(
            insert(ChainFollower),
            [{"chain_id": chain_id, "user_id": uid, "created_at": utcnow()} for uid in ids],
        )
        await session.commit()
    maker = await users.actor()
    project_id = await projects.project_id(maker.user)
    with count_queries(engine) as log:
        response = await _add(maker, chain["slug"], project_id)
    assert response.status_code == 201, response.text
    async with runtime.sessionmaker() as session:
        written = await session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.type == "chain_new_project", Notification.project_id == project_id)
        )
    assert written == followers
    return log.count


async def test_a_thousand_followers_cost_the_statements_of_three(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime, engine: AsyncEngine
) -> None:
    few = await _statements_for_add(users, projects, runtime, engine, 3)
    many = await _statements_for_add(users, projects, runtime, engine, 1000)
    assert few == many


async def test_membership_rows_match_the_counter(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime
) -> None:
    owner = await users.actor()
    chain = await make_chain(owner.client, "Counter chain")
    maker = await users.actor()
    for _ in range(4):
        assert (
            await _add(maker, chain["slug"], await projects.project_id(maker.user))
        ).status_code == 201
    async with runtime.sessionmaker() as session:
        rows = await session.scalar(select(func.count()).select_from(ChainProject))
    assert rows == await _project_count(runtime, chain["slug"]) == 4


async def test_deleting_a_project_takes_it_out_of_its_chains(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime
) -> None:
    owner = await users.actor()
    chains = [await make_chain(owner.client, f"Delete chain {i}") for i in range(2)]
    maker = await users.actor()
    project_id = await projects.project_id(maker.user)
    keep_id = await projects.project_id(maker.user)
    for chain in chains:
        assert (await _add(maker, chain["slug"], project_id)).status_code == 201
    assert (await _add(maker, chains[0]["slug"], keep_id)).status_code == 201
    assert (await maker.client.delete(f"/api/projects/{project_id}")).status_code == 200
    assert await _project_count(runtime, chains[0]["slug"]) == 1
    assert await _project_count(runtime, chains[1]["slug"]) == 0
    async with runtime.sessionmaker() as session:
        rows = await session.scalar(select(func.count()).select_from(ChainProject))
    assert rows == 1


async def test_pin_with_a_target_and_approve_with_a_note(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime
) -> None:
    owner = await users.actor()
    chain = await make_chain(owner.client, "Noted chain", requires_approval=True)
    slug = chain["slug"]
    maker = await users.actor()
    project_id = await projects.project_id(maker.user)
    request = (await _add(maker, slug, project_id)).json()["data"]["request"]
    approved = await owner.client.post(
        f"/api/chains/{slug}/requests/{request['id']}/approve", json={"message": "Welcome"}
    )
    assert approved.status_code == 200, approved.text
    (note,) = await _notes(runtime, maker.user.id, "chain_request_approved")
    assert note.data["note"] == "Welcome"
    url = f"/api/chains/{slug}/projects/{project_id}/pin"
    for _ in range(2):
        response = await owner.client.post(url, json={"is_pinned": True})
        assert response.json()["data"] == {"is_pinned": True}
    response = await owner.client.post(url, json={"is_pinned": False})
    assert response.json()["data"] == {"is_pinned": False}
