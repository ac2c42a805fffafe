"""Prefetch helpers: a user with data in every domain, and the individual endpoints to compare."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.chains.conftest import make_chain
from tests.factories.projects import ProjectFactory
from tests.factories.users import Actor, UserFactory
from tests.intros.conftest import Investors, send_request

BOOTSTRAP = "/api/prefetch/bootstrap"
DASHBOARD = "/api/prefetch/dashboard-data"
PRIVATE = "private, no-store"


async def get_data(client: httpx.AsyncClient, url: str, **params: Any) -> Any:
    """GET `url` as that client; 200 expected; the envelope's `data`."""
    response = await client.get(url, params=params or None)
    assert response.status_code == 200, response.text
    return response.json()["data"]


async def get_body(client: httpx.AsyncClient, url: str, **params: Any) -> dict[str, Any]:
    """GET `url`; 200 expected; the whole envelope."""
    response = await client.get(url, params=params or None)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@dataclass
class World:
    """The caller (`me`) with data in every domain, and the other actors involved."""

    me: Actor
    other: Actor
    investor: Actor
    project_ids: list[str]
    saved_ids: list[str]
    chain_slugs: list[str]


async def build_world(users: UserFactory, projects: ProjectFactory) -> World:
    """Projects (11), a notification, an unread message, a pending intro request, 2 followed
    chains, 3 saves, for a fresh caller."""
    me = await users.actor()
    other = await users.actor()
    investor = await Investors(users).actor()
    mine = [(await projects.project(me.user, title=f"Mine {i}"))["id"] for i in range(11)]
    theirs = [(await projects.project(other.user, title=f"Theirs {i}"))["id"] for i in range(4)]
    # a notification (vote received) on one of my projects
    vote = await other.client.post(f"/api/projects/{mine[0]}/upvote")
    assert vote.status_code == 200, vote.text
    # a conversation with an unread message
    sent = await other.client.post(
        "/api/messages/send", json={"recipient_id": str(me.user.id), "message": "Hello there"}
    )
    assert sent.status_code == 201, sent.text
    # a pending intro request about my project
    request = await send_request(investor.client, mine[1])
    assert request.status_code == 201, request.text
    # followed chains (two of another user's, plus mine)
    slugs = []
    for name in ("Alpha Builders", "Beta Builders"):
        chain = await make_chain(other.client, name)
        slugs.append(chain["slug"])
        followed = await me.client.post(f"/api/chains/{chain['slug']}/follow")
        assert followed.status_code == 200, followed.text
    own_chain = await make_chain(me.client, "Gamma Builders")
    slugs.append(own_chain["slug"])
    # saves, newest last
    for project_id in theirs[:3]:
        saved = await me.client.post(f"/api/saved/save/{project_id}")
        assert saved.status_code == 201, saved.text
    return World(
        me=me,
        other=other,
        investor=investor,
        project_ids=mine,
        saved_ids=theirs[:3],
        chain_slugs=slugs,
    )


@pytest.fixture
async def world(users: UserFactory, projects: ProjectFactory) -> World:
    """A caller with data in every domain."""
    return await build_world(users, projects)
