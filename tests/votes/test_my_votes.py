"""GET /api/votes/user: the caller's votes, newest first, paginated, with a short project card."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.factories.projects import ProjectFactory
from tests.factories.users import Actor, UserFactory


async def vote_on(
    voter: Actor, users: UserFactory, projects: ProjectFactory, n: int
) -> list[dict[str, Any]]:
    """`n` projects of other users, each voted on by `voter` (alternating up and down)."""
    made = []
    for i in range(n):
        project = await projects.project(await users.user(), title=f"Voted project {i}")
        response = await voter.client.post(
            f"/api/projects/{project['id']}/{'upvote' if i % 2 == 0 else 'downvote'}"
        )
        assert response.status_code == 200
        made.append(project)
    return made


async def test_lists_the_callers_votes_newest_first_with_a_project_card(
    users: UserFactory, projects: ProjectFactory
) -> None:
    voter = await users.actor()
    made = await vote_on(voter, users, projects, 3)
    other = await users.actor()
    await other.client.post(f"/api/projects/{made[0]['id']}/upvote")

    response = await voter.client.get("/api/votes/user")

    assert response.status_code == 200, response.text
    body = response.json()
    assert [v["project_id"] for v in body["data"]] == [p["id"] for p in reversed(made)]
    assert [v["vote_type"] for v in body["data"]] == ["up", "down", "up"]
    assert body["pagination"] == {
        "page": 1,
        "per_page": 20,
        "total": 3,
        "total_pages": 1,
        "has_next": False,
        "has_prev": False,
    }
    card = body["data"][-1]["project"]
    assert card["id"] == made[0]["id"]
    assert card["title"] == "Voted project 0"
    assert card["upvotes"] == 2
    assert card["creator"]["id"] == made[0]["user_id"]
    assert "email" not in card["creator"]
    others = (await other.client.get("/api/votes/user")).json()["data"]
    assert [v["project_id"] for v in others] == [made[0]["id"]]


async def test_pages_and_removed_votes(users: UserFactory, projects: ProjectFactory) -> None:
    voter = await users.actor()
    made = await vote_on(voter, users, projects, 5)
    await voter.client.delete(f"/api/projects/{made[2]['id']}/vote")

    second = (await voter.client.get("/api/votes/user?page=2&per_page=2")).json()

    assert [v["project_id"] for v in second["data"]] == [made[1]["id"], made[0]["id"]]
    assert second["pagination"]["total"] == 4
    assert second["pagination"]["total_pages"] == 2
    assert second["pagination"]["has_prev"] is True
    assert second["pagination"]["has_next"] is False
    beyond = (await voter.client.get("/api/votes/user?page=9&per_page=2")).json()
    assert beyond["data"] == []
    assert beyond["pagination"]["total"] == 4


async def test_votes_on_deleted_projects_are_not_listed(
    users: UserFactory, projects: ProjectFactory
) -> None:
    voter = await users.actor()
    owner = await users.actor()
    gone = await projects.project(owner.user)
    kept = await projects.project(owner.user)
    for project in (gone, kept):
        await voter.client.post(f"/api/projects/{project['id']}/upvote")
    assert (await owner.client.delete(f"/api/projects/{gone['id']}")).status_code == 200

    body = (await voter.client.get("/api/votes/user")).json()

    assert [v["project_id"] for v in body["data"]] == [kept["id"]]
    assert body["pagination"]["total"] == 1


@pytest.mark.parametrize("query", ["page=0", "per_page=0", "per_page=101", "page=x"])
async def test_bad_paging_is_422(users: UserFactory, query: str) -> None:
    voter = await users.actor()
    assert (await voter.client.get(f"/api/votes/user?{query}")).status_code == 422


async def test_the_statement_count_does_not_grow_with_the_page_size(
    users: UserFactory,
    projects: ProjectFactory,
    query_count: Callable[[int], Any],
) -> None:
    voter = await users.actor()
    await vote_on(voter, users, projects, 25)
    sizes = []
    for per_page in (1, 20, 100):
        with query_count(3):  # the caller, the total, the page (with projects and owners)
            response = await voter.client.get(f"/api/votes/user?per_page={per_page}")
        sizes.append(len(response.json()["data"]))
    assert sizes == [1, 20, 25]


async def test_anonymous_gets_401(client: httpx.AsyncClient) -> None:
    assert (await client.get("/api/votes/user")).status_code == 401
