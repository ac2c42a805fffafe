"""Admin account deletion: anonymised, content soft-deleted, references kept (API §3.22)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from oxship.kit.clock import utcnow
from oxship.models import (
    AdminAction,
    Badge,
    Chain,
    ChainFollower,
    ChainProject,
    Comment,
    Conversation,
    DirectMessage,
    Project,
    User,
    Vote,
)
from oxship.runtime import Runtime
from tests.chains.conftest import make_chain
from tests.factories.projects import ProjectFactory
from tests.factories.users import DEFAULT_PASSWORD, Actor, UserFactory

USERS = "/api/admin/users"


@pytest.fixture
async def admin(users: UserFactory) -> Actor:
    return await users.admin()


async def _comment(actor: Actor, project_id: Any, parent_id: Any = None) -> str:
    body: dict[str, Any] = {"project_id": str(project_id), "content": "A thoughtful comment"}
    if parent_id:
        body["parent_id"] = parent_id
    response = await actor.client.post("/api/comments", json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["data"]["id"])


async def _message(runtime: Runtime, a: uuid.UUID, b: uuid.UUID) -> None:
    low, high = sorted([a, b])
    async with runtime.sessionmaker() as session:
        conv = Conversation(
            user_low=low, user_high=high, last_message_at=utcnow(), created_at=utcnow()
        )
        session.add(conv)
        await session.flush()
        session.add(
            DirectMessage(
                conversation_id=conv.id, sender_id=a, recipient_id=b, body="hi", created_at=utcnow()
            )
        )
        await session.commit()


async def test_deletion_anonymises_and_soft_deletes_content_without_breaking_references(
    admin: Actor,
    users: UserFactory,
    projects: ProjectFactory,
    client: httpx.AsyncClient,
    runtime: Runtime,
) -> None:
    doomed = await users.actor(
        username="doomed_user",
        email="doomed@example.com",
        bio="About me",
        location="Somewhere",
        wallet_address="0x" + "ab" * 20,
        github_username="doomedgh",
    )
    other = await users.actor()
    validator = await users.user(is_validator=True)
    own_project = await projects.project_id(doomed.user)
    their_project = await projects.project_id(other.user)
    chain = await make_chain(other.client, "Chain of the other")
    owned_chain = await make_chain(doomed.client, "Chain of the doomed")
    added = await doomed.client.post(
        f"/api/chains/{chain['slug']}/projects", json={"project_id": str(own_project)}
    )
    assert added.status_code == 201, added.text
    assert (await doomed.client.post(f"/api/chains/{chain['slug']}/follow")).status_code == 200
    assert (await other.client.post(f"/api/chains/{owned_chain['slug']}/follow")).status_code == 200
    assert (await doomed.client.post(f"/api/projects/{their_project}/upvote")).status_code in (
        200,
        201,
    )
    assert (await other.client.post(f"/api/projects/{own_project}/upvote")).status_code in (
        200,
        201,
    )
    top = await _comment(other, their_project)
    await _comment(doomed, their_project)
    await _comment(doomed, their_project, parent_id=top)
    await _comment(other, own_project)
    await _message(runtime, doomed.user.id, other.user.id)
    async with runtime.sessionmaker() as session:
        session.add(
            Badge(
                project_id=own_project,
                validator_id=validator.id,
                badge_type="silver",
                points=10,
                rationale="Solid work",
                created_at=utcnow(),
            )
        )
        await session.commit()
    before = (await client.get(f"/api/projects/{their_project}")).json()["data"]
    assert before["comment_count"] == 3

    response = await admin.client.delete(f"{USERS}/{doomed.user.id}")

    assert response.status_code == 200, response.text
    assert response.json()["data"] == {
        "id": str(doomed.user.id),
        "deleted": True,
        "projects_deleted": 1,
        "comments_deleted": 2,
    }
    async with runtime.sessionmaker() as session:
        user = await session.get(User, doomed.user.id)
        assert user is not None
        assert user.email == f"deleted-{doomed.user.id.hex}@deleted.invalid"
        assert user.username.startswith("deleted_")
        assert "doomed" not in user.username
        assert (user.display_name, user.bio, user.location) == (None, None, None)
        assert (user.wallet_address, user.github_username, user.avatar_url) == (None, None, None)
        assert user.is_active is False
        assert user.deleted_at is not None
        assert user.project_count == 0
        project = await session.get(Project, own_project)
        assert project is not None
        assert project.is_deleted is True
        n_members = await session.scalar(
            select(func.count())
            .select_from(ChainProject)
            .where(ChainProject.project_id == own_project)
        )
        assert n_members == 0
        chain_row = (await session.scalars(select(Chain).where(Chain.slug == chain["slug"]))).one()
        assert chain_row.project_count == 0
        live_comments = await session.scalar(
            select(func.count())
            .select_from(Comment)
            .where(Comment.user_id == doomed.user.id, Comment.is_deleted.is_(False))
        )
        assert live_comments == 0
        parent = await session.get(Comment, uuid.UUID(top))
        assert parent is not None
        assert parent.reply_count == 0
        # References are kept: votes, follows, badges, messages, the chain it created.
        for model, column in (
            (Vote, Vote.user_id),
            (ChainFollower, ChainFollower.user_id),
            (DirectMessage, DirectMessage.sender_id),
            (Chain, Chain.creator_id),
        ):
            count = await session.scalar(
                select(func.count()).select_from(model).where(column == doomed.user.id)
            )
            assert count == 1, model
        assert await session.scalar(select(func.count()).select_from(Badge)) == 1
        entry = (
            await session.scalars(select(AdminAction).where(AdminAction.action == "user.delete"))
        ).one()
        assert entry.target_id == str(doomed.user.id)
        assert "doomed@example.com" not in str(entry.data)
    after = (await client.get(f"/api/projects/{their_project}")).json()["data"]
    assert after["comment_count"] == 1
    assert (await client.get(f"/api/projects/{own_project}")).status_code == 404
    assert (await client.get("/api/users/doomed_user")).status_code == 404
    assert (await doomed.client.get("/api/auth/me")).status_code == 401
    for identifier in ("doomed_user", "doomed@example.com", user.username, user.email):
        login = await client.post(
            "/api/auth/login", json={"email": identifier, "password": DEFAULT_PASSWORD}
        )
        assert login.status_code in (401, 403), identifier
    listed = (await admin.client.get(USERS, params={"search": "doomed"})).json()
    assert listed["data"] == []
    assert [e.room for e in runtime.publisher.recent if e.name == "!disconnect"] == [
        f"user:{doomed.user.id}"
    ]


async def test_deletion_rules(admin: Actor, users: UserFactory) -> None:
    target = await users.user()
    peer = await users.user(is_admin=True)
    assert (await admin.client.delete(f"{USERS}/{admin.user.id}")).status_code == 409
    assert (await admin.client.delete(f"{USERS}/{peer.id}")).status_code == 403
    assert (await admin.client.delete(f"{USERS}/{uuid.uuid4()}")).status_code == 404
    assert (await admin.client.delete(f"{USERS}/{target.id}")).status_code == 200
    assert (await admin.client.delete(f"{USERS}/{target.id}")).status_code == 404
    assert (await admin.client.post(f"{USERS}/{target.id}/unban")).status_code == 404


async def test_a_banned_user_can_be_deleted_and_a_user_without_content_too(
    admin: Actor, users: UserFactory, projects: ProjectFactory, runtime: Runtime
) -> None:
    banned = await users.user()
    project_id = await projects.project_id(banned)
    await admin.client.post(f"{USERS}/{banned.id}/ban", json={"reason": "spam"})
    empty = await users.user()

    gone = await admin.client.delete(f"{USERS}/{banned.id}")
    blank = await admin.client.delete(f"{USERS}/{empty.id}")

    assert gone.json()["data"]["projects_deleted"] == 1
    assert blank.json()["data"]["projects_deleted"] == 0
    async with runtime.sessionmaker() as session:
        project = await session.get(Project, project_id)
        assert project is not None
        assert project.is_deleted is True
