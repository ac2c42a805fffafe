"""Comments under real concurrency (committed transactions): counters equal live rows."""

from __future__ import annotations

import asyncio

import pytest

from tests.comments.helpers import post_comment, reply
from tests.factories.projects import ProjectFactory
from tests.factories.users import UserFactory
from tests.votes.rows import EngagementRows

pytestmark = pytest.mark.committed


async def test_counters_equal_live_rows_after_concurrent_creates_and_deletes(
    users: UserFactory, projects: ProjectFactory, rows: EngagementRows
) -> None:
    owner = await users.actor()
    pid = (await projects.project(owner.user))["id"]
    authors = [await users.actor() for _ in range(6)]
    top = await post_comment(authors[0].client, pid, "Thread")
    existing = [await reply(a.client, top, "Early reply") for a in authors]

    creates = [
        authors[n % 6].client.post(
            "/api/comments",
            json={"project_id": pid, "content": f"Reply {n}", "parent_id": top["id"]},
        )
        for n in range(12)
    ] + [
        authors[n % 6].client.post("/api/comments", json={"project_id": pid, "content": f"Top {n}"})
        for n in range(6)
    ]
    # Each early reply is deleted twice at once: by its author and by the project owner.
    deletes = [
        client.delete(f"/api/comments/{comment['id']}")
        for comment, author in zip(existing, authors, strict=True)
        for client in (author.client, owner.client)
    ]
    responses = await asyncio.gather(*creates, *deletes)

    statuses = [r.status_code for r in responses]
    assert statuses == [201] * 18 + [200] * 12, [r.text for r in responses if r.status_code >= 300]
    project = await rows.project(pid)
    assert project.comment_count == await rows.live_comments(pid) == 1 + 12 + 6
    parent = await rows.comment(top["id"])
    assert parent.reply_count == await rows.live_comments(pid, parent_id=top["id"]) == 12


async def test_concurrent_votes_on_a_comment_keep_one_row_per_user_and_exact_counts(
    users: UserFactory, projects: ProjectFactory, rows: EngagementRows
) -> None:
    pid = (await projects.project(await users.user()))["id"]
    author = await users.actor()
    cid = (await post_comment(author.client, pid))["id"]
    voters = [await users.actor() for _ in range(10)]
    toggler = await users.actor()

    responses = await asyncio.gather(
        *(v.client.post(f"/api/comments/{cid}/vote", json={"vote_type": "up"}) for v in voters),
        *(
            toggler.client.post(
                f"/api/comments/{cid}/vote", json={"vote_type": "up" if n % 2 else "down"}
            )
            for n in range(15)
        ),
    )

    assert {r.status_code for r in responses} == {200}, [r.text for r in responses]
    votes = await rows.comment_votes(cid)
    assert len(votes) == len({v.user_id for v in votes})
    assert sum(v.user_id == toggler.user.id for v in votes) <= 1
    comment = await rows.comment(cid)
    assert comment.upvotes == sum(v.vote_type == "up" for v in votes)
    assert comment.downvotes == sum(v.vote_type == "down" for v in votes)
    assert (await rows.user(author.user.id)).karma == comment.upvotes
