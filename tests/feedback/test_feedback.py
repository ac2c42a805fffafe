"""Feedback and reports (API §3.18)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from oxship.models import AdminAction, Feedback
from oxship.runtime import Runtime
from tests.factories.projects import ProjectFactory
from tests.factories.users import Actor, UserFactory

FEEDBACK = "/api/feedback"
ADMIN = "/api/feedback/admin"
MESSAGE = "This is a message long enough."


@pytest.fixture
async def sender(users: UserFactory) -> Actor:
    return await users.actor()


@pytest.fixture
async def admin(users: UserFactory) -> Actor:
    return await users.admin()


async def test_submit_a_suggestion(sender: Actor, client: httpx.AsyncClient) -> None:
    response = await sender.client.post(
        FEEDBACK,
        json={
            "feedback_type": "suggestion",
            "message": f"  {MESSAGE}  ",
            "contact_email": " Me@Example.COM ",
        },
    )

    assert response.status_code == 201, response.text
    data = response.json()["data"]
    assert data["feedback_type"] == "suggestion"
    assert data["message"] == MESSAGE
    assert data["contact_email"] == "me@example.com"
    assert data["status"] == "pending"
    assert data["report_reason"] is None
    assert data["user"]["id"] == str(sender.user.id)
    anonymous = await client.post(FEEDBACK, json={"feedback_type": "contact", "message": MESSAGE})
    assert anonymous.status_code == 401


async def test_submit_a_report(sender: Actor, users: UserFactory, projects: ProjectFactory) -> None:
    culprit = await users.user()
    project_id = await projects.project_id(culprit)

    response = await sender.client.post(
        FEEDBACK,
        json={
            "feedback_type": "report",
            "message": MESSAGE,
            "report_reason": "false_info",
            "reported_project_id": str(project_id),
            "reported_user_id": str(culprit.id),
        },
    )

    assert response.status_code == 201, response.text
    data = response.json()["data"]
    assert data["report_reason"] == "false_info"
    assert data["reported_project_id"] == str(project_id)
    assert data["reported_user_id"] == str(culprit.id)


def _field(response: httpx.Response) -> str:
    assert response.status_code == 422, response.text
    return str(response.json()["details"][0]["field"])


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"feedback_type": "praise", "message": MESSAGE}, "feedback_type"),
        ({"feedback_type": "contact", "message": "too short"}, "message"),
        ({"feedback_type": "contact", "message": "x" * 2001}, "message"),
        ({"feedback_type": "contact", "message": " " * 5 + "short" + " " * 5}, "message"),
        ({"feedback_type": "contact"}, "message"),
        (
            {"feedback_type": "contact", "message": MESSAGE, "contact_email": "nope"},
            "contact_email",
        ),
        ({"feedback_type": "report", "message": MESSAGE}, "report_reason"),
        ({"feedback_type": "report", "message": MESSAGE, "report_reason": "ugly"}, "report_reason"),
        (
            {"feedback_type": "suggestion", "message": MESSAGE, "report_reason": "spam"},
            "report_reason",
        ),
        (
            {
                "feedback_type": "report",
                "message": MESSAGE,
                "report_reason": "spam",
                "reported_project_id": "not-a-uuid",
            },
            "reported_project_id",
        ),
    ],
)
async def test_invalid_input_is_422(sender: Actor, body: dict[str, Any], field: str) -> None:
    assert _field(await sender.client.post(FEEDBACK, json=body)) == field


async def test_referenced_ids_must_exist(
    sender: Actor, users: UserFactory, projects: ProjectFactory, runtime: Runtime
) -> None:
    report = {"feedback_type": "report", "message": MESSAGE, "report_reason": "spam"}
    owner = await users.actor()
    deleted_project = await projects.project_id(owner.user)
    await owner.client.delete(f"/api/projects/{deleted_project}")

    for body, field in (
        ({**report, "reported_project_id": str(uuid.uuid4())}, "reported_project_id"),
        ({**report, "reported_project_id": str(deleted_project)}, "reported_project_id"),
        ({**report, "reported_user_id": str(uuid.uuid4())}, "reported_user_id"),
        ({**report, "reported_user_id": str(sender.user.id)}, "reported_user_id"),
    ):
        assert _field(await sender.client.post(FEEDBACK, json=body)) == field
    async with runtime.sessionmaker() as session:
        assert (await session.scalars(select(Feedback))).all() == []


async def test_feedback_is_rate_limited_per_user(sender: Actor, users: UserFactory) -> None:
    body = {"feedback_type": "suggestion", "message": MESSAGE}
    for _ in range(20):
        assert (await sender.client.post(FEEDBACK, json=body)).status_code == 201
    limited = await sender.client.post(FEEDBACK, json=body)
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) >= 1
    other = await users.actor()
    assert (await other.client.post(FEEDBACK, json=body)).status_code == 201


async def _file(actor: Actor, **fields: Any) -> str:
    body = {"feedback_type": "suggestion", "message": MESSAGE, **fields}
    response = await actor.client.post(FEEDBACK, json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["data"]["id"])


async def test_admin_queue_filters_newest_first(
    admin: Actor, sender: Actor, users: UserFactory
) -> None:
    culprit = await users.user()
    first = await _file(sender)
    report = await _file(
        sender, feedback_type="report", report_reason="spam", reported_user_id=str(culprit.id)
    )
    third = await _file(sender, feedback_type="contact")
    await admin.client.patch(f"{ADMIN}/{third}/status", json={"status": "resolved"})

    everything = (await admin.client.get(ADMIN)).json()
    assert [f["id"] for f in everything["data"]] == [third, report, first]
    reported = everything["data"][1]
    assert reported["reported_user"]["username"] == culprit.username
    assert reported["user"]["username"] == sender.user.username

    async def ids(**params: Any) -> list[str]:
        return [f["id"] for f in (await admin.client.get(ADMIN, params=params)).json()["data"]]

    assert await ids(type="report") == [report]
    assert await ids(status="pending") == [report, first]
    assert await ids(status="resolved", type="contact") == [third]
    assert (await admin.client.get(ADMIN, params={"status": "done"})).status_code == 422
    assert (await admin.client.get(ADMIN, params={"type": "praise"})).status_code == 422


@pytest.mark.parametrize("per_page", [1, 20, 100])
async def test_admin_queue_runs_fixed_statements(
    admin: Actor, users: UserFactory, query_count: Callable[[int], Any], per_page: int
) -> None:
    for _ in range(3):
        await _file(await users.actor())
    # token session, total, rows (sender, reported user and project joined)
    with query_count(3):
        response = await admin.client.get(ADMIN, params={"per_page": per_page})
    assert len(response.json()["data"]) == min(per_page, 3)


async def test_status_update_records_the_reviewer(
    admin: Actor, sender: Actor, runtime: Runtime
) -> None:
    item = await _file(sender)

    response = await admin.client.patch(
        f"{ADMIN}/{item}/status", json={"status": "reviewed", "admin_notes": "Looking into it"}
    )

    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["status"] == "reviewed"
    assert data["admin_notes"] == "Looking into it"
    assert data["reviewed_by"] == str(admin.user.id)
    assert data["reviewed_at"] is not None
    kept = await admin.client.patch(f"{ADMIN}/{item}/status", json={"status": "resolved"})
    assert kept.json()["data"]["admin_notes"] == "Looking into it"
    cleared = await admin.client.patch(
        f"{ADMIN}/{item}/status", json={"status": "resolved", "admin_notes": None}
    )
    assert cleared.json()["data"]["admin_notes"] is None
    assert (
        await admin.client.patch(f"{ADMIN}/{item}/status", json={"status": "x"})
    ).status_code == 422
    assert (await admin.client.patch(f"{ADMIN}/{item}/status", json={})).status_code == 422
    unknown = await admin.client.patch(
        f"{ADMIN}/{uuid.uuid4()}/status", json={"status": "resolved"}
    )
    assert unknown.status_code == 404
    async with runtime.sessionmaker() as session:
        entries = (
            await session.scalars(
                select(AdminAction)
                .where(AdminAction.target_type == "feedback")
                .order_by(AdminAction.created_at)
            )
        ).all()
    assert [(e.action, e.data) for e in entries] == [
        ("feedback.status", {"from": "pending", "to": "reviewed"}),
        ("feedback.status", {"from": "reviewed", "to": "resolved"}),
        ("feedback.status", {"from": "resolved", "to": "resolved"}),
    ]


async def test_delete(admin: Actor, sender: Actor, runtime: Runtime) -> None:
    item = await _file(sender)

    response = await admin.client.delete(f"{ADMIN}/{item}")

    assert response.status_code == 200
    assert (await admin.client.get(ADMIN)).json()["data"] == []
    assert (await admin.client.delete(f"{ADMIN}/{item}")).status_code == 404
    async with runtime.sessionmaker() as session:
        entry = (
            await session.scalars(
                select(AdminAction).where(AdminAction.action == "feedback.delete")
            )
        ).one()
    assert entry.target_id == item
    assert entry.actor_id == admin.user.id


async def test_a_deleted_sender_leaves_the_item_readable(
    admin: Actor, sender: Actor, users: UserFactory, projects: ProjectFactory
) -> None:
    owner = await users.user()
    project_id = await projects.project_id(owner)
    await _file(
        sender, feedback_type="report", report_reason="spam", reported_project_id=str(project_id)
    )
    await admin.client.delete(f"/api/admin/users/{owner.id}")

    (item,) = (await admin.client.get(ADMIN)).json()["data"]

    assert item["reported_project"] == {
        "id": str(project_id),
        "title": item["reported_project"]["title"],
        "is_deleted": True,
    }
