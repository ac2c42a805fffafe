"""POST /api/comments/{id}/vote: toggle semantics, rules, karma, the caller's `user_vote`, events."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from oxship.runtime import Runtime
from tests.comments.helpers import post_comment, reply
from tests.factories.projects import ProjectFactory
from tests.factories.users import UserFactory
from tests.votes.rows import EngagementRows, events


async def cast(client: httpx.AsyncClient, comment_id: str, vote_type: str) -> dict[str, Any]:
    """Vote on a comment, expecting 200; the response data."""
    response = await client.post(f"/api/comments/{comment_id}/vote", json={"vote_type": vote_type})
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


async def test_toggle_creates_removes_and_switches_with_fresh_counts(
    users: UserFactory, projects: ProjectFactory, rows: EngagementRows
) -> None:
    pid = (await projects.project(await users.user()))["id"]
    author = await users.actor()
    voter = await users.actor()
    cid = (await post_comment(author.client, pid))["id"]

    created = await cast(voter.client, cid, "up")
    assert created == {
        "comment_id": cid,
        "upvotes": 1,
        "downvotes": 0,
        "vote_count": 1,
        "user_vote": "up",
        "action": "created",
    }
    removed = await cast(voter.client, cid, "up")
    assert (removed["action"], removed["upvotes"], removed["user_vote"]) == ("removed", 0, None)
    assert await rows.comment_votes(cid) == []
    await cast(voter.client, cid, "down")
    changed = await cast(voter.client, cid, "up")
    assert (changed["action"], changed["upvotes"], changed["downvotes"]) == ("changed", 1, 0)
    back = await cast(voter.client, cid, "down")
    assert (back["action"], back["upvotes"], back["downvotes"], back["vote_count"]) == (
        "changed",
        0,
        1,
        -1,
    )
    assert [v.vote_type for v in await rows.comment_votes(cid)] == ["down"]
    stored = await rows.comment(cid)
    assert (stored.upvotes, stored.downvotes) == (0, 1)


async def test_upvotes_move_the_comment_authors_karma(
    users: UserFactory, projects: ProjectFactory, client: httpx.AsyncClient
) -> None:
    owner = await users.user()
    pid = (await projects.project(owner))["id"]
    author = await users.actor()
    cid = (await post_comment(author.client, pid))["id"]
    owner_karma = (await client.get(f"/api/users/{owner.username}")).json()["data"]["karma"]

    async def karma() -> float:
        profile = await client.get(f"/api/users/{author.user.username}")
        value: float = profile.json()["data"]["karma"]
        return value

    assert await karma() == 0  # warm the cached profile
    voters = [await users.actor() for _ in range(3)]
    for voter in voters:
        await cast(voter.client, cid, "up")
    assert await karma() == 3
    await cast(voters[0].client, cid, "down")  # an up switched to down
    assert await karma() == 2
    await cast(voters[1].client, cid, "up")  # an up removed
    assert await karma() == 1
    after = (await client.get(f"/api/users/{owner.username}")).json()["data"]["karma"]
    assert after == owner_karma  # comment votes are not project votes


async def test_voting_on_your_own_comment_is_403(
    users: UserFactory, projects: ProjectFactory, rows: EngagementRows, runtime: Runtime
) -> None:
    pid = (await projects.project(await users.user()))["id"]
    author = await users.actor()
    cid = (await post_comment(author.client, pid))["id"]

    response = await author.client.post(f"/api/comments/{cid}/vote", json={"vote_type": "up"})

    assert response.status_code == 403
    assert await rows.comment_votes(cid) == []
    assert events(runtime, "comment:voted") == []


async def test_deleted_and_unknown_comments_and_deleted_projects_are_404(
    users: UserFactory, projects: ProjectFactory
) -> None:
    owner = await users.actor()
    pid = (await projects.project(owner.user))["id"]
    author = await users.actor()
    voter = await users.actor()
    gone = await post_comment(author.client, pid)
    kept = await post_comment(author.client, pid)
    await author.client.delete(f"/api/comments/{gone['id']}")
    body = {"vote_type": "up"}

    assert (
        await voter.client.post(f"/api/comments/{gone['id']}/vote", json=body)
    ).status_code == 404
    unknown = f"/api/comments/{uuid.uuid4()}/vote"
    assert (await voter.client.post(unknown, json=body)).status_code == 404
    await owner.client.delete(f"/api/projects/{pid}")
    assert (
        await voter.client.post(f"/api/comments/{kept['id']}/vote", json=body)
    ).status_code == 404


@pytest.mark.parametrize("body", [{}, {"vote_type": "meh"}, {"vote_type": 1}, None])
async def test_bad_bodies_are_422_and_anonymous_401(
    users: UserFactory, projects: ProjectFactory, client: httpx.AsyncClient, body: Any
) -> None:
    pid = (await projects.project(await users.user()))["id"]
    author = await users.actor()
    voter = await users.actor()
    cid = (await post_comment(author.client, pid))["id"]

    response = await voter.client.post(f"/api/comments/{cid}/vote", json=body)

    assert response.status_code == 422
    anonymous = await client.post(f"/api/comments/{cid}/vote", json={"vote_type": "up"})
    assert anonymous.status_code == 401


async def test_each_caller_sees_their_own_user_vote_and_everyone_the_new_count(
    users: UserFactory, projects: ProjectFactory, client: httpx.AsyncClient
) -> None:
    pid = (await projects.project(await users.user()))["id"]
    author = await users.actor()
    top = await post_comment(author.client, pid)
    child = await reply(author.client, top)
    a = await users.actor()
    b = await users.actor()
    readers = {"anonymous": client, "a": a.client, "b": b.client}
    urls = [
        f"/api/comments?project_id={pid}",
        f"/api/comments/{top['id']}/replies",
        f"/api/projects/{pid}/comments",
    ]

    def target(url: str, response: httpx.Response) -> dict[str, Any]:
        """The top comment in the list, the child in the replies and in the tree."""
        first: dict[str, Any] = response.json()["data"][0]
        return first["replies"][0] if url.startswith("/api/projects/") else first

    for url in urls:
        for reader in readers.values():
            assert target(url, await reader.get(url))["upvotes"] == 0

    await cast(a.client, top["id"], "up")
    await cast(a.client, child["id"], "up")
    await cast(b.client, child["id"], "down")

    for url in urls:
        seen = {name: target(url, await reader.get(url)) for name, reader in readers.items()}
        assert {n: c["upvotes"] for n, c in seen.items()} == dict.fromkeys(readers, 1), url
        assert seen["a"]["user_vote"] == "up", url
        assert seen["anonymous"]["user_vote"] is None, url
        is_child = seen["a"]["id"] == child["id"]
        assert seen["b"]["user_vote"] == ("down" if is_child else None), url
    tree = (await a.client.get(urls[2])).json()["data"]
    assert tree[0]["user_vote"] == "up"
    assert tree[0]["replies"][0]["user_vote"] == "up"


async def test_comment_voted_is_published_to_the_project_room(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime
) -> None:
    pid = (await projects.project(await users.user()))["id"]
    author = await users.actor()
    cid = (await post_comment(author.client, pid))["id"]
    voter = await users.actor()

    await cast(voter.client, cid, "up")

    published = events(runtime, "comment:voted")
    assert [e.room for e in published] == [f"project:{pid}"]
    assert published[0].payload == {
        "project_id": pid,
        "comment_id": cid,
        "data": {"id": cid, "upvotes": 1, "downvotes": 0, "vote_count": 1},
    }
