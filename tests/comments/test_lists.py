"""GET /api/comments, /api/comments/{id}/replies and /api/projects/{id}/comments: order, paging,
the thread's shape, deleted comments, caching."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.comments.helpers import post_comment, reply
from tests.factories.projects import ProjectFactory
from tests.factories.users import Actor, UserFactory
from tests.votes.rows import EngagementRows


def ids(response: httpx.Response) -> list[str]:
    """The comment ids of a list response, in order."""
    assert response.status_code == 200, response.text
    return [c["id"] for c in response.json()["data"]]


async def vote(actor: Actor, comment: dict[str, Any], vote_type: str) -> None:
    """`actor` votes on `comment`."""
    response = await actor.client.post(
        f"/api/comments/{comment['id']}/vote", json={"vote_type": vote_type}
    )
    assert response.status_code == 200, response.text


async def test_top_level_comments_newest_first_with_reply_counts_and_no_replies(
    users: UserFactory, projects: ProjectFactory, client: httpx.AsyncClient
) -> None:
    pid = (await projects.project(await users.user()))["id"]
    other = (await projects.project(await users.user()))["id"]
    author = await users.actor()
    first = await post_comment(author.client, pid, "First")
    second = await post_comment(author.client, pid, "Second")
    third = await post_comment(author.client, pid, "Third")
    await reply(author.client, first)
    await reply(author.client, first)
    await post_comment(author.client, other, "Elsewhere")

    response = await client.get("/api/comments", params={"project_id": pid})

    assert ids(response) == [third["id"], second["id"], first["id"]]
    data = response.json()["data"]
    assert [c["reply_count"] for c in data] == [0, 0, 2]
    assert all("replies" not in c for c in data)
    assert response.json()["pagination"]["total"] == 3
    assert ids(await client.get(f"/api/comments?project_id={pid}&sort=new")) == ids(response)
    assert ids(await client.get(f"/api/comments?project_id={pid}&sort=newest")) == ids(response)


async def test_sort_top_orders_by_net_votes_then_newest(
    users: UserFactory, projects: ProjectFactory, client: httpx.AsyncClient
) -> None:
    pid = (await projects.project(await users.user()))["id"]
    author = await users.actor()
    voters = [await users.actor() for _ in range(3)]
    loved = await post_comment(author.client, pid, "Loved")
    hated = await post_comment(author.client, pid, "Hated")
    plain_old = await post_comment(author.client, pid, "Plain old")
    liked = await post_comment(author.client, pid, "Liked")
    plain_new = await post_comment(author.client, pid, "Plain new")
    for voter in voters:
        await vote(voter, loved, "up")
        await vote(voter, hated, "down")
    await vote(voters[0], liked, "up")
    await vote(voters[1], liked, "up")
    await vote(voters[2], liked, "down")

    top = await client.get("/api/comments", params={"project_id": pid, "sort": "top"})

    assert ids(top) == [loved["id"], liked["id"], plain_new["id"], plain_old["id"], hated["id"]]
    assert [c["upvotes"] - c["downvotes"] for c in top.json()["data"]] == [3, 1, 0, 0, -3]


async def test_pagination_totals_and_pages(
    users: UserFactory, projects: ProjectFactory, client: httpx.AsyncClient
) -> None:
    pid = (await projects.project(await users.user()))["id"]
    author = await users.actor()
    made = [await post_comment(author.client, pid, f"Comment {n}") for n in range(5)]

    page2 = await client.get(f"/api/comments?project_id={pid}&page=2&per_page=2")

    assert ids(page2) == [made[2]["id"], made[1]["id"]]
    assert page2.json()["pagination"] == {
        "page": 2,
        "per_page": 2,
        "total": 5,
        "total_pages": 3,
        "has_next": True,
        "has_prev": True,
    }
    assert ids(await client.get(f"/api/comments?project_id={pid}&page=4&per_page=2")) == []


async def test_replies_are_direct_children_oldest_first_and_paginated(
    users: UserFactory, projects: ProjectFactory, client: httpx.AsyncClient
) -> None:
    pid = (await projects.project(await users.user()))["id"]
    author = await users.actor()
    top = await post_comment(author.client, pid)
    children = [await reply(author.client, top, f"Child {n}") for n in range(3)]
    await reply(author.client, children[0], "Grandchild")

    response = await client.get(f"/api/comments/{top['id']}/replies")

    assert ids(response) == [c["id"] for c in children]
    assert [c["reply_count"] for c in response.json()["data"]] == [1, 0, 0]
    assert response.json()["pagination"]["total"] == 3
    paged = await client.get(f"/api/comments/{top['id']}/replies?per_page=2&page=2")
    assert ids(paged) == [children[2]["id"]]
    assert paged.json()["pagination"]["total_pages"] == 2
    leaf = await client.get(f"/api/comments/{children[2]['id']}/replies")
    assert ids(leaf) == []


async def test_the_tree_nests_every_reply_newest_threads_first(
    users: UserFactory, projects: ProjectFactory, client: httpx.AsyncClient
) -> None:
    pid = (await projects.project(await users.user()))["id"]
    a = await users.actor()
    b = await users.actor()
    old = await post_comment(a.client, pid, "Old thread")
    r1 = await reply(b.client, old, "r1")
    r2 = await reply(a.client, old, "r2")
    r11 = await reply(a.client, r1, "r1.1")
    r111 = await reply(b.client, r11, "r1.1.1")
    new = await post_comment(b.client, pid, "New thread")

    response = await client.get(f"/api/projects/{pid}/comments")

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["meta"] == {"truncated": False, "count": 6, "limit": 500}
    tree = body["data"]
    assert [c["id"] for c in tree] == [new["id"], old["id"]]
    assert tree[0]["replies"] == []
    assert [c["id"] for c in tree[1]["replies"]] == [r1["id"], r2["id"]]
    assert tree[1]["reply_count"] == 2
    deep = tree[1]["replies"][0]["replies"][0]
    assert deep["id"] == r11["id"]
    assert [c["id"] for c in deep["replies"]] == [r111["id"]]
    assert deep["replies"][0]["replies"] == []


async def test_a_deleted_comment_keeps_its_place_without_content_or_author(
    users: UserFactory, projects: ProjectFactory, client: httpx.AsyncClient
) -> None:
    pid = (await projects.project(await users.user()))["id"]
    a = await users.actor()
    b = await users.actor()
    top = await post_comment(a.client, pid, "Secret words")
    child = await reply(b.client, top, "Still here")
    later = await post_comment(b.client, pid, "Later")
    assert (await a.client.delete(f"/api/comments/{top['id']}")).status_code == 200

    listed = await client.get("/api/comments", params={"project_id": pid})
    assert ids(listed) == [later["id"], top["id"]]
    placeholder = listed.json()["data"][1]
    assert placeholder["content"] == "[deleted]"
    assert placeholder["author"] is None
    assert placeholder["user_id"] is None
    assert placeholder["is_deleted"] is True
    assert placeholder["reply_count"] == 1

    tree = (await client.get(f"/api/projects/{pid}/comments")).json()["data"]
    assert tree[1]["content"] == "[deleted]"
    assert tree[1]["author"] is None
    assert [c["id"] for c in tree[1]["replies"]] == [child["id"]]
    assert tree[1]["replies"][0]["content"] == "Still here"
    assert ids(await client.get(f"/api/comments/{top['id']}/replies")) == [child["id"]]
    for response in (listed, await client.get(f"/api/projects/{pid}/comments")):
        assert "Secret words" not in response.text


async def test_the_tree_is_capped_at_500_comments(
    users: UserFactory, projects: ProjectFactory, client: httpx.AsyncClient, rows: EngagementRows
) -> None:
    owner = await users.user()
    pid = (await projects.project(owner))["id"]
    made = await rows.bulk_comments(pid, owner, 501)

    body = (await client.get(f"/api/projects/{pid}/comments")).json()

    assert body["meta"] == {"truncated": True, "count": 500, "limit": 500}
    assert len(body["data"]) == 500
    assert body["data"][0]["id"] == str(made[499])  # the first 500 by time, newest first
    assert str(made[500]) not in {c["id"] for c in body["data"]}


async def test_unknown_deleted_and_banned_owners_projects_are_404_even_after_caching(
    users: UserFactory, projects: ProjectFactory, client: httpx.AsyncClient, rows: EngagementRows
) -> None:
    owner = await users.actor()
    pid = (await projects.project(owner.user))["id"]
    banned_owner = await users.user()
    banned_pid = (await projects.project(banned_owner))["id"]
    author = await users.actor()
    comment = await post_comment(author.client, pid)
    banned_comment = await post_comment(author.client, banned_pid)

    def urls(project_id: str, comment_id: str) -> list[str]:
        return [
            f"/api/comments?project_id={project_id}",
            f"/api/comments/{comment_id}/replies",
            f"/api/projects/{project_id}/comments",
        ]

    for url in urls(pid, comment["id"]) + urls(banned_pid, banned_comment["id"]):
        assert (await client.get(url)).status_code == 200  # now cached
    assert (await owner.client.delete(f"/api/projects/{pid}")).status_code == 200
    await rows.ban(banned_owner)

    for url in urls(pid, comment["id"]) + urls(banned_pid, banned_comment["id"]):
        response = await client.get(url)
        assert response.status_code == 404, url
    unknown = str(uuid.uuid4())
    for url in urls(unknown, unknown):
        assert (await client.get(url)).status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        "",
        "project_id=nope",
        "project_id=P&sort=best",
        "project_id=P&page=0",
        "project_id=P&per_page=101",
        "project_id=P&per_page=x",
    ],
)
async def test_bad_list_parameters_are_422(
    users: UserFactory, projects: ProjectFactory, client: httpx.AsyncClient, query: str
) -> None:
    pid = (await projects.project(await users.user()))["id"]
    response = await client.get("/api/comments?" + query.replace("P", pid, 1))
    assert response.status_code == 422, response.text


async def test_bad_ids_in_paths_are_422(client: httpx.AsyncClient) -> None:
    assert (await client.get("/api/comments/nope/replies")).status_code == 422
    assert (await client.get("/api/projects/nope/comments")).status_code == 422
    assert (await client.get("/api/comments/x/replies?per_page=0")).status_code == 422


async def test_lists_send_an_etag_and_answer_304_until_the_thread_changes(
    users: UserFactory, projects: ProjectFactory, client: httpx.AsyncClient
) -> None:
    pid = (await projects.project(await users.user()))["id"]
    author = await users.actor()
    top = await post_comment(author.client, pid)
    urls = [
        f"/api/comments?project_id={pid}",
        f"/api/comments/{top['id']}/replies",
        f"/api/projects/{pid}/comments",
    ]
    tags = {}
    for url in urls:
        first = await client.get(url)
        assert first.status_code == 200
        assert first.headers["Cache-Control"].startswith("public")
        tags[url] = first.headers["ETag"]
        again = await client.get(url, headers={"If-None-Match": tags[url]})
        assert again.status_code == 304
        assert again.content == b""

    await reply(author.client, top)

    for url in urls:
        changed = await client.get(url, headers={"If-None-Match": tags[url]})
        assert changed.status_code == 200, url
        assert changed.headers["ETag"] != tags[url]
    authed = await author.client.get(urls[0])
    assert authed.headers["Cache-Control"].startswith("private")


async def test_cached_lists_run_no_sql_for_anonymous_readers(
    users: UserFactory,
    projects: ProjectFactory,
    client: httpx.AsyncClient,
    query_count: Callable[[int], Any],
) -> None:
    pid = (await projects.project(await users.user()))["id"]
    author = await users.actor()
    top = await post_comment(author.client, pid)
    await reply(author.client, top)
    listed = f"/api/comments?project_id={pid}"
    tree = f"/api/projects/{pid}/comments"
    replies = f"/api/comments/{top['id']}/replies"
    for url in (listed, tree, replies):
        assert (await client.get(url)).status_code == 200

    with query_count(0):
        await client.get(listed)
        await client.get(tree)
    with query_count(0):  # the edge layer answers a repeat before the comment's project lookup
        await client.get(replies)
