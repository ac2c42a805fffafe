"""Every comment list runs a fixed number of SQL statements, whatever its page size and caller."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.comments.helpers import post_comment, reply
from tests.factories.projects import ProjectFactory
from tests.factories.users import UserFactory


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    """No response cache: every request below runs its queries."""
    return {"cache_enabled": False}


@pytest.fixture
async def thread(users: UserFactory, projects: ProjectFactory) -> dict[str, Any]:
    """A project with 30 top-level comments by 10 authors, 30 replies to the first, votes."""
    pid = (await projects.project(await users.user()))["id"]
    authors = [await users.actor() for _ in range(10)]
    top = [await post_comment(authors[n % 10].client, pid, f"Top {n}") for n in range(30)]
    for n in range(30):
        child = await reply(authors[(n + 1) % 10].client, top[0], f"Reply {n}")
        if n % 3 == 0:
            await reply(authors[n % 10].client, child, "Deeper")
    for comment in top[:5]:  # the reader (authors[5]) votes on others' comments
        response = await authors[5].client.post(
            f"/api/comments/{comment['id']}/vote", json={"vote_type": "up"}
        )
        assert response.status_code == 200
    await authors[1].client.delete(f"/api/comments/{top[1]['id']}")
    return {"project_id": pid, "first": top[0]["id"], "reader": authors[5]}


# caller (authenticated only) + project check + [resolve the comment] + total + page + overlay
CASES = [
    ("list", lambda t, n: f"/api/comments?project_id={t['project_id']}&per_page={n}", 3),
    ("top", lambda t, n: f"/api/comments?project_id={t['project_id']}&per_page={n}&sort=top", 3),
    ("replies", lambda t, n: f"/api/comments/{t['first']}/replies?per_page={n}", 4),
    ("tree", lambda t, n: f"/api/projects/{t['project_id']}/comments", 2),
]


@pytest.mark.parametrize(("name", "url", "anonymous"), CASES, ids=[c[0] for c in CASES])
async def test_statement_count_is_fixed_for_every_page_size_and_caller(
    thread: dict[str, Any],
    client: httpx.AsyncClient,
    query_count: Callable[[int], Any],
    name: str,
    url: Callable[[dict[str, Any], int], str],
    anonymous: int,
) -> None:
    reader = thread["reader"].client
    for per_page in (1, 20, 100):
        with query_count(anonymous):
            response = await client.get(url(thread, per_page))
        assert response.status_code == 200
        if name != "tree":
            assert len(response.json()["data"]) == min(per_page, 30)
        with query_count(anonymous + 2):
            mine = await reader.get(url(thread, per_page))
        assert mine.status_code == 200
        if per_page == 100:  # the overlay did its work
            voted = sum(c["user_vote"] == "up" for c in mine.json()["data"])
            assert voted == (0 if name == "replies" else 5)
