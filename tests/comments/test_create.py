"""POST /api/comments: top-level comments and replies, parent rules, limits, counters, events."""

from __future__ import annotations

import uuid

import httpx
import pytest

from oxship.runtime import Runtime
from tests.comments.helpers import field_errors, post_comment, reply
from tests.factories.projects import ProjectFactory
from tests.factories.users import UserFactory
from tests.votes.rows import EngagementRows, events


async def test_a_comment_is_created_with_its_author_and_moves_the_project(
    users: UserFactory, projects: ProjectFactory, client: httpx.AsyncClient, rows: EngagementRows
) -> None:
    owner = await users.user()
    project = await projects.project(owner)
    author = await users.actor(display_name="Ada L")

    comment = await post_comment(author.client, project["id"], "  Looks solid!  ")

    assert comment["content"] == "Looks solid!"
    assert comment["project_id"] == project["id"]
    assert comment["user_id"] == str(author.user.id)
    assert comment["parent_id"] is None
    assert (comment["upvotes"], comment["downvotes"], comment["reply_count"]) == (0, 0, 0)
    assert comment["is_deleted"] is False
    assert comment["is_edited"] is False
    assert comment["user_vote"] is None
    assert comment["created_at"].endswith("Z")
    assert comment["author"] == {
        "id": str(author.user.id),
        "username": author.user.username,
        "display_name": "Ada L",
        "avatar_url": None,
    }
    stored = await rows.project(project["id"])
    assert stored.comment_count == 1
    detail = (await client.get(f"/api/projects/{project['id']}")).json()["data"]
    assert detail["comment_count"] == 1


async def test_a_comment_moves_the_community_score_and_the_owners_karma_only(
    users: UserFactory, projects: ProjectFactory, client: httpx.AsyncClient
) -> None:
    owner = await users.user()
    pid = (await projects.project(owner, github_url="https://github.com/a/b"))["id"]
    before = (await client.get(f"/api/projects/{pid}")).json()["data"]
    commenter = await users.actor()

    await post_comment(commenter.client, pid)
    await post_comment(commenter.client, pid, "Second thought")

    after = (await client.get(f"/api/projects/{pid}")).json()["data"]
    assert after["community_score"] == before["community_score"] + 1.0  # 0.5 per comment
    for component in ("verification_score", "validation_score", "quality_score"):
        assert after[component] == before[component]
    assert after["proof_score"] == pytest.approx(before["proof_score"] + 1.0)
    assert after["trending_score"] > before["trending_score"]
    owner_profile = (await client.get(f"/api/users/{owner.username}")).json()["data"]
    assert owner_profile["karma"] == pytest.approx(after["proof_score"])
    commenter_profile = (await client.get(f"/api/users/{commenter.user.username}")).json()["data"]
    assert commenter_profile["karma"] == 0


async def test_replies_nest_to_any_depth_and_move_the_parents_reply_count(
    users: UserFactory, projects: ProjectFactory, rows: EngagementRows
) -> None:
    pid = (await projects.project(await users.user()))["id"]
    a = await users.actor()
    b = await users.actor()
    top = await post_comment(a.client, pid)

    chain = [top]
    for depth in range(6):
        chain.append(await reply((b if depth % 2 == 0 else a).client, chain[-1], f"Depth {depth}"))
    await reply(b.client, top, "Sibling")

    assert chain[1]["parent_id"] == top["id"]
    assert chain[-1]["parent_id"] == chain[-2]["id"]
    assert (await rows.comment(top["id"])).reply_count == 2
    for parent in chain[1:-1]:
        assert (await rows.comment(parent["id"])).reply_count == 1
    assert (await rows.comment(chain[-1]["id"])).reply_count == 0
    assert (await rows.project(pid)).comment_count == 8


async def test_the_parent_must_be_a_live_comment_of_the_same_project(
    users: UserFactory, projects: ProjectFactory, rows: EngagementRows
) -> None:
    owner = await users.user()
    here = (await projects.project(owner))["id"]
    elsewhere = (await projects.project(owner))["id"]
    author = await users.actor()
    foreign = await post_comment(author.client, elsewhere)
    gone = await post_comment(author.client, here, "Soon gone")
    assert (await author.client.delete(f"/api/comments/{gone['id']}")).status_code == 200

    for parent_id in (foreign["id"], str(uuid.uuid4()), gone["id"]):
        response = await author.client.post(
            "/api/comments", json={"project_id": here, "content": "Reply", "parent_id": parent_id}
        )
        assert field_errors(response) == {"parent_id"}
    assert (await rows.project(here)).comment_count == 0
    assert (await rows.comment(gone["id"])).reply_count == 0


