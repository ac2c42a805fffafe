"""Admin review of investor applications: auth matrix, lists, approve, reject, revoke, legacy paths."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
import pytest

from oxship.kit.clock import utcnow
from tests.factories.users import Actor, UserFactory
from tests.investors.conftest import ADMIN_LIST, MY_REQUEST, Rows, apply, approve

LEGACY = "/api/investor-requests"
SOME_ID = "00000000-0000-7000-8000-000000000001"

ADMIN_ROUTES = [
    ("GET", ADMIN_LIST, None),
    ("GET", f"{ADMIN_LIST}?status=pending", None),
    ("POST", f"{ADMIN_LIST}/{SOME_ID}/approve", {}),
    ("POST", f"{ADMIN_LIST}/{SOME_ID}/reject", {"reason": "no"}),
    ("POST", f"/api/admin/investors/{SOME_ID}/revoke", None),
    ("PUT", f"/api/admin/investors/{SOME_ID}/plan", {"plan_type": "free"}),
    ("GET", f"{LEGACY}/pending", None),
    ("GET", f"{LEGACY}/all", None),
    ("GET", f"{LEGACY}/all?status=approved", None),
    ("POST", f"{LEGACY}/{SOME_ID}/approve", {}),
    ("POST", f"{LEGACY}/{SOME_ID}/reject", {"reason": "no"}),
]


@pytest.mark.parametrize(("method", "path", "body"), ADMIN_ROUTES)
async def test_admin_routes_refuse_anonymous_callers(
    client: httpx.AsyncClient, method: str, path: str, body: dict[str, str] | None
) -> None:
    response = await client.request(method, path, json=body)

    assert response.status_code == 401


@pytest.mark.parametrize(("method", "path", "body"), ADMIN_ROUTES)
async def test_admin_routes_refuse_non_admins_even_investors(
    users: UserFactory, method: str, path: str, body: dict[str, str] | None
) -> None:
    for actor in (await users.actor(), await users.actor(is_investor=True, is_validator=True)):
        response = await actor.client.request(method, path, json=body)

        assert response.status_code == 403, (path, response.text)


async def test_a_non_admin_cannot_approve_a_real_request(users: UserFactory, rows: Rows) -> None:
    applicant = await users.actor()
    request = await apply(applicant)

    response = await applicant.client.post(f"{LEGACY}/{request['id']}/approve")

    assert response.status_code == 403
    assert (await rows.user(applicant.user.id)).is_investor is False


async def test_admin_list_is_newest_first_with_emails_and_a_status_filter(
    users: UserFactory, admin: Actor, rows: Rows
) -> None:
    first, second, third = [await users.actor() for _ in range(3)]
    a = await apply(first)
    b = await apply(second)
    c = await apply(third)
    await approve(admin, b["id"], admin_notes="solid")
    # Distinct creation times, oldest a → newest c.
    for offset, request in ((3, a), (2, b), (1, c)):
        await rows.set_profile(request["id"], created_at=utcnow() - timedelta(minutes=offset))

    everything = await admin.client.get(ADMIN_LIST)
    pending = await admin.client.get(ADMIN_LIST, params={"status": "pending"})
    paged = await admin.client.get(ADMIN_LIST, params={"per_page": 1, "page": 2})

    assert everything.status_code == 200
    data = everything.json()["data"]
    assert [d["id"] for d in data] == [c["id"], b["id"], a["id"]]
    assert data[2]["user"]["email"] == first.user.email
    assert data[1]["admin_notes"] == "solid"
    assert data[1]["decided_by"] == str(admin.user.id)
    assert [d["id"] for d in pending.json()["data"]] == [c["id"], a["id"]]
    assert pending.json()["pagination"]["total"] == 2
    assert [d["id"] for d in paged.json()["data"]] == [b["id"]]
    assert paged.json()["pagination"] == {
        "page": 2,
        "per_page": 1,
        "total": 3,
        "total_pages": 3,
        "has_next": True,
        "has_prev": True,
    }


async def test_legacy_lists_match_the_admin_list(users: UserFactory, admin: Actor) -> None:
    first, second = await users.actor(), await users.actor()
    a = await apply(first)
    b = await apply(second)
    await approve(admin, a["id"])

    pending = await admin.client.get(f"{LEGACY}/pending")
    approved = await admin.client.get(f"{LEGACY}/all", params={"status": "approved"})
    everything = await admin.client.get(f"{LEGACY}/all", params={"status": "all"})

    assert [d["id"] for d in pending.json()["data"]] == [b["id"]]
    assert [d["id"] for d in approved.json()["data"]] == [a["id"]]
    assert {d["id"] for d in everything.json()["data"]} == {a["id"], b["id"]}


async def test_admin_list_refuses_an_unknown_status(admin: Actor) -> None:
    response = await admin.client.get(ADMIN_LIST, params={"status": "lost"})

    assert response.status_code == 422


@pytest.mark.parametrize("legacy", [False, True])
async def test_approve_makes_an_investor_notifies_and_audits(
    users: UserFactory, admin: Actor, rows: Rows, legacy: bool
) -> None:
    applicant = await users.actor()
    request = await apply(applicant)
    path = f"{LEGACY if legacy else ADMIN_LIST}/{request['id']}/approve"

    response = await admin.client.post(path, json={"admin_notes": "Met at demo day"})

    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["status"] == "approved"
    assert data["admin_notes"] == "Met at demo day"
    assert (await rows.user(applicant.user.id)).is_investor is True
    (note,) = await rows.notifications_of(applicant.user.id)
    assert note.type == "investor_request_approved"
    assert note.actor_id == admin.user.id
    (entry,) = await rows.audit("investor.approve")
    assert entry.actor_id == admin.user.id
    assert entry.target_type == "investor"
    assert entry.target_id == request["id"]
    # The applicant's next request is an investor's.
    assert (
        await applicant.client.put("/api/investor-requests/profile", json={})
    ).status_code == 200


async def test_approve_without_a_body_works(users: UserFactory, admin: Actor) -> None:
    applicant = await users.actor()
    request = await apply(applicant)

    response = await admin.client.post(f"{ADMIN_LIST}/{request['id']}/approve")

    assert response.status_code == 200
    assert response.json()["data"]["admin_notes"] is None


async def test_approving_twice_or_after_a_rejection_is_a_conflict(
    users: UserFactory, admin: Actor, rows: Rows
) -> None:
    first, second = await users.actor(), await users.actor()
    a = await apply(first)
    b = await apply(second)
    await approve(admin, a["id"])
    await admin.client.post(f"{ADMIN_LIST}/{b['id']}/reject", json={"reason": "No track record"})

    assert (await approve(admin, a["id"])).status_code == 409
    assert (await approve(admin, b["id"])).status_code == 409
    rejected = await admin.client.post(f"{ADMIN_LIST}/{a['id']}/reject", json={"reason": "x"})
    assert rejected.status_code == 409
    assert (await rows.user(second.user.id)).is_investor is False
    assert len(await rows.audit("investor.approve")) == 1


@pytest.mark.parametrize("legacy", [False, True])
async def test_reject_records_the_reason_notifies_and_audits(
    users: UserFactory, admin: Actor, rows: Rows, legacy: bool
) -> None:
    applicant = await users.actor()
    request = await apply(applicant)
    path = f"{LEGACY if legacy else ADMIN_LIST}/{request['id']}/reject"

    response = await admin.client.post(path, json={"reason": "  Not enough detail  "})

    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["status"] == "rejected"
    assert data["rejection_reason"] == "Not enough detail"
    (note,) = await rows.notifications_of(applicant.user.id)
    assert note.type == "investor_request_rejected"
    assert "Not enough detail" in note.message
    (entry,) = await rows.audit("investor.reject")
    assert entry.reason == "Not enough detail"
    assert entry.target_id == request["id"]
    mine = (await applicant.client.get(MY_REQUEST)).json()["data"]
    assert mine["status"] == "rejected"
    assert mine["rejection_reason"] == "Not enough detail"
    assert (await rows.user(applicant.user.id)).is_investor is False


@pytest.mark.parametrize(
    "body", [None, {}, {"reason": ""}, {"reason": "   "}, {"reason": "x" * 1001}]
)
async def test_reject_needs_a_reason(
    users: UserFactory, admin: Actor, rows: Rows, body: dict[str, str] | None
) -> None:
    applicant = await users.actor()
    request = await apply(applicant)

    response = await admin.client.post(f"{ADMIN_LIST}/{request['id']}/reject", json=body)

    assert response.status_code == 422
    (profile,) = await rows.profiles_of(applicant.user.id)
    assert profile.status == "pending"


@pytest.mark.parametrize(
    "path",
    [
        f"{ADMIN_LIST}/{SOME_ID}/approve",
        f"{ADMIN_LIST}/{SOME_ID}/reject",
        f"{LEGACY}/{SOME_ID}/approve",
        f"{LEGACY}/{SOME_ID}/reject",
        f"/api/admin/investors/{SOME_ID}/revoke",
    ],
)
async def test_unknown_ids_are_404(admin: Actor, path: str) -> None:
    response = await admin.client.post(path, json={"reason": "why"})

    assert response.status_code == 404


async def test_malformed_ids_are_422(admin: Actor) -> None:
    response = await admin.client.post(f"{ADMIN_LIST}/not-a-uuid/approve")

    assert response.status_code == 422


async def test_approve_notes_are_bounded(users: UserFactory, admin: Actor) -> None:
    applicant = await users.actor()
    request = await apply(applicant)

    response = await approve(admin, request["id"], admin_notes="n" * 2001)

    assert response.status_code == 422


async def test_revoke_removes_the_investor(
    users: UserFactory, admin: Actor, rows: Rows, client: httpx.AsyncClient
) -> None:
    applicant = await users.actor()
    request = await apply(applicant)
    await approve(admin, request["id"])
    assert (await client.get(f"{LEGACY}/user/{applicant.user.id}")).status_code == 200

    response = await admin.client.post(f"/api/admin/investors/{applicant.user.id}/revoke")

    assert response.status_code == 200
    assert response.json()["data"] == {
        "user_id": str(applicant.user.id),
        "is_investor": False,
        "revoked_request_id": request["id"],
    }
    assert (await rows.user(applicant.user.id)).is_investor is False
    (profile,) = await rows.profiles_of(applicant.user.id)
    assert profile.status == "revoked"
    (entry,) = await rows.audit("investor.revoke")
    assert entry.actor_id == admin.user.id
    assert entry.data["user_id"] == str(applicant.user.id)
    assert (await client.get(f"{LEGACY}/user/{applicant.user.id}")).status_code == 404
    assert (
        await applicant.client.put("/api/investor-requests/profile", json={})
    ).status_code == 403
    again = await admin.client.post(f"/api/admin/investors/{applicant.user.id}/revoke")
    assert again.status_code == 404


async def test_revoke_of_a_flag_only_investor_clears_the_flag(
    users: UserFactory, admin: Actor, rows: Rows
) -> None:
    seeded = await users.user(is_investor=True)

    response = await admin.client.post(f"/api/admin/investors/{seeded.id}/revoke")

    assert response.status_code == 200
    assert response.json()["data"]["revoked_request_id"] is None
    assert (await rows.user(seeded.id)).is_investor is False


async def test_revoking_a_non_investor_is_404(users: UserFactory, admin: Actor) -> None:
    pending = await users.actor()
    await apply(pending)

    response = await admin.client.post(f"/api/admin/investors/{pending.user.id}/revoke")

    assert response.status_code == 404


async def test_admin_actions_appear_in_the_audit_log(users: UserFactory, admin: Actor) -> None:
    applicant = await users.actor()
    request = await apply(applicant)
    await approve(admin, request["id"])

    response = await admin.client.get("/api/admin/audit-log", params={"target_type": "investor"})

    assert response.status_code == 200
    actions = [(e["action"], e["target_id"]) for e in response.json()["data"]]
    assert ("investor.approve", request["id"]) in actions


async def test_an_unknown_id_on_the_legacy_path_is_not_a_500(admin: Actor) -> None:
    response = await admin.client.post(f"{LEGACY}/{uuid.uuid4()}/approve", json={})

    assert response.status_code == 404


async def test_admin_sets_the_plan_of_an_investor(
    users: UserFactory, admin: Actor, rows: Rows
) -> None:
    investor = await users.actor()
    request = await apply(investor)
    await approve(admin, request["id"])
    path = f"/api/admin/investors/{investor.user.id}/plan"

    response = await admin.client.put(path, json={"plan_type": "enterprise"})

    assert response.status_code == 200
    assert response.json()["data"]["plan_type"] == "enterprise"
    (entry,) = await rows.audit("investor.plan")
    assert entry.data == {"user_id": str(investor.user.id), "from": "free", "to": "enterprise"}
    assert (await admin.client.put(path, json={"plan_type": "gold"})).status_code == 422
    assert (await investor.client.put(path, json={"plan_type": "free"})).status_code == 403
    nobody = await users.user()
    missing = await admin.client.put(
        f"/api/admin/investors/{nobody.id}/plan", json={"plan_type": "free"}
    )
    assert missing.status_code == 404
    # An approved investor cannot change the plan through the profile edit.
    await investor.client.put("/api/investor-requests/profile", json={"plan_type": "free"})
    (profile,) = await rows.profiles_of(investor.user.id)
    assert profile.plan_type == "enterprise"
