"""Reactions: toggle semantics, counters in SQL, hot score recomputed, deleted posts refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from oxship.forum.scoring import hot_score
from tests.chains.conftest import make_chain
from tests.factories.users import UserFactory
from tests.forum.helpers import ForumRows, posts_url, reply_to, start_thread


async def test_toggle_semantics_and_counters(
    users: UserFactory, client: httpx.AsyncClient, rows: ForumRows
) -> None:
    owner = await users.actor()
    chain = await make_chain(owner.client, "React chain")
    post = await start_thread(owner.client, chain)
    fan = await users.actor()
    url = f"{posts_url(chain)}/{post['id']}/react"
    created_at = (await rows.post(post["id"])).created_at

    async def react(kind: str) -> dict[str, object]:
        response = await fan.client.post(url, json={"reaction_type": kind})
        assert response.status_code == 200, response.text
        data: dict[str, object] = response.json()["data"]
        return data

    up = await react("upvote")
    assert up == {
        "post_id": post["id"],
        "user_reaction": "upvote",
        "upvote_count": 1,
        "downvote_count": 0,
    }
    assert await rows.reactions(post["id"]) == [(str(fan.user.id), "upvote")]
    switched = await react("downvote")
    assert (switched["user_reaction"], switched["upvote_count"], switched["downvote_count"]) == (
        "downvote",
        0,
        1,
    )
    assert await rows.reactions(post["id"]) == [(str(fan.user.id), "downvote")]
    row = await rows.post(post["id"])
    assert row.hot_score == pytest.approx(hot_score(upvotes=0, downvotes=1, created_at=created_at))
    removed = await react("downvote")
    assert removed["user_reaction"] is None
    assert await rows.reactions(post["id"]) == []
    assert await rows.counters(post["id"]) == (0, 0, 0, 0)

    # Own posts may be reacted to; reactions show per caller only.
    mine = await owner.client.post(url, json={"reaction_type": "upvote"})
    assert mine.json()["data"]["upvote_count"] == 1
    seen = (await owner.client.get(posts_url(chain))).json()["data"][0]
    assert (seen["user_reaction"], seen["is_author"]) == ("upvote", True)
    other = (await fan.client.get(posts_url(chain))).json()["data"][0]
    assert (other["user_reaction"], other["is_author"]) == (None, False)
    anonymous = (await client.get(posts_url(chain))).json()["data"][0]
    assert (anonymous["user_reaction"], anonymous["is_author"]) == (None, False)
    assert anonymous["upvote_count"] == 1
    assert (await client.post(url, json={"reaction_type": "upvote"})).status_code == 401


async def test_replies_take_reactions_and_detail_shows_them(
    users: UserFactory, rows: ForumRows
) -> None:
    owner = await users.actor()
    chain = await make_chain(owner.client, "Reply react chain")
    root = await start_thread(owner.client, chain)
    reply = await reply_to(owner.client, chain, root)
    fan = await users.actor()
    url = f"{posts_url(chain)}/{reply['id']}/react"
    assert (await fan.client.post(url, json={"reaction_type": "upvote"})).status_code == 200
    detail = (await fan.client.get(f"{posts_url(chain)}/{root['id']}")).json()["data"]
    assert detail["user_reaction"] is None
    assert detail["replies"][0]["user_reaction"] == "upvote"
    assert detail["replies"][0]["upvote_count"] == 1
    replies = (await fan.client.get(f"{posts_url(chain)}/{root['id']}/replies")).json()["data"]
    assert replies[0]["user_reaction"] == "upvote"
    # Reactions do not notify.
    assert await rows.counters(reply["id"]) == (0, 0, 1, 0)


async def test_deleted_posts_take_no_reactions(users: UserFactory, rows: ForumRows) -> None:
    owner = await users.actor()
    chain = await make_chain(owner.client, "Dead react chain")
    post = await start_thread(owner.client, chain)
    assert (await owner.client.delete(f"{posts_url(chain)}/{post['id']}")).status_code == 200
    fan = await users.actor()
    response = await fan.client.post(
        f"{posts_url(chain)}/{post['id']}/react", json={"reaction_type": "upvote"}
    )
    assert response.status_code == 404
    assert await rows.reactions(post["id"]) == []


def test_hot_score_formula() -> None:
    epoch = datetime(2025, 1, 1, tzinfo=UTC)
    assert hot_score(upvotes=0, downvotes=0, created_at=epoch) == 0
    assert hot_score(upvotes=10, downvotes=0, created_at=epoch) == 1
    assert hot_score(upvotes=0, downvotes=100, created_at=epoch) == -2
    later = datetime(2025, 1, 1, 12, 30, tzinfo=UTC)  # 45000 s = one unit
    assert hot_score(upvotes=1, downvotes=1, created_at=later) == 1


@given(
    up=st.integers(0, 10**6),
    down=st.integers(0, 10**6),
    extra=st.integers(1, 1000),
    seconds=st.integers(0, 10**9),
)
def test_hot_score_grows_with_net_votes_and_recency(
    up: int, down: int, extra: int, seconds: int
) -> None:
    at = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds)
    base = hot_score(upvotes=up, downvotes=down, created_at=at)
    assert hot_score(upvotes=up + extra, downvotes=down, created_at=at) >= base
    assert hot_score(upvotes=up, downvotes=down + extra, created_at=at) <= base
    later = at + timedelta(seconds=45_000)
    assert hot_score(upvotes=up, downvotes=down, created_at=later) == pytest.approx(base + 1)
