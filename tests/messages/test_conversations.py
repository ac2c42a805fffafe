"""GET /api/messages/conversations and /conversation/{other_user_id}."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from oxship.models import User
from oxship.runtime import Runtime
from tests.factories.users import Actor, UserFactory
from tests.messages.conftest import events, send


async def _ban(users: UserFactory, user: User) -> None:
    async with users.runtime.sessionmaker() as session:
        row = await session.get(User, user.id)
        assert row is not None
        row.is_active = False
        row.banned_at = datetime.now(UTC)
        await session.commit()


async def test_conversations_most_recent_first_with_unread_counts(users: UserFactory) -> None:
    me, bob, carol = await users.actor(), await users.actor(), await users.actor()
    await send(bob.client, me.user.id, "from bob 1")
    await send(carol.client, me.user.id, "from carol")
    await send(bob.client, me.user.id, "from bob 2")
    last = await send(me.client, bob.user.id, "to bob")

    response = await me.client.get("/api/messages/conversations")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "private, no-store"
    body = response.json()
    assert body["pagination"]["total"] == 2
    bob_row, carol_row = body["data"]
    assert bob_row["user"] == {
        "id": str(bob.user.id),
        "username": bob.user.username,
        "display_name": bob.user.display_name,
        "avatar_url": None,
    }
    assert bob_row["conversation_id"] == last["conversation_id"]
    assert bob_row["last_message"] == {
        "id": last["id"],
        "sender_id": str(me.user.id),
        "message": "to bob",
        "created_at": last["created_at"],
        "is_read": False,
    }
    assert bob_row["last_message_time"] == last["created_at"]
    assert bob_row["unread_count"] == 2
    assert carol_row["user"]["id"] == str(carol.user.id)
    assert carol_row["unread_count"] == 1
    assert "@" not in response.text  # no email anywhere

    # Bob's view of the same conversation: nothing unread for him.
    (theirs,) = (await bob.client.get("/api/messages/conversations")).json()["data"]
    assert theirs["user"]["id"] == str(me.user.id)
    assert theirs["unread_count"] == 1


async def test_conversations_paginate_and_skip_banned_users(users: UserFactory) -> None:
    me = await users.actor()
    others = [await users.actor() for _ in range(3)]
    for other in others:
        await send(other.client, me.user.id, "hi")
    first = (await me.client.get("/api/messages/conversations?per_page=2")).json()
    assert [c["user"]["id"] for c in first["data"]] == [str(o.user.id) for o in others[::-1][:2]]
    assert first["pagination"] == {
        "page": 1,
        "per_page": 2,
        "total": 3,
        "total_pages": 2,
        "has_next": True,
        "has_prev": False,
    }
    second = (await me.client.get("/api/messages/conversations?per_page=2&page=2")).json()
    assert [c["user"]["id"] for c in second["data"]] == [str(others[0].user.id)]
    beyond = (await me.client.get("/api/messages/conversations?per_page=2&page=5")).json()
    assert beyond["data"] == []
    assert beyond["pagination"]["total"] == 3

    await _ban(users, others[1].user)
    after = (await me.client.get("/api/messages/conversations")).json()
    assert [c["user"]["id"] for c in after["data"]] == [
        str(others[2].user.id),
        str(others[0].user.id),
    ]
    assert after["pagination"]["total"] == 2
    bad = await me.client.get("/api/messages/conversations?per_page=abc")
    assert bad.status_code == 422


@pytest.mark.parametrize("per_page", [1, 20, 100])
async def test_conversations_run_a_fixed_number_of_statements(
    users: UserFactory, query_count: Any, per_page: int
) -> None:
    me = await users.actor()
    for _ in range(4):
        other = await users.actor()
        await send(other.client, me.user.id, "hi")
        await send(me.client, other.user.id, "hello")
    # 1 to authenticate the caller + 1 for the page (rows, unread counts and total together).
    with query_count(2):
        response = await me.client.get(f"/api/messages/conversations?per_page={per_page}")
    assert response.status_code == 200
    assert len(response.json()["data"]) == min(per_page, 4)
    assert response.json()["pagination"]["total"] == 4


async def _thread(actor: Actor, other: Actor, **params: Any) -> dict[str, Any]:
    response = await actor.client.get(f"/api/messages/conversation/{other.user.id}", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "private, no-store"
    body: dict[str, Any] = response.json()
    return body


async def test_thread_pages_by_keyset_oldest_to_newest(users: UserFactory) -> None:
    me, bob = await users.actor(), await users.actor()
    sent = []
    for i in range(7):
        author, target = (bob, me) if i % 2 == 0 else (me, bob)
        sent.append(await send(author.client, target.user.id, f"message {i}"))
    ids = [m["id"] for m in sent]

    page1 = await _thread(me, bob, limit=3)
    assert [m["id"] for m in page1["data"]] == ids[4:]
    assert page1["meta"]["has_more"] is True
    assert page1["meta"]["next_before"] == ids[4]
    assert page1["meta"]["conversation_id"] == sent[0]["conversation_id"]
    assert page1["meta"]["user"]["id"] == str(bob.user.id)
    page2 = await _thread(me, bob, limit=3, before=page1["meta"]["next_before"])
    assert [m["id"] for m in page2["data"]] == ids[1:4]
    assert page2["meta"]["has_more"] is True
    page3 = await _thread(me, bob, limit=3, before=page2["meta"]["next_before"])
    assert [m["id"] for m in page3["data"]] == ids[:1]
    assert page3["meta"] == {**page3["meta"], "has_more": False, "next_before": None}
    # Bob sees the same thread, default limit 50.
    assert [m["id"] for m in (await _thread(bob, me))["data"]] == ids


async def test_reading_marks_the_callers_messages_and_tells_the_sender(
    users: UserFactory, runtime: Runtime
) -> None:
    me, bob = await users.actor(), await users.actor()
    old = await send(bob.client, me.user.id, "old")
    mine = await send(me.client, bob.user.id, "mine")
    new = await send(bob.client, me.user.id, "new")

    page = await _thread(me, bob, limit=1)
    assert [(m["id"], m["is_read"]) for m in page["data"]] == [(new["id"], True)]
    assert page["data"][0]["read_at"] is not None
    page = await _thread(me, bob)
    assert [(m["id"], m["is_read"]) for m in page["data"]] == [
        (old["id"], True),
        (mine["id"], False),  # addressed to bob: reading it myself changes nothing
        (new["id"], True),
    ]
    read = events(runtime, "messages:read")
    assert [(e.room, e.payload["message_ids"]) for e in read] == [
        (f"user:{bob.user.id}", [new["id"]]),
        (f"user:{bob.user.id}", [old["id"]]),
    ]
    assert read[0].payload["reader_id"] == str(me.user.id)
    assert read[0].payload["conversation_id"] == new["conversation_id"]
    await _thread(me, bob)
    assert len(events(runtime, "messages:read")) == 2  # nothing left to mark: no event
    count = await me.client.get("/api/messages/unread-count")
    assert count.json()["data"] == {"unread_count": 0}


@pytest.mark.parametrize("limit", [1, 50])
async def test_thread_runs_a_fixed_number_of_statements(
    users: UserFactory, query_count: Any, limit: int
) -> None:
    me, bob = await users.actor(), await users.actor()
    sent = [await send(bob.client, me.user.id, f"hi {i}") for i in range(5)]
    url = f"/api/messages/conversation/{bob.user.id}"
    # auth 1 + other user 1 + conversation 1 + `before` anchor 1 + page 1 + one UPDATE marking
    # the page's unread messages, whatever the limit.
    with query_count(6):
        older = await me.client.get(url, params={"before": sent[-1]["id"], "limit": limit})
    assert len(older.json()["data"]) == min(limit, 4)
    assert all(m["is_read"] for m in older.json()["data"])
    with query_count(5):  # no anchor without `before`
        newest = await me.client.get(url, params={"limit": limit})
    assert newest.json()["data"][-1]["id"] == sent[-1]["id"]
    # Bob reads: every message of the page is addressed to me, so there is nothing to mark.
    with query_count(4):
        await bob.client.get(f"/api/messages/conversation/{me.user.id}", params={"limit": limit})


async def test_thread_errors_and_empty(users: UserFactory) -> None:
    me, bob, carol = await users.actor(), await users.actor(), await users.actor()
    empty = await _thread(me, bob)
    assert empty["data"] == []
    assert empty["meta"] == {
        "has_more": False,
        "next_before": None,
        "conversation_id": None,
        "user": {
            "id": str(bob.user.id),
            "username": bob.user.username,
            "display_name": bob.user.display_name,
            "avatar_url": None,
        },
    }
    other = await send(carol.client, me.user.id, "carol's")
    await send(bob.client, me.user.id, "bob's")
    foreign = await me.client.get(
        f"/api/messages/conversation/{bob.user.id}", params={"before": other["id"]}
    )
    assert foreign.status_code == 404
    unknown_before = await me.client.get(
        f"/api/messages/conversation/{bob.user.id}", params={"before": str(uuid.uuid4())}
    )
    assert unknown_before.status_code == 404
    assert (await me.client.get(f"/api/messages/conversation/{me.user.id}")).status_code == 422
    assert (await me.client.get(f"/api/messages/conversation/{uuid.uuid4()}")).status_code == 404
    for bad in ("limit=0", "limit=101", "limit=x", "before=nope"):
        response = await me.client.get(f"/api/messages/conversation/{bob.user.id}?{bad}")
        assert response.status_code == 422, bad
    await _ban(users, bob.user)
    assert (await me.client.get(f"/api/messages/conversation/{bob.user.id}")).status_code == 404
