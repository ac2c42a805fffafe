"""Every forum read runs a fixed number of SQL statements, whatever its page size and caller."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.chains.conftest import make_chain
from tests.factories.users import UserFactory
from tests.forum.helpers import ForumRows, posts_url, reply_to, start_thread


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    """No response cache: every request below runs its queries."""
    return {"cache_enabled": False}


async def _forum(users: UserFactory, rows: ForumRows, *, public: bool) -> dict[str, Any]:
    """A chain with 30 threads by 10 authors, 30 replies to the first, reactions, a deletion."""
    owner = await users.actor()
    chain = await make_chain(owner.client, f"Busy forum {public}", is_public=public)
    authors = [await users.actor() for _ in range(10)]
    for author in authors:
        await rows.follow(chain, author.user.id)
    threads = [
        await start_thread(authors[n % 10].client, chain, title=f"Thread {n}") for n in range(30)
    ]
    for n in range(30):
        child = await reply_to(authors[(n + 1) % 10].client, chain, threads[0], f"Reply {n}")
        if n % 3 == 0:
            await reply_to(authors[n % 10].client, chain, child, "Deeper")
    reader = authors[5]
    for post in threads[:5]:
        response = await reader.client.post(
            f"{posts_url(chain)}/{post['id']}/react", json={"reaction_type": "upvote"}
        )
        assert response.status_code == 200
    gone = await authors[1].client.delete(f"{posts_url(chain)}/{threads[1]['id']}")
    assert gone.status_code == 200
    return {"chain": chain, "first": threads[0]["id"], "reader": reader}


# chain (+ follower check on a private chain) + [the post] + total + page; a signed-in caller
# adds the token's user lookup and one overlay statement.
CASES = [
    ("threads", lambda f, n: f"{posts_url(f['chain'])}?per_page={n}", 3, 29),
    ("top", lambda f, n: f"{posts_url(f['chain'])}?per_page={n}&sort=top", 3, 29),
    ("active", lambda f, n: f"{posts_url(f['chain'])}?per_page={n}&sort=active", 3, 29),
    ("detail", lambda f, n: f"{posts_url(f['chain'])}/{f['first']}?per_page={n}", 4, 1),
    ("replies", lambda f, n: f"{posts_url(f['chain'])}/{f['first']}/replies?per_page={n}", 4, 30),
]


@pytest.mark.parametrize(("name", "url", "anonymous", "total"), CASES, ids=[c[0] for c in CASES])
async def test_public_forum_statement_count_is_fixed(
    users: UserFactory,
    rows: ForumRows,
    client: httpx.AsyncClient,
    query_count: Callable[[int], Any],
    name: str,
    url: Callable[[dict[str, Any], int], str],
    anonymous: int,
    total: int,
) -> None:
    forum = await _forum(users, rows, public=True)
    reader = forum["reader"].client
    for per_page in (1, 20, 100):
        with query_count(anonymous):
            response = await client.get(url(forum, per_page))
        assert response.status_code == 200
        body = response.json()
        items = body["data"]["replies"] if name == "detail" else body["data"]
        assert len(items) == min(per_page, 30 if name == "detail" else total)
        with query_count(anonymous + 2):
            mine = await reader.get(url(forum, per_page))
        assert mine.status_code == 200
        if per_page == 100 and name in ("threads", "top", "active"):
            reacted = sum(p["user_reaction"] == "upvote" for p in mine.json()["data"])
            assert reacted == 4  # the fifth was deleted


async def test_private_forum_statement_count_is_fixed(
    users: UserFactory, rows: ForumRows, query_count: Callable[[int], Any]
) -> None:
    forum = await _forum(users, rows, public=False)
    reader = forum["reader"].client
    for per_page in (1, 20, 100):
        # user + chain + follower check + total + page + overlay
        with query_count(6):
            listed = await reader.get(f"{posts_url(forum['chain'])}?per_page={per_page}")
        assert listed.status_code == 200
        assert len(listed.json()["data"]) == min(per_page, 29)
        with query_count(7):
            detail = await reader.get(
                f"{posts_url(forum['chain'])}/{forum['first']}?per_page={per_page}"
            )
        assert len(detail.json()["data"]["replies"]) == min(per_page, 30)
