"""Message events through a live server, and first messages under concurrency."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import func, select

from oxship.models import Conversation, DirectMessage
from oxship.runtime import Runtime
from tests.factories.users import UserFactory
from tests.messages.conftest import send

pytestmark = pytest.mark.committed


async def test_message_events_reach_only_the_right_sockets(
    live_url: str, listeners: Any, users: UserFactory
) -> None:
    alice, bob, carol = await users.actor(), await users.actor(), await users.actor()
    alice_socket = await listeners(live_url, alice.access)
    bob_socket = await listeners(live_url, bob.access)
    carol_socket = await listeners(live_url, carol.access)
    anonymous = await listeners(live_url)

    sent = await send(alice.client, bob.user.id, "Hello over the wire")
    (received,) = await bob_socket.wait_for("message:received")
    assert received["id"] == sent["id"]
    assert received["message"] == "Hello over the wire"
    assert received["sender"]["id"] == str(alice.user.id)

    page = await bob.client.get(f"/api/messages/conversation/{alice.user.id}")
    assert page.json()["data"][0]["is_read"] is True
    (read,) = await alice_socket.wait_for("messages:read")
    assert read == {
        "reader_id": str(bob.user.id),
        "conversation_id": sent["conversation_id"],
        "message_ids": [sent["id"]],
    }

    second = await send(alice.client, bob.user.id, "Second")
    await bob_socket.wait_for("message:received", count=2)
    marked = await bob.client.post(f"/api/messages/{second['id']}/mark-read")
    assert marked.status_code == 200
    (one,) = await alice_socket.wait_for("message:read")
    assert one["message_id"] == second["id"]

    await asyncio.sleep(0.2)  # anything misrouted would have arrived by now
    for socket in (carol_socket, anonymous):
        assert socket.events == []
    assert alice_socket.named("message:received") == []
    assert bob_socket.named("messages:read") == []
    assert bob_socket.named("message:read") == []


async def test_typing_reaches_the_recipient(
    live_url: str, listeners: Any, users: UserFactory
) -> None:
    alice, bob = await users.actor(), await users.actor()
    alice_socket = await listeners(live_url, alice.access)
    bob_socket = await listeners(live_url, bob.access)
    ack = await alice_socket.client.call("typing", {"recipient_id": str(bob.user.id)})
    assert ack == {"ok": True}
    (typing,) = await bob_socket.wait_for("typing")
    assert typing == {"user_id": str(alice.user.id)}


async def test_concurrent_first_messages_share_one_conversation(
    users: UserFactory, runtime: Runtime
) -> None:
    alice, bob = await users.actor(), await users.actor()
    responses = await asyncio.gather(
        *(
            (alice if i % 2 else bob).client.post(
                "/api/messages/send",
                json={
                    "recipient_id": str((bob if i % 2 else alice).user.id),
                    "message": f"race {i}",
                },
            )
            for i in range(10)
        )
    )
    assert {r.status_code for r in responses} == {201}, [r.text for r in responses]
    assert len({r.json()["data"]["conversation_id"] for r in responses}) == 1
    async with runtime.sessionmaker() as session:
        conversations = (await session.scalars(select(Conversation))).all()
        count = await session.scalar(select(func.count()).select_from(DirectMessage))
        newest = await session.scalar(
            select(DirectMessage.id).order_by(
                DirectMessage.created_at.desc(), DirectMessage.id.desc()
            )
        )
    assert len(conversations) == 1
    assert count == 10
    assert conversations[0].last_message_id == newest


async def test_reading_while_messages_arrive_never_fails(users: UserFactory) -> None:
    """The read (which marks messages read) and concurrent sends all succeed, on both backends."""
    alice, bob = await users.actor(), await users.actor()
    await send(alice.client, bob.user.id, "first")
    calls = []
    for i in range(15):
        calls.append(
            alice.client.post(
                "/api/messages/send", json={"recipient_id": str(bob.user.id), "message": f"m{i}"}
            )
        )
        calls.append(bob.client.get(f"/api/messages/conversation/{alice.user.id}"))
    responses = await asyncio.gather(*calls)
    assert sorted(r.status_code for r in responses) == [200] * 15 + [201] * 15, [
        r.text for r in responses if r.status_code >= 300
    ]
    final = await bob.client.get(f"/api/messages/conversation/{alice.user.id}")
    assert len(final.json()["data"]) == 16
    assert all(m["is_read"] for m in final.json()["data"])
    count = await bob.client.get("/api/messages/unread-count")
    assert count.json()["data"] == {"unread_count": 0}
