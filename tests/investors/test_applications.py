"""Applying, editing a pending application, my-request and the 30-day re-apply rule."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from oxship.kit.clock import utcnow
from tests.factories.users import Actor, UserFactory
from tests.investors.conftest import (
    APPLY,
    MY_REQUEST,
    REASON,
    Rows,
    application,
    apply,
    approve,
)


async def test_apply_creates_a_pending_application_with_every_field(
    users: UserFactory, rows: Rows
) -> None:
    actor = await users.actor()

    response = await actor.client.post(APPLY, json=application(unknown_field="ignored"))

    assert response.status_code == 201, response.text
    data = response.json()["data"]
    assert data["status"] == "pending"
    assert data["user_id"] == str(actor.user.id)
    assert data["user"]["username"] == actor.user.username
    assert "email" not in data["user"]
    assert data["notable_investments"] == [{"company": "Acme", "stage": "seed", "year": 2021}]
    assert data["ticket_size_min"] == 25_000
    assert data["ticket_size_max"] == 250_000
    assert data["plan_type"] == "free"
    assert data["reason"] == REASON
    assert data["decided_at"] is None
    assert data["reapply_after"] is None
    (profile,) = await rows.profiles_of(actor.user.id)
    assert profile.status == "pending"
    assert profile.linkedin_url == "https://www.linkedin.com/in/ada"
    assert await rows.tags_of(profile.id) == {
        ("stage", "pre-seed"),
        ("stage", "seed"),
        ("industry", "ai"),
        ("industry", "devtools"),
        ("geography", "europe"),
    }
    assert (await rows.user(actor.user.id)).is_investor is False


async def test_minimal_application_takes_the_defaults(users: UserFactory) -> None:
    actor = await users.actor()
    body = {"investor_type": "organization", "name": "Fund", "bio": "x" * 50, "reason": "y" * 30}

    response = await actor.client.post(APPLY, json=body)

    assert response.status_code == 201, response.text
    data = response.json()["data"]
    assert data["is_public"] is True
    assert data["open_to_requests"] is True
    assert data["plan_type"] == "free"
    assert data["investment_stages"] == []
    assert data["notable_investments"] == []


async def test_apply_needs_a_user(client: httpx.AsyncClient) -> None:
    response = await client.post(APPLY, json=application())

    assert response.status_code == 401


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("investor_type", "whale"),
        ("name", ""),
        ("name", "n" * 201),
        ("bio", "too short"),
        ("bio", "b" * 2001),
        ("reason", "short"),
        ("reason", "r" * 2001),
        ("investment_thesis", "t" * 5001),
        ("linkedin_url", "https://twitter.com/ada"),
        ("linkedin_url", "https://linkedin.com.evil.example/in/ada"),
        ("linkedin_url", "javascript:alert(1)"),
        ("website_url", "ftp://files.example.com"),
        ("twitter_url", "not a url"),
        ("calendar_link", "mailto:ada@example.com"),
        ("investment_stages", ["seed", "series-z"]),
        ("industries", [f"i{n}" for n in range(21)]),
        ("industries", ["x" * 101]),
        ("industries", [""]),
        ("geographic_focus", "Europe"),
        ("value_adds", [f"v{n}" for n in range(21)]),
        ("ticket_size_min", -1),
        ("ticket_size_max", 1.5),
        ("ticket_size_max", "lots"),
        ("num_investments", -3),
        ("notable_investments", [{"stage": "seed"}]),
        ("notable_investments", [{"company": "Acme", "year": 1200}]),
        ("notable_investments", [{"company": "Acme"}] * 21),
        ("plan_type", "gold"),
        ("fund_size", "f" * 101),
        ("company_name", "bad\x00name"),
    ],
)
async def test_apply_validates_every_field(users: UserFactory, field: str, value: Any) -> None:
    actor = await users.actor()

    response = await actor.client.post(APPLY, json=application(**{field: value}))

    assert response.status_code == 422, response.text
    assert response.json()["error"] == "validation_error"


async def test_ticket_min_above_max_is_refused(users: UserFactory) -> None:
    actor = await users.actor()

    response = await actor.client.post(
        APPLY, json=application(ticket_size_min=500_000, ticket_size_max=100_000)
    )

    assert response.status_code == 422
    assert "ticket_size_min" in response.json()["message"]


async def test_equal_ticket_bounds_and_linkedin_without_www_are_fine(users: UserFactory) -> None:
    actor = await users.actor()

    data = await apply(
        actor,
        ticket_size_min=100_000,
        ticket_size_max=100_000,
        linkedin_url="https://linkedin.com/in/x",
    )

    assert data["ticket_size_min"] == data["ticket_size_max"] == 100_000


async def test_duplicate_stages_and_tags_are_deduplicated(users: UserFactory, rows: Rows) -> None:
    actor = await users.actor()

    data = await apply(actor, investment_stages=["seed", "seed"], industries=["AI", "ai", " AI "])

    assert data["investment_stages"] == ["seed"]
    assert data["industries"] == ["AI"]
    assert ("industry", "ai") in await rows.tags_of(data["id"])


async def test_a_second_application_while_pending_is_a_conflict(
    users: UserFactory, rows: Rows
) -> None:
    actor = await users.actor()
    await apply(actor)

    response = await actor.client.post(APPLY, json=application())

    assert response.status_code == 409
    assert "pending" in response.json()["message"]
    assert len(await rows.profiles_of(actor.user.id)) == 1


async def test_an_approved_investor_cannot_apply_again(
    users: UserFactory, admin: Actor, rows: Rows
) -> None:
    actor = await users.actor()
    request = await apply(actor)
    await approve(admin, request["id"])

    response = await actor.client.post(APPLY, json=application())

    assert response.status_code == 409
    assert "already an approved investor" in response.json()["message"]


async def test_rejected_applicant_must_wait_30_days(
    users: UserFactory, admin: Actor, rows: Rows
) -> None:
    actor = await users.actor()
    request = await apply(actor)
    rejected = await admin.client.post(
        f"/api/admin/investor-requests/{request['id']}/reject", json={"reason": "Not yet"}
    )
    assert rejected.status_code == 200
    assert rejected.json()["data"]["reapply_after"] is not None

    decided = utcnow() - timedelta(days=29)
    await rows.set_profile(request["id"], decided_at=decided)
    too_soon = await actor.client.post(APPLY, json=application())

    assert too_soon.status_code == 409
    when = (decided + timedelta(days=30)).date().isoformat()
    assert "re-apply after" in too_soon.json()["message"]
    assert when in too_soon.json()["message"]

    await rows.set_profile(request["id"], decided_at=utcnow() - timedelta(days=30, minutes=1))
    again = await actor.client.post(APPLY, json=application(name="Ada Again"))

    assert again.status_code == 201
    assert [p.status for p in await rows.profiles_of(actor.user.id)] == ["rejected", "pending"]
    mine = (await actor.client.get(MY_REQUEST)).json()["data"]
    assert mine["id"] == again.json()["data"]["id"]
    assert mine["name"] == "Ada Again"


async def test_a_revoked_investor_may_apply_again(
    users: UserFactory, admin: Actor, rows: Rows
) -> None:
    actor = await users.actor()
    request = await apply(actor)
    await approve(admin, request["id"])
    assert (
        await admin.client.post(f"/api/admin/investors/{actor.user.id}/revoke")
    ).status_code == 200

    response = await actor.client.post(APPLY, json=application())

    assert response.status_code == 201
    assert [p.status for p in await rows.profiles_of(actor.user.id)] == ["revoked", "pending"]


async def test_my_request_is_404_without_an_application(users: UserFactory) -> None:
    actor = await users.actor()

    response = await actor.client.get(MY_REQUEST)

    assert response.status_code == 404


async def test_my_request_needs_a_user(client: httpx.AsyncClient) -> None:
    assert (await client.get(MY_REQUEST)).status_code == 401


async def test_my_request_shows_the_decision_but_never_admin_notes(
    users: UserFactory, admin: Actor
) -> None:
    actor = await users.actor()
    request = await apply(actor)
    await approve(admin, request["id"], admin_notes="internal: knows the founders")

    response = await actor.client.get(MY_REQUEST)

    assert response.status_code == 200
    data = response.json()["data"]
    assert data["status"] == "approved"
    assert data["decided_at"] is not None
    assert data["approved_at"] == data["decided_at"]
    assert "admin_notes" not in data
    assert "internal" not in response.text


async def test_pending_application_can_be_edited(users: UserFactory, rows: Rows) -> None:
    actor = await users.actor()
    request = await apply(actor)

    response = await actor.client.put(
        APPLY,
        json={
            "name": "Ada Edited",
            "industries": ["Fintech"],
            "company_name": None,
            "plan_type": "professional",
            "ticket_size_min": 10_000,
        },
    )

    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["id"] == request["id"]
    assert data["name"] == "Ada Edited"
    assert data["company_name"] is None
    assert data["industries"] == ["Fintech"]
    assert data["plan_type"] == "professional"
    assert data["bio"] == request["bio"]
    assert data["ticket_size_max"] == 250_000
    tags = await rows.tags_of(request["id"])
    assert ("industry", "fintech") in tags
    assert ("industry", "ai") not in tags
    assert ("stage", "seed") in tags


@pytest.mark.parametrize(
    "body",
    [
        {"name": None},
        {"bio": None},
        {"reason": "short"},
        {"industries": None},
        {"plan_type": None},
        {"ticket_size_min": 300_000},  # above the stored max of 250 000
        {"ticket_size_max": 1_000},  # below the stored min of 25 000
        {"linkedin_url": "https://example.com/ada"},
    ],
)
async def test_pending_edit_is_validated(users: UserFactory, body: dict[str, Any]) -> None:
    actor = await users.actor()
    await apply(actor)

    response = await actor.client.put(APPLY, json=body)

    assert response.status_code == 422, response.text


async def test_editing_without_an_application_is_404(users: UserFactory) -> None:
    actor = await users.actor()

    response = await actor.client.put(APPLY, json={"name": "Nobody"})

    assert response.status_code == 404


async def test_decided_application_cannot_be_edited(
    users: UserFactory, admin: Actor, rows: Rows
) -> None:
    actor = await users.actor()
    request = await apply(actor)
    await approve(admin, request["id"])

    response = await actor.client.put(APPLY, json={"name": "Too late"})

    assert response.status_code == 409
    (profile,) = await rows.profiles_of(actor.user.id)
    assert profile.name == "Ada Angel"
