"""PUT and DELETE /api/comments/{id}: who may, `is_edited`, soft and idempotent deletion, counters."""

from __future__ import annotations

import uuid

import httpx

from oxship.runtime import Runtime
from tests.comments.helpers import field_errors, post_comment, reply
from tests.factories.projects import ProjectFactory
from tests.factories.users import UserFactory
from tests.votes.rows import EngagementRows, events


async def test_the_author_edits_content_and_it_is_marked_edited_everywhere(
    users: UserFactory, projects: ProjectFactory, client: httpx.AsyncClient, runtime: Runtime
) -> None:
    pid = (await projects.project(await users.user()))["id"]
    author = await users.actor()
    comment = await post_comment(author.client, pid, "Frist")
    listed = await client.get(f"/api/comments?project_id={pid}")  # cached before the edit
    assert listed.json()["data"][0]["content"] == "Frist"

    response = await author.client.put(
        f"/api/comments/{comment['id']}", json={"content": " First "}
    )

    assert response.status_code == 200, response.text
    edited = response.json()["data"]
    assert edited["content"] == "First"
    assert edited["is_edited"] is True
    assert edited["author"]["id"] == str(author.user.id)
    assert edited["updated_at"] >= comment["updated_at"]
    for url in (f"/api/comments?project_id={pid}", f"/api/projects/{pid}/comments"):
        shown = (await client.get(url)).json()["data"][0]
        assert (shown["content"], shown["is_edited"]) == ("First", True)
    published = events(runtime, "comment:updated", room=f"project:{pid}")
    assert [e.payload for e in published] == [{"project_id": pid, "data": edited}]


async def test_an_unchanged_edit_is_not_marked_edited(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime
) -> None:
    pid = (await projects.project(await users.user()))["id"]
    author = await users.actor()
    comment = await post_comment(author.client, pid, "Same")

    response = await author.client.put(f"/api/comments/{comment['id']}", json={"content": "Same "})

    assert response.status_code == 200
    assert response.json()["data"]["is_edited"] is False
    assert events(runtime, "comment:updated") == []


async def test_only_the_author_may_edit(
    users: UserFactory, projects: ProjectFactory, rows: EngagementRows
) -> None:
    owner = await users.actor()
    pid = (await projects.project(owner.user))["id"]
    author = await users.actor()
    comment = await post_comment(author.client, pid, "Mine")
    admin = await users.admin()

    for other in (owner, admin, await users.actor()):
        response = await other.client.put(f"/api/comments/{comment['id']}", json={"content": "X"})
        assert response.status_code == 403, response.text
    assert (await rows.comment(comment["id"])).content == "Mine"


async def test_edit_limits_unknown_and_deleted_comments(
    users: UserFactory, projects: ProjectFactory, client: httpx.AsyncClient
) -> None:
    pid = (await projects.project(await users.user()))["id"]
    author = await users.actor()
    comment = await post_comment(author.client, pid)
    url = f"/api/comments/{comment['id']}"

    assert field_errors(await author.client.put(url, json={"content": " "})) == {"content"}
    assert field_errors(await author.client.put(url, json={"content": "x" * 5001})) == {"content"}
    assert field_errors(await author.client.put(url, json={})) == {"content"}
    assert (await author.client.put(url, json={"content": "x" * 5000})).status_code == 200
    assert (await client.put(url, json={"content": "anon"})).status_code == 401
    unknown = f"/api/comments/{uuid.uuid4()}"
    assert (await author.client.put(unknown, json={"content": "x"})).status_code == 404
    assert (await author.client.put("/api/comments/nope", json={"content": "x"})).status_code == 422
    assert (await author.client.delete(url)).status_code == 200
    assert (await author.client.put(url, json={"content": "Back"})).status_code == 404


