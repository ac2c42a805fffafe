"""A small populated platform for the security tests: two users talking, an admin, shared content."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from oxship.runtime import Runtime
from tests.factories.projects import ProjectFactory
from tests.factories.users import Actor, UserFactory

INVESTOR_APPLICATION = {
    "investor_type": "individual",
    "name": "Bob Capital",
    "bio": "Early-stage investor backing developer tools and open infrastructure since 2015.",
    "reason": "I want to meet builders from hackathons early on.",
    "industries": ["devtools"],
    "investment_stages": ["seed"],
}


@dataclass
class World:
    """Who and what exists: `alice` is the usual caller, `bob` the other user."""

    alice: Actor
    bob: Actor
    admin: Actor
    project_id: str
    comment_id: str
    chain_slug: str
    secret_key: str


@pytest.fixture
async def world(users: UserFactory, projects: ProjectFactory, runtime: Runtime) -> World:
    """Alice and Bob (Bob: a project, a comment, a chain, an approved investor profile), an admin."""
    alice = await users.actor(username="alice_sec", email="alice.private@example.com")
    bob = await users.actor(username="bob_sec", email="bob.private@example.com")
    admin = await users.admin(
        username="root_sec", email="root.private@example.com", is_validator=True, is_investor=True
    )
    project = await projects.project(bob.user, title="Secure widgets", tech_stack=["python"])
    project_id = project["id"]
    comment = await alice.client.post(
        "/api/comments", json={"project_id": project_id, "content": "Nice work"}
    )
    assert comment.status_code == 201, comment.text
    reply = await bob.client.post(
        "/api/comments",
        json={
            "project_id": project_id,
            "content": "Thanks!",
            "parent_id": comment.json()["data"]["id"],
        },
    )
    assert reply.status_code == 201, reply.text
    sent = await alice.client.post(
        "/api/messages/send", json={"recipient_id": str(bob.user.id), "message": "Hi Bob"}
    )
    assert sent.status_code == 201, sent.text
    chain = await bob.client.post(
        "/api/chains", json={"name": "Secure chain", "description": "Projects about security."}
    )
    assert chain.status_code == 201, chain.text
    applied = await bob.client.post("/api/investor-requests/apply", json=INVESTOR_APPLICATION)
    assert applied.status_code == 201, applied.text
    approved = await admin.client.post(
        f"/api/admin/investor-requests/{applied.json()['data']['id']}/approve", json={}
    )
    assert approved.status_code == 200, approved.text
    return World(
        alice=alice,
        bob=bob,
        admin=admin,
        project_id=project_id,
        comment_id=comment.json()["data"]["id"],
        chain_slug=chain.json()["data"]["slug"],
        secret_key=runtime.settings.secret_key,
    )
