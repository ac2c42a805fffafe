"""An approved investor's profile: editing it, and its public page."""

from __future__ import annotations

import httpx
import pytest

from tests.factories.users import Actor, UserFactory
from tests.investors.conftest import (
    DIRECTORY,
    PROFILE,
    Rows,
    apply,
    approve,
    approved_investor,
)

PUBLIC = "/api/investor-requests/user/{}"
PRIVATE_FIELDS = ("reason", "admin_notes", "rejection_reason", "plan_type", "status", "email")


async def test_investor_edits_public_fields_and_tags_follow(
    users: UserFactory, admin: Actor, rows: Rows, client: httpx.AsyncClient
) -> None:
    investor = await approved_investor(users, admin)
    before = await client.get(PUBLIC.format(investor.user.id))
    assert before.json()["data"]["open_to_requests"] is True

    response = await investor.client.put(
        PROFILE,
        json={
            "bio": "A" * 80,
            "industries": ["Climate"],
            "geographic_focus": [],
            "open_to_requests": False,
            "ticket_size_max": None,
            "status": "revoked",
            "plan_type": "enterprise",
            "accepted_intro_count": 99,
        },
    )

    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["bio"] == "A" * 80
    assert data["industries"] == ["Climate"]
    assert data["geographic_focus"] == []
    assert data["ticket_size_max"] is None
    assert data["status"] == "approved"
    assert data["plan_type"] == "free"
    assert data["accepted_intro_count"] == 0
    tags = await rows.tags_of(data["id"])
    assert ("industry", "climate") in tags
    assert ("industry", "ai") not in tags
    assert not any(kind == "geography" for kind, _ in tags)
    after = (await client.get(PUBLIC.format(investor.user.id))).json()["data"]
    assert after["open_to_requests"] is False
    assert after["industries"] == ["Climate"]


@pytest.mark.parametrize(
    "body",
    [
        {"name": None},
        {"bio": "short"},
        {"investment_stages": ["series-z"]},
        {"ticket_size_min": 10**9},  # above the stored max
        {"website_url": "ftp://x.example.com"},
        {"industries": [f"i{n}" for n in range(21)]},
    ],
)
async def test_profile_edit_is_validated(
    users: UserFactory, admin: Actor, body: dict[str, object]
) -> None:
    investor = await approved_investor(users, admin)

    response = await investor.client.put(PROFILE, json=body)

    assert response.status_code == 422, response.text


async def test_profile_edit_needs_an_investor(
    users: UserFactory, client: httpx.AsyncClient
) -> None:
    applicant = await users.actor()
    await apply(applicant)

    assert (await client.put(PROFILE, json={"name": "x"})).status_code == 401
    assert (await applicant.client.put(PROFILE, json={"name": "x"})).status_code == 403


async def test_an_investor_flag_without_a_profile_is_404(users: UserFactory) -> None:
    flagged = await users.actor(is_investor=True)

    response = await flagged.client.put(PROFILE, json={"name": "Nobody"})

    assert response.status_code == 404


async def test_public_profile_never_shows_email_or_private_fields(
    users: UserFactory, admin: Actor, client: httpx.AsyncClient
) -> None:
    investor = await users.actor()
    request = await apply(investor)
    await approve(admin, request["id"], admin_notes="secret note")

    for caller in (client, investor.client, admin.client):
        response = await caller.get(PUBLIC.format(investor.user.id))

        assert response.status_code == 200
        data = response.json()["data"]
        assert data["id"] == request["id"]
        assert data["name"] == "Ada Angel"
        assert data["user"] == {
            "id": str(investor.user.id),
            "username": investor.user.username,
            "display_name": investor.user.display_name,
            "avatar_url": None,
        }
        assert not any(field in data for field in PRIVATE_FIELDS)
        assert investor.user.email not in response.text
        assert "secret note" not in response.text


async def test_public_profile_is_404_unless_approved_and_public(
    users: UserFactory, admin: Actor, rows: Rows, client: httpx.AsyncClient
) -> None:
    pending = await users.actor()
    await apply(pending)
    hidden = await approved_investor(users, admin, is_public=False)
    banned = await approved_investor(users, admin)
    await rows.set_user(banned.user.id, is_active=False)
    nobody = await users.user()

    for user_id in (pending.user.id, hidden.user.id, banned.user.id, nobody.id):
        response = await client.get(PUBLIC.format(user_id))

        assert response.status_code == 404, user_id
    assert (await client.get(PUBLIC.format("not-a-uuid"))).status_code == 422


async def test_a_private_investor_can_go_public(
    users: UserFactory, admin: Actor, client: httpx.AsyncClient
) -> None:
    investor = await approved_investor(users, admin, is_public=False)
    assert (await client.get(DIRECTORY)).json()["data"] == []

    response = await investor.client.put(PROFILE, json={"is_public": True})

    assert response.status_code == 200
    assert response.json()["data"]["is_public"] is True
    assert (await client.get(PUBLIC.format(investor.user.id))).status_code == 200
    listed = (await client.get(DIRECTORY)).json()["data"]
    assert [d["user_id"] for d in listed] == [str(investor.user.id)]


async def test_public_profile_is_cached_and_bumped_by_edits(
    users: UserFactory, admin: Actor, client: httpx.AsyncClient
) -> None:
    investor = await approved_investor(users, admin)
    path = PUBLIC.format(investor.user.id)
    first = await client.get(path)
    assert first.headers["ETag"]
    assert (
        await client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    ).status_code == 304

    await investor.client.put(PROFILE, json={"name": "Renamed Angel"})

    assert (await client.get(path)).json()["data"]["name"] == "Renamed Angel"
