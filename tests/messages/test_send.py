"""POST /api/messages/send, the unread count and mark-read."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import func, select

from oxship.models import Conversation, DirectMessage, Notification
from oxship.runtime import Runtime
from tests.factories.users import UserFactory
from tests.messages.conftest import events, send


async def test_send_creates_one_conversation_and_emits_to_the_recipient(
    users: UserFactory, runtime: Runtime
) -> None:
    alice, bob = await users.actor(), await users.actor()
    first = await send(alice.client, bob.user.id, "  Hello Bob  ")
    assert first["message"] == "Hello Bob"
    assert first["sender_id"] == str(alice.user.id)
    assert first["recipient_id"] == str(bob.user.id)
    assert first["is_read"] is False
    assert first["read_at"] is None
    reply = await send(bob.client, alice.user.id, "Hi Alice")
    assert reply["conversation_id"] == first["conversation_id"]

    async with runtime.sessionmaker() as session:
        conversation = (await session.scalars(select(Conversation))).one()
        messages = await session.scalar(select(func.count()).select_from(DirectMessage))
        notifications = await session.scalar(select(func.count()).select_from(Notification))
    assert str(conversation.id) == first["conversation_id"]
    assert conversation.user_low < conversation.user_high
    assert {conversation.user_low, conversation.user_high} == {alice.user.id, bob.user.id}
    assert str(conversation.last_message_id) == reply["id"]
    assert messages == 2
    assert notifications == 0  # a DM is an event and an unread count, not a notification

    received = events(runtime, "message:received")
    assert [(e.room, e.payload["id"]) for e in received] == [
        (f"user:{bob.user.id}", first["id"]),
        (f"user:{alice.user.id}", reply["id"]),
    ]
    assert received[0].payload["sender"] == {
        "id": str(alice.user.id),
        "username": alice.user.username,
        "display_name": alice.user.display_name,
        "avatar_url": None,
    }
    assert "email" not in str(received[0].payload)


async def test_send_refuses_bad_recipients(users: UserFactory, client: httpx.AsyncClient) -> None:
    alice = await users.actor()
    me = await alice.client.post(
        "/api/messages/send", json={"recipient_id": str(alice.user.id), "message": "me"}
    )
    assert me.status_code == 422
    assert me.json()["details"][0]["field"] == "recipient_id"
    unknown = await alice.client.post(
        "/api/messages/send", json={"recipient_id": str(uuid.uuid4()), "message": "hi"}
    )
    assert unknown.status_code == 404
    banned = await users.user(is_active=False, banned_at=datetime.now(UTC))
    deleted = await users.user(deleted_at=datetime.now(UTC))
    for target in (banned, deleted):
        response = await alice.client.post(
            "/api/messages/send", json={"recipient_id": str(target.id), "message": "hi"}
        )
        assert response.status_code == 404, response.text
    bob = await users.user()
    anonymous = await client.post(
        "/api/messages/send", json={"recipient_id": str(bob.id), "message": "hi"}
    )
    assert anonymous.status_code == 401


@pytest.mark.parametrize(
    "body",
    [
        {"message": "x" * 2001},
        {"message": "   "},
        {"message": ""},
        {"message": "nul\x00"},
        {"recipient_id": "not-a-uuid", "message": "hi"},
        {},
    ],
)
async def test_send_validates_the_body(users: UserFactory, body: dict[str, str]) -> None:
    alice, bob = await users.actor(), await users.user()
    response = await alice.client.post(
        "/api/messages/send", json={"recipient_id": str(bob.id), **body}
    )
    assert response.status_code == 422, response.text


async def test_banned_sender_is_refused(users: UserFactory) -> None:
    alice, bob = await users.actor(), await users.user()
    async with users.runtime.sessionmaker() as session:
        user = await session.get(type(alice.user), alice.user.id)
        assert user is not None
        user.is_active = False
        user.banned_at = datetime.now(UTC)
        await session.commit()
    response = await alice.client.post(
        "/api/messages/send", json={"recipient_id": str(bob.id), "message": "hi"}
    )
    assert response.status_code == 401


async def test_unread_count_and_mark_read(users: UserFactory, runtime: Runtime) -> None:
    alice, bob, carol = await users.actor(), await users.actor(), await users.actor()
    first = await send(alice.client, bob.user.id, "one")
    await send(alice.client, bob.user.id, "two")
    await send(carol.client, bob.user.id, "three")
    count = await bob.client.get("/api/messages/unread-count")
    assert count.json()["data"] == {"unread_count": 3}
    assert count.headers["cache-control"] == "private, no-store"
    assert (await alice.client.get("/api/messages/unread-count")).json()["data"] == {
        "unread_count": 0
    }

    # Only the recipient may mark it: 404 for the sender, a stranger and an unknown id.
    for outsider in (alice, carol):
        response = await outsider.client.post(f"/api/messages/{first['id']}/mark-read")
        assert response.status_code == 404
    assert (await bob.client.post(f"/api/messages/{uuid.uuid4()}/mark-read")).status_code == 404

    marked = await bob.client.post(f"/api/messages/{first['id']}/mark-read")
    assert marked.status_code == 200
    assert marked.json()["data"]["is_read"] is True
    assert marked.json()["data"]["read_at"] is not None
    again = await bob.client.post(f"/api/messages/{first['id']}/mark-read")
    assert again.json()["data"]["is_read"] is True
    read_events = events(runtime, "message:read")
    assert len(read_events) == 1  # once, when it turned read
    assert read_events[0].room == f"user:{alice.user.id}"
    assert read_events[0].payload["message_id"] == first["id"]
    assert read_events[0].payload["reader_id"] == str(bob.user.id)
    count = await bob.client.get("/api/messages/unread-count")
    assert count.json()["data"] == {"unread_count": 2}


async def test_unread_count_ignores_banned_senders(users: UserFactory) -> None:
    alice, bob = await users.actor(), await users.actor()
    await send(alice.client, bob.user.id, "hello")
    async with users.runtime.sessionmaker() as session:
        user = await session.get(type(alice.user), alice.user.id)
        assert user is not None
        user.is_active = False
        user.banned_at = datetime.now(UTC)
        await session.commit()
    count = await bob.client.get("/api/messages/unread-count")
    assert count.json()["data"] == {"unread_count": 0}
