"""Builder → investor: /api/intros, and the public recent connections."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from sqlalchemy import select, update

from oxship.models import Intro, Notification, User
from oxship.runtime import Runtime
from tests.factories.projects import ProjectFactory
from tests.factories.users import Actor, UserFactory
from tests.intros.conftest import Investors, age, send_request

CONTACT = "Founder@Example.com"


async def _intro(
    builder: Actor, project_id: object, recipient: Actor | User, **fields: Any
) -> httpx.Response:
    recipient_id = recipient.user.id if isinstance(recipient, Actor) else recipient.id
    body = {
        "project_id": str(project_id),
        "recipient_id": str(recipient_id),
        "message": "We are building something you will like.",
        "requester_contact": CONTACT,
        **fields,
    }
    return await builder.client.post("/api/intros/request", json=body)


async def test_request_intro_notifies_the_investor(
    users: UserFactory, projects: ProjectFactory, investors: Investors, runtime: Runtime
) -> None:
    builder = await users.actor()
    project = await projects.project(builder.user)
    investor = await investors.actor()
    response = await _intro(builder, project["id"], investor)
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    assert data["status"] == "pending"
    assert data["requester_contact"] == "founder@example.com"
    assert data["contact_info"] is None
    assert data["requester"]["id"] == str(builder.user.id)
    assert data["recipient"]["id"] == str(investor.user.id)
    assert data["project"]["id"] == project["id"]
    async with runtime.sessionmaker() as session:
        (note,) = (
            await session.scalars(
                select(Notification).where(Notification.user_id == investor.user.id)
            )
        ).all()
    assert note.type == "intro_request"
    assert note.data == {"kind": "intro", "intro_id": data["id"]}
    (event,) = [e for e in runtime.publisher.recent if e.name == "intro:received"]
    assert event.room == f"user:{investor.user.id}"
    assert "example.com" not in str(event.payload)  # contacts are not pushed around

    again = await _intro(builder, project["id"], investor)
    assert again.status_code == 409
    other = await projects.project_id(builder.user)
    assert (await _intro(builder, other, investor)).status_code == 201


async def test_request_intro_rules(
    users: UserFactory, projects: ProjectFactory, investors: Investors, client: httpx.AsyncClient
) -> None:
    builder = await users.actor()
    project_id = await projects.project_id(builder.user)
    investor = await investors.actor()

    someone = await users.actor()
    theirs = await projects.project_id(someone.user)
    assert (await _intro(builder, theirs, investor)).status_code == 403
    assert (await _intro(builder, uuid.uuid4(), investor)).status_code == 404
    me = await _intro(builder, project_id, builder)
    assert me.status_code == 422
    assert me.json()["details"][0]["field"] == "recipient_id"
    assert (await _intro(builder, project_id, someone)).status_code == 404  # not an investor
    pending_profile = await investors.actor(status="pending")
    assert (await _intro(builder, project_id, pending_profile)).status_code == 404
    flag_only = await investors.actor(profile=False)
    assert (await _intro(builder, project_id, flag_only)).status_code == 404
    closed = await investors.actor(open_to_requests=False)
    refused = await _intro(builder, project_id, closed)
    assert refused.status_code == 403
    assert "not accepting" in refused.json()["message"]
    for fields in (
        {"requester_contact": "not an email"},
        {"requester_contact": None},
        {"message": "m" * 1001},
    ):
        assert (await _intro(builder, project_id, investor, **fields)).status_code == 422
    assert (await _intro(builder, project_id, investor, message=None)).status_code == 201
    anonymous = await client.post("/api/intros/request", json={})
    assert anonymous.status_code == 401


async def test_accept_and_decline_by_the_recipient_only(
    users: UserFactory, projects: ProjectFactory, investors: Investors, runtime: Runtime
) -> None:
    builder = await users.actor()
    p1 = await projects.project_id(builder.user)
    p2 = await projects.project_id(builder.user)
    investor = await investors.actor()
    first = (await _intro(builder, p1, investor)).json()["data"]
    second = (await _intro(builder, p2, investor)).json()["data"]

    assert (await builder.client.put(f"/api/intros/{first['id']}/accept")).status_code == 403
    stranger = await users.actor()
    assert (await stranger.client.put(f"/api/intros/{first['id']}/accept")).status_code == 404
    assert (await investor.client.put(f"/api/intros/{uuid.uuid4()}/accept")).status_code == 404

    accepted = await investor.client.put(
        f"/api/intros/{first['id']}/accept", json={"contact_info": "Call me: +1 555 0100"}
    )
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["data"]["status"] == "accepted"
    assert accepted.json()["data"]["contact_info"] == "Call me: +1 555 0100"
    assert (await investor.client.put(f"/api/intros/{first['id']}/accept")).status_code == 409
    assert (await investor.client.put(f"/api/intros/{first['id']}/decline")).status_code == 409
    assert await investors.accepted_count(investor) == 1

    declined = await investor.client.put(
        f"/api/intros/{second['id']}/decline", json={"reason": "Outside my thesis"}
    )
    assert declined.status_code == 200
    assert declined.json()["data"]["decline_reason"] == "Outside my thesis"
    assert (await investor.client.put(f"/api/intros/{second['id']}/accept")).status_code == 409
    # A declined intro is no longer pending: the builder may try again.
    assert (await _intro(builder, p2, investor)).status_code == 201

    names = [(e.name, e.room) for e in runtime.publisher.recent if e.name.startswith("intro:")]
    builder_room = f"user:{builder.user.id}"
    assert ("intro:accepted", builder_room) in names
    assert ("intro:declined", builder_room) in names
    assert all(room is not None for _, room in names)  # never broadcast
    async with runtime.sessionmaker() as session:
        types = (
            await session.scalars(
                select(Notification.type)
                .where(Notification.user_id == builder.user.id)
                .order_by(Notification.created_at)
            )
        ).all()
    assert list(types) == ["intro_accepted", "intro_declined"]


async def test_lists_show_contacts_to_the_two_parties_only(
    users: UserFactory, projects: ProjectFactory, investors: Investors
) -> None:
    builder = await users.actor()
    project_id = await projects.project_id(builder.user)
    investor = await investors.actor()
    intro = (await _intro(builder, project_id, investor)).json()["data"]
    await investor.client.put(
        f"/api/intros/{intro['id']}/accept", json={"contact_info": "investor-line"}
    )
    (sent,) = (await builder.client.get("/api/intros/sent")).json()["data"]
    assert sent["contact_info"] == "investor-line"
    (received,) = (await investor.client.get("/api/intros/received")).json()["data"]
    assert received["requester_contact"] == "founder@example.com"
    stranger = await users.actor()
    assert (await stranger.client.get("/api/intros/received")).json()["data"] == []
    assert (await builder.client.get("/api/intros/received")).json()["data"] == []
    filtered = await builder.client.get("/api/intros/sent?status=pending")
    assert filtered.json()["data"] == []
    count = await investor.client.get("/api/intro-requests/pending-count")
    assert count.json()["data"]["intros"] == 0


async def test_pending_count_counts_intros_received(
    users: UserFactory, projects: ProjectFactory, investors: Investors
) -> None:
    builder = await users.actor()
    investor = await investors.actor()
    for _ in range(2):
        await _intro(builder, await projects.project_id(builder.user), investor)
    count = await investor.client.get("/api/intro-requests/pending-count")
    assert count.json()["data"] == {"pending_count": 2, "intro_requests": 0, "intros": 2}


async def test_an_intro_older_than_30_days_cannot_be_accepted(
    users: UserFactory, projects: ProjectFactory, investors: Investors, runtime: Runtime
) -> None:
    builder = await users.actor()
    investor = await investors.actor()
    intro = (await _intro(builder, await projects.project_id(builder.user), investor)).json()
    await age(runtime, Intro, 30.5)
    response = await investor.client.put(f"/api/intros/{intro['data']['id']}/accept")
    assert response.status_code == 409


async def test_recent_connections_are_public_and_leak_nothing(
    users: UserFactory,
    projects: ProjectFactory,
    investors: Investors,
    client: httpx.AsyncClient,
    runtime: Runtime,
) -> None:
    builder = await users.actor(email="builder-secret@example.com")
    project = await projects.project(builder.user)
    investor = await investors.actor()
    intro = (await _intro(builder, project["id"], investor)).json()["data"]
    await investor.client.put(f"/api/intros/{intro['id']}/accept", json={"contact_info": "x-line"})

    first = await client.get("/api/intros/recent-connections")
    assert first.status_code == 200
    assert first.headers["cache-control"].startswith("public")
    (connection,) = first.json()["data"]
    assert connection["kind"] == "intro"
    assert connection["id"] == intro["id"]
    assert connection["project"]["id"] == project["id"]
    assert connection["builder"]["id"] == str(builder.user.id)
    assert connection["investor"]["id"] == str(investor.user.id)
    for secret in ("@", "x-line", "founder", intro["message"]):
        assert secret not in first.text

    # Accepting an intro request joins the list (the cache is bumped).
    other_investor = await investors.actor()
    request = (await send_request(other_investor.client, project["id"])).json()["data"]
    await builder.client.post(f"/api/intro-requests/{request['id']}/accept")
    second = await client.get("/api/intros/recent-connections")
    assert [(c["kind"], c["id"]) for c in second.json()["data"]] == [
        ("intro_request", request["id"]),
        ("intro", intro["id"]),
    ]
    limited = await client.get("/api/intros/recent-connections?limit=1")
    assert len(limited.json()["data"]) == 1
    for bad in ("0", "101", "x"):
        assert (await client.get(f"/api/intros/recent-connections?limit={bad}")).status_code == 422
    etag = second.headers["etag"]
    cached = await client.get("/api/intros/recent-connections", headers={"If-None-Match": etag})
    assert cached.status_code == 304

    # A ban bumps the feed, which this list depends on: the banned user's connections go.
    async with runtime.sessionmaker() as session:
        await session.execute(
            update(User).where(User.id == other_investor.user.id).values(is_active=False)
        )
        await session.commit()
    await runtime.cache.bump(["feed"])  # what the admin ban path does (owner_status_changed)
    third = await client.get("/api/intros/recent-connections")
    assert [c["id"] for c in third.json()["data"]] == [intro["id"]]
