"""Votes under real concurrency (committed transactions): one row per (user, project), exact counters."""

from __future__ import annotations

import asyncio

import pytest

from tests.factories.projects import ProjectFactory
from tests.factories.users import UserFactory
from tests.votes.rows import EngagementRows

pytestmark = pytest.mark.committed


async def test_fifty_distinct_users_voting_at_once_leave_fifty_rows_and_matching_counters(
    users: UserFactory, projects: ProjectFactory, rows: EngagementRows
) -> None:
    owner = await users.user()
    pid = (await projects.project(owner))["id"]
    voters = [await users.actor() for _ in range(50)]

    responses = await asyncio.gather(
        *(
            v.client.post("/api/votes", json={"project_id": pid, "vote_type": "up"})
            for v in voters[:40]
        ),
        *(v.client.post(f"/api/projects/{pid}/downvote") for v in voters[40:]),
    )

    assert [r.status_code for r in responses] == [200] * 50, [r.text for r in responses]
    assert {r.json()["data"]["action"] for r in responses} == {"created"}
    votes = await rows.votes(pid)
    assert len(votes) == 50
    assert len({v.user_id for v in votes}) == 50
    project = await rows.project(pid)
    assert (project.upvotes, project.downvotes) == (40, 10)
    # Every response saw a consistent state: the final one has the full counts.
    assert max(r.json()["data"]["upvotes"] + r.json()["data"]["downvotes"] for r in responses) == 50
    notes = await rows.notifications(owner.id, "vote")
    assert len(notes) == 1
    assert notes[0].count == 50


async def test_twenty_concurrent_toggles_by_one_user_leave_at_most_one_row(
    users: UserFactory, projects: ProjectFactory, rows: EngagementRows
) -> None:
    pid = (await projects.project(await users.user()))["id"]
    voter = await users.actor()

    responses = await asyncio.gather(
        *(
            voter.client.post(f"/api/projects/{pid}/{'upvote' if n % 3 else 'downvote'}")
            for n in range(20)
        )
    )

    assert {r.status_code for r in responses} == {200}, [r.text for r in responses]
    votes = await rows.votes(pid)
    assert len(votes) <= 1
    project = await rows.project(pid)
    ups = sum(v.vote_type == "up" for v in votes)
    downs = sum(v.vote_type == "down" for v in votes)
    assert (project.upvotes, project.downvotes) == (ups, downs)
    listed = (await voter.client.get("/api/votes/user")).json()["pagination"]["total"]
    assert listed == len(votes)