async def test_deletion_is_soft_idempotent_and_moves_counters_once(
    users: UserFactory, projects: ProjectFactory, rows: EngagementRows, client: httpx.AsyncClient
) -> None:
    pid = (await projects.project(await users.user()))["id"]
    author = await users.actor()
    top = await post_comment(author.client, pid)
    child = await reply(author.client, top)
    await reply(author.client, top)
    before = (await client.get(f"/api/projects/{pid}")).json()["data"]
    assert before["comment_count"] == 3

    for _ in range(3):
        response = await author.client.delete(f"/api/comments/{child['id']}")
        assert response.status_code == 200, response.text
        assert response.json()["data"] == {"id": child["id"], "deleted": True}

    stored = await rows.comment(child["id"])
    assert stored.is_deleted is True
    assert stored.deleted_at is not None
    assert stored.content != "[deleted]"  # soft: the row keeps what was written
    assert (await rows.comment(top["id"])).reply_count == 1
    after = (await client.get(f"/api/projects/{pid}")).json()["data"]
    assert after["comment_count"] == 2 == await rows.live_comments(pid)
    assert after["community_score"] == before["community_score"] - 0.5


async def test_the_author_the_project_owner_and_an_admin_may_delete_others_may_not(
    users: UserFactory, projects: ProjectFactory, rows: EngagementRows, client: httpx.AsyncClient
) -> None:
    owner = await users.actor()
    pid = (await projects.project(owner.user))["id"]
    author = await users.actor()
    stranger = await users.actor()
    admin = await users.admin()
    comments = [await post_comment(author.client, pid, f"C{n}") for n in range(3)]

    refused = await stranger.client.delete(f"/api/comments/{comments[0]['id']}")
    assert refused.status_code == 403
    assert (await client.delete(f"/api/comments/{comments[0]['id']}")).status_code == 401
    assert (await rows.comment(comments[0]["id"])).is_deleted is False

    for deleter, comment in zip((author, owner, admin), comments, strict=True):
        response = await deleter.client.delete(f"/api/comments/{comment['id']}")
        assert response.status_code == 200, response.text
        assert (await rows.comment(comment["id"])).is_deleted is True
    assert (await rows.project(pid)).comment_count == 0
    again = await stranger.client.delete(f"/api/comments/{comments[0]['id']}")
    assert again.status_code == 403  # idempotent for those allowed, still refused to others


async def test_deleting_unknown_comments_or_on_deleted_projects_is_404(
    users: UserFactory, projects: ProjectFactory
) -> None:
    owner = await users.actor()
    pid = (await projects.project(owner.user))["id"]
    author = await users.actor()
    comment = await post_comment(author.client, pid)
    assert (await author.client.delete(f"/api/comments/{uuid.uuid4()}")).status_code == 404
    assert (await author.client.delete("/api/comments/nope")).status_code == 422
    assert (await owner.client.delete(f"/api/projects/{pid}")).status_code == 200
    assert (await author.client.delete(f"/api/comments/{comment['id']}")).status_code == 404


async def test_deleting_a_comment_takes_its_upvotes_out_of_the_authors_karma(
    users: UserFactory, projects: ProjectFactory, rows: EngagementRows
) -> None:
    owner = await users.actor()
    pid = (await projects.project(owner.user))["id"]
    author = await users.actor()
    comment = await post_comment(author.client, pid)
    for _ in range(3):
        voter = await users.actor()
        await voter.client.post(f"/api/comments/{comment['id']}/vote", json={"vote_type": "up"})
    assert (await rows.user(author.user.id)).karma == 3

    assert (await owner.client.delete(f"/api/comments/{comment['id']}")).status_code == 200

    assert (await rows.user(author.user.id)).karma == 0
    project = await rows.project(pid)
    assert (await rows.user(owner.user.id)).karma == round(project.proof_score, 2)


async def test_comment_deleted_is_published_once(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime
) -> None:
    pid = (await projects.project(await users.user()))["id"]
    author = await users.actor()
    comment = await post_comment(author.client, pid)
    stranger = await users.actor()

    assert (await stranger.client.delete(f"/api/comments/{comment['id']}")).status_code == 403
    assert events(runtime, "comment:deleted") == []
    await author.client.delete(f"/api/comments/{comment['id']}")
    await author.client.delete(f"/api/comments/{comment['id']}")

    published = events(runtime, "comment:deleted", room=f"project:{pid}")
    assert [e.payload for e in published] == [{"project_id": pid, "comment_id": comment["id"]}]
