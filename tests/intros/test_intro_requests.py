"""Investor → builder: /api/intro-requests."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update

from oxship.intros.service import month_start
from oxship.kit.clock import utcnow
from oxship.models import Conversation, DirectMessage, IntroRequest, Notification, User
from oxship.runtime import Runtime
from tests.factories.projects import ProjectFactory
from tests.factories.users import UserFactory
from tests.intros.conftest import Investors, age, send_request


def _events(runtime: Runtime, name: str) -> list[Any]:
    return [e for e in runtime.publisher.recent if e.name == name]


async def _notifications(runtime: Runtime, user: User) -> list[Notification]:
    async with runtime.sessionmaker() as session:
        stmt = select(Notification).where(Notification.user_id == user.id)
        return list((await session.scalars(stmt.order_by(Notification.created_at))).all())


async def test_send_request_notifies_the_builder_only(
    users: UserFactory, projects: ProjectFactory, investors: Investors, runtime: Runtime
) -> None:
    builder = await users.actor()
    project = await projects.project(builder.user, tagline="Short pitch")
    investor = await investors.actor()
    response = await send_request(investor.client, project["id"], "  Keen to learn more.  ")
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    assert data["status"] == "pending"
    assert data["message"] == "Keen to learn more."
    assert data["investor_id"] == str(investor.user.id)
    assert data["builder_id"] == str(builder.user.id)
    assert data["project"] == {
        "id": project["id"],
        "title": project["title"],
        "tagline": "Short pitch",
    }
    assert data["investor"]["username"] == investor.user.username
    assert data["builder"]["username"] == builder.user.username
    assert data["conversation_id"] is None
    assert "@" not in response.text

    (note,) = await _notifications(runtime, builder.user)
    assert note.type == "intro_request"
    assert note.actor_id == investor.user.id
    assert note.data == {"kind": "intro_request", "request_id": data["id"]}
    (event,) = _events(runtime, "intro:received")
    assert event.room == f"user:{builder.user.id}"
    assert event.payload["id"] == data["id"]
    assert event.payload["from"]["id"] == str(investor.user.id)


async def test_send_request_rules(
    users: UserFactory, projects: ProjectFactory, investors: Investors, client: Any
) -> None:
    builder = await users.actor()
    project_id = await projects.project_id(builder.user)
    investor = await investors.actor()

    plain = await users.actor()
    assert (await send_request(plain.client, project_id)).status_code == 403
    assert (await send_request(client, project_id)).status_code == 401
    own = await projects.project_id(investor.user)
    mine = await send_request(investor.client, own)
    assert mine.status_code == 422
    assert mine.json()["details"][0]["field"] == "project_id"
    assert (await send_request(investor.client, uuid.uuid4())).status_code == 404
    gone = await projects.project_id(builder.user)
    assert (await builder.client.delete(f"/api/projects/{gone}")).status_code == 200
    assert (await send_request(investor.client, gone)).status_code == 404
    for message in ("too short", "x" * 1001, "nul char\x00 here"):
        assert (await send_request(investor.client, project_id, message)).status_code == 422

    assert (await send_request(investor.client, project_id)).status_code == 201
    again = await send_request(investor.client, project_id)
    assert again.status_code == 409
    assert again.json()["error"] == "conflict"


async def test_one_open_request_per_project_until_declined(
    users: UserFactory, projects: ProjectFactory, investors: Investors
) -> None:
    builder = await users.actor()
    project_id = await projects.project_id(builder.user)
    investor = await investors.actor(plan="professional")
    first = (await send_request(investor.client, project_id)).json()["data"]
    declined = await builder.client.post(
        f"/api/intro-requests/{first['id']}/decline", json={"reason": "Not raising now"}
    )
    assert declined.status_code == 200
    second = await send_request(investor.client, project_id)
    assert second.status_code == 201  # a declined request is no longer open
    accepted = await builder.client.post(
        f"/api/intro-requests/{second.json()['data']['id']}/accept"
    )
    assert accepted.status_code == 200
    assert (await send_request(investor.client, project_id)).status_code == 409  # accepted is open


async def test_free_plan_sends_five_a_month(
    users: UserFactory, projects: ProjectFactory, investors: Investors, runtime: Runtime
) -> None:
    builder = await users.actor()
    ids = [await projects.project_id(builder.user) for _ in range(7)]
    free = await investors.actor()
    for project_id in ids[:5]:
        assert (await send_request(free.client, project_id)).status_code == 201
    sixth = await send_request(free.client, ids[5])
    assert sixth.status_code == 429
    assert sixth.json()["error"] == "rate_limited"
    assert "5 intro requests per calendar month" in sixth.json()["message"]
    assert int(sixth.headers["retry-after"]) > 0
    async with runtime.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(IntroRequest)) == 5
        # Requests of last month do not count.
        await session.execute(
            update(IntroRequest).values(created_at=month_start(utcnow()) - timedelta(days=1))
        )
        await session.commit()
    assert (await send_request(free.client, ids[5])).status_code == 201

    no_profile = await investors.actor(profile=False)  # counts as free
    for project_id in ids[:5]:
        assert (await send_request(no_profile.client, project_id)).status_code == 201
    assert (await send_request(no_profile.client, ids[5])).status_code == 429

    for plan in ("professional", "enterprise"):
        paying = await investors.actor(plan=plan)
        for project_id in ids:
            assert (await send_request(paying.client, project_id)).status_code == 201


def test_month_start_is_the_first_utc_instant_of_the_month() -> None:
    assert month_start(datetime(2026, 12, 31, 23, 59, tzinfo=UTC)) == datetime(
        2026, 12, 1, tzinfo=UTC
    )


async def test_accept_opens_a_conversation_once(
    users: UserFactory, projects: ProjectFactory, investors: Investors, runtime: Runtime
) -> None:
    builder = await users.actor()
    project = await projects.project(builder.user)
    investor = await investors.actor()
    request = (await send_request(investor.client, project["id"])).json()["data"]
    url = f"/api/intro-requests/{request['id']}"

    assert (await investor.client.post(f"{url}/accept")).status_code == 403
    stranger = await users.actor()
    assert (await stranger.client.post(f"{url}/accept")).status_code == 404
    assert (
        await builder.client.post(f"/api/intro-requests/{uuid.uuid4()}/accept")
    ).status_code == 404

    response = await builder.client.post(f"{url}/accept", json={"message": "Happy to chat!"})
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["status"] == "accepted"
    assert data["responded_at"] is not None
    assert data["conversation_id"] is not None
    assert (await builder.client.post(f"{url}/accept")).status_code == 409
    assert (await builder.client.post(f"{url}/decline")).status_code == 409

    async with runtime.sessionmaker() as session:
        conversation = (await session.scalars(select(Conversation))).one()
        message = (await session.scalars(select(DirectMessage))).one()
        stored = await session.get(IntroRequest, uuid.UUID(request["id"]))
    assert str(conversation.id) == data["conversation_id"]
    assert stored is not None
    assert stored.conversation_id == conversation.id
    assert (message.sender_id, message.recipient_id, message.body) == (
        builder.user.id,
        investor.user.id,
        "Happy to chat!",
    )
    assert await investors.accepted_count(investor) == 1

    (note,) = await _notifications(runtime, investor.user)
    assert note.type == "intro_accepted"
    assert note.data["conversation_id"] == data["conversation_id"]
    (event,) = _events(runtime, "intro:accepted")
    assert event.room == f"user:{investor.user.id}"
    assert event.payload["conversation_id"] == data["conversation_id"]
    (received,) = _events(runtime, "message:received")
    assert received.room == f"user:{investor.user.id}"
    # The investor finds the conversation in their list.
    (row,) = (await investor.client.get("/api/messages/conversations")).json()["data"]
    assert row["user"]["id"] == str(builder.user.id)
    assert row["unread_count"] == 1


async def test_accept_without_a_note_sends_a_default_first_message(
    users: UserFactory, projects: ProjectFactory, investors: Investors, runtime: Runtime
) -> None:
    builder = await users.actor()
    project = await projects.project(builder.user)
    investor = await investors.actor()
    request = (await send_request(investor.client, project["id"])).json()["data"]
    response = await builder.client.post(f"/api/intro-requests/{request['id']}/accept")
    assert response.status_code == 200
    thread = await investor.client.get(f"/api/messages/conversation/{builder.user.id}")
    (message,) = thread.json()["data"]
    assert project["title"] in message["message"]
    bad = await builder.client.post(
        f"/api/intro-requests/{request['id']}/accept", json={"message": "x" * 2001}
    )
    assert bad.status_code == 422


async def test_decline_tells_the_investor(
    users: UserFactory, projects: ProjectFactory, investors: Investors, runtime: Runtime
) -> None:
    builder = await users.actor()
    project_id = await projects.project_id(builder.user)
    investor = await investors.actor()
    request = (await send_request(investor.client, project_id)).json()["data"]
    url = f"/api/intro-requests/{request['id']}"
    assert (await investor.client.post(f"{url}/decline")).status_code == 403
    response = await builder.client.post(f"{url}/decline", json={"reason": "  Too early  "})
    assert response.status_code == 200
    assert response.json()["data"]["status"] == "declined"
    assert response.json()["data"]["decline_reason"] == "Too early"
    assert (await builder.client.post(f"{url}/accept")).status_code == 409
    (note,) = await _notifications(runtime, investor.user)
    assert note.type == "intro_declined"
    (event,) = _events(runtime, "intro:declined")
    assert event.room == f"user:{investor.user.id}"
    assert await investors.accepted_count(investor) == 0
    assert (
        await builder.client.post(f"{url}/decline", json={"reason": "r" * 501})
    ).status_code == 422


async def test_a_request_older_than_30_days_cannot_be_accepted(
    users: UserFactory, projects: ProjectFactory, investors: Investors, runtime: Runtime
) -> None:
    builder = await users.actor()
    project_id = await projects.project_id(builder.user)
    investor = await investors.actor()
    request = (await send_request(investor.client, project_id)).json()["data"]
    await age(runtime, IntroRequest, 31)
    response = await builder.client.post(f"/api/intro-requests/{request['id']}/accept")
    assert response.status_code == 409
    assert "expired" in response.json()["message"]


async def test_received_sent_and_pending_count(
    users: UserFactory, projects: ProjectFactory, investors: Investors
) -> None:
    builder = await users.actor()
    p1 = await projects.project_id(builder.user)
    p2 = await projects.project_id(builder.user)
    alice, bob = await investors.actor(), await investors.actor()
    r1 = (await send_request(alice.client, p1)).json()["data"]
    r2 = (await send_request(bob.client, p1)).json()["data"]
    r3 = (await send_request(alice.client, p2)).json()["data"]
    await builder.client.post(f"/api/intro-requests/{r1['id']}/decline")

    received = await builder.client.get("/api/intro-requests/received")
    assert received.status_code == 200
    assert received.headers["cache-control"] == "private, no-store"
    assert [r["id"] for r in received.json()["data"]] == [r3["id"], r2["id"], r1["id"]]
    pending = await builder.client.get("/api/intro-requests/received?status=pending&per_page=1")
    assert [r["id"] for r in pending.json()["data"]] == [r3["id"]]
    assert pending.json()["pagination"]["total"] == 2
    assert (await builder.client.get("/api/intro-requests/received?status=nope")).status_code == 422

    sent = await alice.client.get("/api/intro-requests/sent")
    assert [r["id"] for r in sent.json()["data"]] == [r3["id"], r1["id"]]
    declined = await alice.client.get("/api/intro-requests/sent?status=declined")
    assert [r["id"] for r in declined.json()["data"]] == [r1["id"]]
    assert (await builder.client.get("/api/intro-requests/sent")).status_code == 403
    assert "@" not in received.text + sent.text

    count = await builder.client.get("/api/intro-requests/pending-count")
    assert count.json()["data"] == {"pending_count": 2, "intro_requests": 2, "intros": 0}
    empty = await alice.client.get("/api/intro-requests/pending-count")
    assert empty.json()["data"] == {"pending_count": 0, "intro_requests": 0, "intros": 0}


async def test_banned_investors_requests_are_hidden(
    users: UserFactory, projects: ProjectFactory, investors: Investors, runtime: Runtime
) -> None:
    builder = await users.actor()
    project_id = await projects.project_id(builder.user)
    investor = await investors.actor()
    request = (await send_request(investor.client, project_id)).json()["data"]
    async with runtime.sessionmaker() as session:
        await session.execute(
            update(User)
            .where(User.id == investor.user.id)
            .values(is_active=False, banned_at=utcnow())
        )
        await session.commit()
    received = await builder.client.get("/api/intro-requests/received")
    assert received.json()["data"] == []
    count = await builder.client.get("/api/intro-requests/pending-count")
    assert count.json()["data"]["pending_count"] == 0
    accept = await builder.client.post(f"/api/intro-requests/{request['id']}/accept")
    assert accept.status_code == 404  # no conversation with a banned user


@pytest.mark.parametrize("per_page", [1, 20, 100])
async def test_lists_run_a_fixed_number_of_statements(
    users: UserFactory,
    projects: ProjectFactory,
    investors: Investors,
    query_count: Any,
    per_page: int,
) -> None:
    builder = await users.actor()
    investor = await investors.actor(plan="professional")
    for _ in range(3):
        await send_request(investor.client, await projects.project_id(builder.user))
    with query_count(2):  # auth + the page (with its total)
        received = await builder.client.get(f"/api/intro-requests/received?per_page={per_page}")
    assert len(received.json()["data"]) == min(per_page, 3)
    with query_count(2):
        await investor.client.get(f"/api/intro-requests/sent?per_page={per_page}")


async def test_requests_about_a_deleted_project_cannot_be_answered(
    users: UserFactory, projects: ProjectFactory, investors: Investors
) -> None:
    builder = await users.actor()
    project_id = await projects.project_id(builder.user)
    investor = await investors.actor()
    request = (await send_request(investor.client, project_id)).json()["data"]
    assert (await builder.client.delete(f"/api/projects/{project_id}")).status_code == 200
    for action in ("accept", "decline"):
        response = await builder.client.post(f"/api/intro-requests/{request['id']}/{action}")
        assert response.status_code == 404
    assert (await builder.client.get("/api/intro-requests/received")).json()["data"] == []


async def test_an_accept_refreshes_the_investor_profile_count(
    users: UserFactory, projects: ProjectFactory, investors: Investors, client: Any
) -> None:
    builder = await users.actor()
    project_id = await projects.project_id(builder.user)
    investor = await investors.actor()
    url = f"/api/investor-requests/user/{investor.user.id}"
    before = await client.get(url)  # cached from here on
    assert before.status_code == 200, before.text
    assert before.json()["data"]["accepted_intro_count"] == 0
    request = (await send_request(investor.client, project_id)).json()["data"]
    await builder.client.post(f"/api/intro-requests/{request['id']}/accept")
    after = await client.get(url)
    assert after.json()["data"]["accepted_intro_count"] == 1