@pytest.mark.parametrize(
    ("content", "ok"),
    [
        ("x", True),
        ("x" * 5000, True),
        ("  " + "x" * 5000 + "  ", True),
        ("", False),
        ("    ", False),
        ("x" * 5001, False),
        ("nul\x00byte", False),
    ],
)
async def test_content_is_trimmed_and_1_to_5000_characters(
    users: UserFactory, projects: ProjectFactory, content: str, ok: bool
) -> None:
    pid = (await projects.project(await users.user()))["id"]
    author = await users.actor()

    response = await author.client.post(
        "/api/comments", json={"project_id": pid, "content": content}
    )

    if ok:
        assert response.status_code == 201, response.text
        assert response.json()["data"]["content"] == content.strip()
    elif "\x00" in content:  # refused before routing, whatever the field
        assert response.status_code == 422
    else:
        assert field_errors(response) == {"content"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"content": "Hi"}, "project_id"),
        ({"project_id": "not-a-uuid", "content": "Hi"}, "project_id"),
        ({"project_id": "P"}, "content"),
        ({"project_id": "P", "content": 5}, "content"),
        ({"project_id": "P", "content": "Hi", "parent_id": "nope"}, "parent_id"),
    ],
)
async def test_invalid_bodies_are_422(
    users: UserFactory, projects: ProjectFactory, body: dict[str, object], field: str
) -> None:
    pid = (await projects.project(await users.user()))["id"]
    author = await users.actor()
    sent = {k: (pid if v == "P" else v) for k, v in body.items()}

    assert field in field_errors(await author.client.post("/api/comments", json=sent))


async def test_deleted_unknown_and_banned_owners_projects_are_404(
    users: UserFactory, projects: ProjectFactory, rows: EngagementRows
) -> None:
    owner = await users.actor()
    deleted = (await projects.project(owner.user))["id"]
    assert (await owner.client.delete(f"/api/projects/{deleted}")).status_code == 200
    banned_owner = await users.user()
    banned = (await projects.project(banned_owner))["id"]
    await rows.ban(banned_owner)
    author = await users.actor()

    for pid in (deleted, banned, str(uuid.uuid4())):
        response = await author.client.post(
            "/api/comments", json={"project_id": pid, "content": "Hi"}
        )
        assert response.status_code == 404, response.text
    assert (await rows.project(deleted)).comment_count == 0


async def test_anonymous_and_banned_callers_are_401(
    client: httpx.AsyncClient, users: UserFactory, projects: ProjectFactory, rows: EngagementRows
) -> None:
    pid = (await projects.project(await users.user()))["id"]
    body = {"project_id": pid, "content": "Hi"}
    assert (await client.post("/api/comments", json=body)).status_code == 401
    banned = await users.actor()
    await rows.ban(banned.user)
    assert (await banned.client.post("/api/comments", json=body)).status_code == 401
    assert (await rows.project(pid)).comment_count == 0


async def test_the_owner_gets_comment_and_the_parents_author_comment_reply(
    users: UserFactory, projects: ProjectFactory, rows: EngagementRows
) -> None:
    owner = await users.actor()
    pid = (await projects.project(owner.user, title="Noted project"))["id"]
    a = await users.actor()
    b = await users.actor()

    top = await post_comment(a.client, pid)
    assert [n.type for n in await rows.notifications(owner.user.id)] == ["comment"]
    note = (await rows.notifications(owner.user.id))[0]
    assert note.comment_id == uuid.UUID(top["id"])
    assert "Noted project" in note.message

    await reply(b.client, top)
    assert [n.type for n in await rows.notifications(a.user.id)] == ["comment_reply"]
    assert [n.type for n in await rows.notifications(owner.user.id)] == ["comment", "comment"]
    assert await rows.notifications(b.user.id) == []


async def test_nobody_is_notified_twice_or_about_their_own_comment(
    users: UserFactory, projects: ProjectFactory, rows: EngagementRows
) -> None:
    owner = await users.actor()
    pid = (await projects.project(owner.user))["id"]
    a = await users.actor()

    own = await post_comment(owner.client, pid)  # the owner on their own project
    assert await rows.notifications(owner.user.id) == []

    await reply(a.client, own)  # the owner is the parent's author: one notification
    assert [n.type for n in await rows.notifications(owner.user.id)] == ["comment_reply"]

    mine = await post_comment(a.client, pid)
    await reply(a.client, mine)  # a reply to oneself notifies only the owner
    assert await rows.notifications(a.user.id) == []
    assert [n.type for n in await rows.notifications(owner.user.id)] == [
        "comment_reply",
        "comment",
        "comment",
    ]


async def test_comment_added_is_published_after_commit_and_not_for_a_rejected_comment(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime
) -> None:
    pid = (await projects.project(await users.user()))["id"]
    author = await users.actor()

    comment = await post_comment(author.client, pid)

    published = events(runtime, "comment:added")
    assert len(published) == 1
    assert published[0].room == f"project:{pid}"
    assert published[0].payload == {"project_id": pid, "data": comment}

    bad_parent = {"project_id": pid, "content": "x", "parent_id": str(uuid.uuid4())}
    assert (await author.client.post("/api/comments", json=bad_parent)).status_code == 422
    missing = {"project_id": str(uuid.uuid4()), "content": "x"}
    assert (await author.client.post("/api/comments", json=missing)).status_code == 404
    assert len(events(runtime, "comment:added")) == 1
