"""Admin routes of validation: validators, permissions, assignments, badges and badge types."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from oxship.models import AdminAction, Notification, ValidatorProfile
from oxship.runtime import Runtime
from tests.factories.projects import ProjectFactory
from tests.factories.users import UserFactory
from tests.validation.conftest import (
    RATIONALE,
    assign,
    assignments,
    award,
    badge_rows,
    make_validator,
    project_row,
    user_row,
)

ANY = "00000000-0000-4000-8000-000000000001"  # fixed: xdist workers must collect the same ids
ADMIN_ROUTES: list[tuple[str, str, dict[str, Any] | None]] = [
    ("GET", "/api/admin/validators", None),
    ("POST", "/api/admin/validators/add-email", {"email": "x@example.com"}),
    ("POST", f"/api/admin/validators/{ANY}/remove", None),
    ("POST", f"/api/admin/validators/{ANY}/permissions", {"can_validate_all": True}),
    ("POST", "/api/admin/validator-assignments", {"validator_id": ANY, "project_id": ANY}),
    (
        "POST",
        "/api/admin/validator-assignments/bulk",
        {"validator_id": ANY, "category_filter": "ai"},
    ),
    ("DELETE", f"/api/admin/validator-assignments/{ANY}", None),
    ("GET", f"/api/admin/validator-assignments/validator/{ANY}", None),
    ("GET", "/api/admin/badges", None),
    ("GET", f"/api/admin/badges/{ANY}", None),
    ("PATCH", f"/api/admin/badges/{ANY}", {"badge_type": "gold"}),
    ("DELETE", f"/api/admin/badges/{ANY}", None),
    (
        "POST",
        "/api/admin/badges/award",
        {"validator_id": ANY, "project_id": ANY, "badge_type": "gold", "rationale": RATIONALE},
    ),
    ("POST", "/api/admin/badge-types", {"name": "shiny", "points": 3}),
]


async def _send(
    client: httpx.AsyncClient, method: str, path: str, body: dict[str, Any] | None
) -> httpx.Response:
    return await client.request(method, path, json=body)


@pytest.mark.parametrize(("method", "path", "body"), ADMIN_ROUTES)
async def test_admin_routes_need_an_admin(
    users: UserFactory,
    client: httpx.AsyncClient,
    method: str,
    path: str,
    body: dict[str, Any] | None,
) -> None:
    assert (await _send(client, method, path, body)).status_code == 401
    plain = await users.actor()
    assert (await _send(plain.client, method, path, body)).status_code == 403
    validator = await make_validator(users, can_validate_all=True)
    assert (await _send(validator.client, method, path, body)).status_code == 403


async def _audit(runtime: Runtime) -> list[str]:
    async with runtime.sessionmaker() as session:
        rows = await session.scalars(select(AdminAction).order_by(AdminAction.created_at))
        return [row.action for row in rows]


# --- validators ----------------------------------------------------------------------------------


async def test_add_validator_by_email_then_remove(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime
) -> None:
    admin = await users.admin()
    person = await users.actor(email="Val@Example.com".lower())
    response = await admin.client.post(
        "/api/admin/validators/add-email", json={"email": "  VAL@example.com "}
    )
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["id"] == str(person.user.id)
    assert data["is_validator"] is True
    assert data["profile"]["is_active"] is True
    assert data["profile"]["allowed_badge_types"] == [
        "stone",
        "silver",
        "gold",
        "platinum",
        "demerit",
    ]
    assert (await user_row(runtime, person.user.id)).is_validator is True
    again = await admin.client.post(
        "/api/admin/validators/add-email", json={"email": "val@example.com"}
    )
    assert again.status_code == 409
    unknown = await admin.client.post(
        "/api/admin/validators/add-email", json={"email": "nobody@example.com"}
    )
    assert unknown.status_code == 404
    assert (await person.client.get("/api/validator/permissions")).status_code == 200

    listed = await admin.client.get("/api/admin/validators")
    assert [v["id"] for v in listed.json()["data"]] == [str(person.user.id)]
    assert listed.json()["data"][0]["email"] == "val@example.com"

    owner = await users.user()
    open_one = await assign(runtime, person.user, await projects.project_id(owner))
    done = await assign(runtime, person.user, await projects.project_id(owner), status="rejected")
    removed = await admin.client.post(f"/api/admin/validators/{person.user.id}/remove")
    assert removed.status_code == 200, removed.text
    assert removed.json()["data"]["is_validator"] is False
    assert removed.json()["data"]["profile"]["is_active"] is False
    assert {a.id for a in await assignments(runtime)} == {done}
    assert open_one not in {a.id for a in await assignments(runtime)}
    assert (await person.client.get("/api/validator/permissions")).status_code == 403
    again = await admin.client.post(f"/api/admin/validators/{person.user.id}/remove")
    assert again.status_code == 404
    assert (
        await admin.client.post(f"/api/admin/validators/{uuid.uuid4()}/remove")
    ).status_code == 404

    readded = await admin.client.post(
        "/api/admin/validators/add-email", json={"email": "val@example.com"}
    )
    assert readded.status_code == 200
    assert readded.json()["data"]["profile"]["is_active"] is True
    assert await _audit(runtime) == ["validator.add", "validator.remove", "validator.add"]


@pytest.mark.parametrize("body", [{}, {"email": ""}, {"email": "a" * 400}, {"email": 3}])
async def test_add_email_validation(users: UserFactory, body: dict[str, Any]) -> None:
    admin = await users.admin()
    response = await admin.client.post("/api/admin/validators/add-email", json=body)
    assert response.status_code == 422


async def test_set_permissions(users: UserFactory, runtime: Runtime) -> None:
    admin = await users.admin()
    await admin.client.post("/api/admin/badge-types", json={"name": "Rising", "points": 4})
    validator = await make_validator(users, profile=False)
    pid = str(uuid.uuid4())
    response = await admin.client.post(
        f"/api/admin/validators/{validator.user.id}/permissions",
        json={
            "can_validate_all": False,
            "allowed_badge_types": ["Gold", "gold", "rising"],
            "allowed_categories": ["AI", "ai", "Web"],
            "allowed_project_ids": [pid, pid],
        },
    )
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["allowed_badge_types"] == ["gold", "rising"]
    assert data["allowed_categories"] == ["ai", "web"]
    assert data["allowed_project_ids"] == [pid]
    assert data["is_active"] is True

    partial = await admin.client.post(
        f"/api/admin/validators/{validator.user.id}/permissions", json={"can_validate_all": True}
    )
    assert partial.json()["data"]["can_validate_all"] is True
    assert partial.json()["data"]["allowed_categories"] == ["ai", "web"]
    async with runtime.sessionmaker() as session:
        profile = await session.get(ValidatorProfile, validator.user.id)
        assert profile is not None
        assert (profile.can_validate_all, profile.allowed_badge_types) == (True, ["gold", "rising"])
    assert await _audit(runtime) == [
        "badge_type.create",
        "validator.permissions",
        "validator.permissions",
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"allowed_badge_types": ["diamond"]}, "allowed_badge_types"),
        ({"allowed_project_ids": ["not-a-uuid"]}, "allowed_project_ids.0"),
        ({"allowed_categories": ["x" * 51]}, "allowed_categories.0"),
        ({"allowed_categories": None}, "allowed_categories"),
        ({"can_validate_all": "maybe"}, "can_validate_all"),
        ({"allowed_badge_types": "gold"}, "allowed_badge_types"),
    ],
)
async def test_permissions_validation(users: UserFactory, body: dict[str, Any], field: str) -> None:
    admin = await users.admin()
    validator = await make_validator(users)
    response = await admin.client.post(
        f"/api/admin/validators/{validator.user.id}/permissions", json=body
    )
    assert response.status_code == 422, response.text
    assert response.json()["details"][0]["field"] == field


async def test_permissions_of_a_non_validator_is_404(users: UserFactory) -> None:
    admin = await users.admin()
    plain = await users.user()
    for user_id in (plain.id, uuid.uuid4()):
        response = await admin.client.post(
            f"/api/admin/validators/{user_id}/permissions", json={"can_validate_all": True}
        )
        assert response.status_code == 404


# --- assignments ---------------------------------------------------------------------------------


async def test_create_list_and_delete_assignments(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime
) -> None:
    admin = await users.admin()
    owner = await users.user()
    validator = await make_validator(users)
    first = await projects.project_id(owner)
    second = await projects.project_id(owner)
    created = await admin.client.post(
        "/api/admin/validator-assignments",
        json={
            "validator_id": str(validator.user.id),
            "project_id": str(first),
            "priority": "low",
            "notes": "Look at the demo",
        },
    )
    assert created.status_code == 201, created.text
    data = created.json()["data"]
    assert (data["status"], data["priority"], data["notes"]) == (
        "pending",
        "low",
        "Look at the demo",
    )
    assert data["assigned_by"] == str(admin.user.id)
    duplicate = await admin.client.post(
        "/api/admin/validator-assignments",
        json={"validator_id": str(validator.user.id), "project_id": str(first)},
    )
    assert duplicate.status_code == 409
    urgent = await admin.client.post(
        "/api/admin/validator-assignments",
        json={
            "validator_id": str(validator.user.id),
            "project_id": str(second),
            "priority": "urgent",
        },
    )
    assert urgent.status_code == 201

    listed = await admin.client.get(
        f"/api/admin/validator-assignments/validator/{validator.user.id}"
    )
    assert listed.status_code == 200
    assert [a["project"]["id"] for a in listed.json()["data"]] == [str(second), str(first)]
    async with runtime.sessionmaker() as session:
        notes = (
            await session.scalars(
                select(Notification).where(Notification.user_id == validator.user.id)
            )
        ).all()
    assert {n.type for n in notes} == {"validator_assignment"}
    assert len(notes) == 2

    deleted = await admin.client.delete(f"/api/admin/validator-assignments/{data['id']}")
    assert deleted.status_code == 200
    assert deleted.json()["data"] == {"deleted": True}
    again = await admin.client.delete(f"/api/admin/validator-assignments/{data['id']}")
    assert again.status_code == 404
    assert len(await assignments(runtime)) == 1
    assert (
        await admin.client.get(f"/api/admin/validator-assignments/validator/{uuid.uuid4()}")
    ).status_code == 404
    assert await _audit(runtime) == [
        "validator_assignment.create",
        "validator_assignment.create",
        "validator_assignment.delete",
    ]


async def test_assignment_rules(users: UserFactory, projects: ProjectFactory) -> None:
    admin = await users.admin()
    owner = await users.user()
    validator = await make_validator(users)
    plain = await users.user()
    project_id = await projects.project_id(owner)
    own = await projects.project_id(validator.user)

    async def post(**body: Any) -> httpx.Response:
        return await admin.client.post(
            "/api/admin/validator-assignments", json={k: str(v) for k, v in body.items()}
        )

    assert (await post(validator_id=plain.id, project_id=project_id)).status_code == 422
    assert (await post(validator_id=uuid.uuid4(), project_id=project_id)).status_code == 404
    assert (await post(validator_id=validator.user.id, project_id=uuid.uuid4())).status_code == 404
    assert (await post(validator_id=validator.user.id, project_id=own)).status_code == 422
    bad = await admin.client.post(
        "/api/admin/validator-assignments",
        json={
            "validator_id": str(validator.user.id),
            "project_id": str(project_id),
            "priority": "now",
        },
    )
    assert bad.status_code == 422
    assert (await admin.client.post("/api/admin/validator-assignments", json={})).status_code == 422


async def test_bulk_assignment(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime
) -> None:
    admin = await users.admin()
    owner = await users.user()
    validator = await make_validator(users)
    ai = [await projects.project_id(owner, categories=["AI", "Tools"]) for _ in range(4)]
    await projects.project_id(owner, categories=["Web"])
    await projects.project_id(validator.user, categories=["ai"])  # their own
    await assign(runtime, validator.user, ai[0])

    async def bulk(**extra: Any) -> httpx.Response:
        body = {"validator_id": str(validator.user.id), "category_filter": "ai", **extra}
        return await admin.client.post("/api/admin/validator-assignments/bulk", json=body)

    first = await bulk(limit=2, priority="high")
    assert first.status_code == 200, first.text
    assert first.json()["data"]["created"] == 2
    rest = await bulk(category_filter=" Ai ")
    assert rest.json()["data"]["created"] == 1
    assert (await bulk()).json()["data"]["created"] == 0
    rows = await assignments(runtime, validator_id=validator.user.id)
    assert {a.project_id for a in rows} == set(ai)
    high = [a for a in rows if a.priority == "high"]
    assert [a.project_id for a in sorted(high, key=lambda a: ai.index(a.project_id))] == ai[1:3]
    assert all(a.priority_rank == 1 for a in high)
    assert {a.assigned_by for a in rows if a.project_id != ai[0]} == {admin.user.id}
    for bad in ({"limit": 201}, {"limit": 0}, {"category_filter": ""}, {"priority": "x"}):
        assert (await bulk(**bad)).status_code == 422, bad
    plain = await users.user()
    response = await admin.client.post(
        "/api/admin/validator-assignments/bulk",
        json={"validator_id": str(plain.id), "category_filter": "ai"},
    )
    assert response.status_code == 422


# --- badges --------------------------------------------------------------------------------------


async def test_admin_award_for_any_validator(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime
) -> None:
    admin = await users.admin()
    owner = await users.user()
    project_id = await projects.project_id(owner, categories=["Web"])
    validator = await make_validator(users, profile=False)  # no permission at all
    body = {
        "validator_id": str(validator.user.id),
        "project_id": str(project_id),
        "badge_type": "platinum",
        "rationale": RATIONALE,
    }
    response = await admin.client.post("/api/admin/badges/award", json=body)
    assert response.status_code == 201, response.text
    assert response.json()["data"]["validator_id"] == str(validator.user.id)
    assert response.json()["data"]["project"]["validation_score"] == 20
    assert (await admin.client.post("/api/admin/badges/award", json=body)).status_code == 409
    assert (await user_row(runtime, validator.user.id)).karma == pytest.approx(2.0)
    plain = await users.user()
    not_validator = await admin.client.post(
        "/api/admin/badges/award", json={**body, "validator_id": str(plain.id)}
    )
    assert not_validator.status_code == 422
    own = await admin.client.post(
        "/api/admin/badges/award", json={**body, "validator_id": str(owner.id)}
    )
    assert own.status_code in (403, 422)
    assert await badge_rows(runtime) == 1
    assert await _audit(runtime) == ["badge.award"]


async def test_badge_list_filters_and_detail(users: UserFactory, projects: ProjectFactory) -> None:
    admin = await users.admin()
    owner = await users.user()
    p1 = await projects.project_id(owner)
    p2 = await projects.project_id(owner)
    v1 = await make_validator(users, can_validate_all=True)
    v2 = await make_validator(users, can_validate_all=True)
    b1 = (await award(v1.client, p1, "gold")).json()["data"]
    b2 = (await award(v2.client, p1, "stone")).json()["data"]
    b3 = (await award(v1.client, p2, "stone")).json()["data"]

    everything = await admin.client.get("/api/admin/badges")
    assert everything.status_code == 200
    assert [b["id"] for b in everything.json()["data"]] == [b3["id"], b2["id"], b1["id"]]
    stones = await admin.client.get("/api/admin/badges?badge_type=STONE")
    assert {b["id"] for b in stones.json()["data"]} == {b2["id"], b3["id"]}
    mine = await admin.client.get(f"/api/admin/badges?validator_id={v1.user.id}&project_id={p2}")
    assert [b["id"] for b in mine.json()["data"]] == [b3["id"]]
    assert (await admin.client.get("/api/admin/badges?validator_id=nope")).status_code == 422

    one = await admin.client.get(f"/api/admin/badges/{b1['id']}")
    assert one.status_code == 200
    assert one.json()["data"]["project_title"]
    assert one.json()["data"]["validator"]["id"] == str(v1.user.id)
    assert (await admin.client.get(f"/api/admin/badges/{uuid.uuid4()}")).status_code == 404


async def test_patch_badge_recomputes(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime
) -> None:
    admin = await users.admin()
    owner = await users.user()
    project_id = await projects.project_id(owner)
    validator = await make_validator(users, can_validate_all=True)
    badge = (await award(validator.client, project_id, "stone")).json()["data"]
    proof_before = (await project_row(runtime, project_id)).proof_score

    response = await admin.client.patch(
        f"/api/admin/badges/{badge['id']}",
        json={"badge_type": "Platinum", "rationale": RATIONALE + " Upgraded."},
    )
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert (data["badge_type"], data["points"]) == ("platinum", 20)
    assert data["rationale"].endswith("Upgraded.")
    assert data["updated_at"] is not None
    assert data["project"]["validation_score"] == 20
    row = await project_row(runtime, project_id)
    assert (row.badge_points, row.badge_count) == (20, 1)
    assert row.proof_score == pytest.approx(proof_before + 15)
    events = [e for e in runtime.publisher.recent if e.name == "badge:updated"]
    assert len(events) == 1
    assert events[0].payload["data"]["badge_type"] == "platinum"

    for bad in ({"badge_type": "diamond"}, {"badge_type": None}, {"rationale": "short"}):
        assert (
            await admin.client.patch(f"/api/admin/badges/{badge['id']}", json=bad)
        ).status_code == 422, bad
    assert (
        await admin.client.patch(f"/api/admin/badges/{uuid.uuid4()}", json={"badge_type": "gold"})
    ).status_code == 404
    assert await _audit(runtime) == ["badge.update"]


async def test_delete_badge_recomputes_everything(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime
) -> None:
    admin = await users.admin()
    owner = await users.user()
    project_id = await projects.project_id(owner)
    before = await project_row(runtime, project_id)
    validator = await make_validator(users, can_validate_all=True)
    badge = (await award(validator.client, project_id, "gold")).json()["data"]

    response = await admin.client.delete(f"/api/admin/badges/{badge['id']}")
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["deleted"] is True
    assert data["project"]["badge_count"] == 0
    row = await project_row(runtime, project_id)
    assert (row.badge_count, row.badge_points, row.validation_score) == (0, 0, 0.0)
    assert row.proof_score == pytest.approx(before.proof_score)
    assert (await user_row(runtime, validator.user.id)).karma == 0
    assert (await user_row(runtime, owner.id)).badge_count == 0
    assert await badge_rows(runtime) == 0
    events = [e for e in runtime.publisher.recent if e.name == "badge:removed"]
    assert [e.payload["data"]["id"] for e in events] == [badge["id"]]
    assert (await admin.client.delete(f"/api/admin/badges/{badge['id']}")).status_code == 404
    assert (await award(validator.client, project_id, "stone")).status_code == 201
    assert await _audit(runtime) == ["badge.delete"]


# --- badge types ---------------------------------------------------------------------------------


async def test_create_badge_types(
    users: UserFactory, client: httpx.AsyncClient, runtime: Runtime
) -> None:
    admin = await users.admin()
    response = await admin.client.post(
        "/api/admin/badge-types",
        json={
            "name": "  Rising Star ",
            "points": -3,
            "icon_url": "https://x.io/i.png",
            "color": "#ffaa00",
        },
    )
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    assert (data["name"], data["points"], data["is_builtin"]) == ("rising star", -3, False)
    assert data["icon_url"] == "https://x.io/i.png"
    for name in ("RISING STAR", "Gold", "demerit"):
        again = await admin.client.post("/api/admin/badge-types", json={"name": name, "points": 1})
        assert again.status_code == 409, name
    for bad in (
        {"name": "x", "points": 21},
        {"name": "x", "points": -11},
        {"name": "", "points": 1},
        {"name": "x" * 51, "points": 1},
        {"name": "x", "points": "many"},
        {"name": "x", "points": 1, "icon_url": "ftp://x"},
        {"name": "x", "points": 1, "color": "c" * 21},
        {"points": 1},
    ):
        assert (await admin.client.post("/api/admin/badge-types", json=bad)).status_code == 422, bad

    listed = await client.get("/api/badges/types")
    assert listed.status_code == 200
    names = [t["name"] for t in listed.json()["data"]]
    assert names == ["stone", "silver", "gold", "platinum", "demerit", "rising star"]
    assert listed.json()["data"][2] == {
        "id": None,
        "name": "gold",
        "points": 15,
        "icon_url": None,
        "color": None,
        "is_builtin": True,
        "created_at": None,
    }
    page2 = await client.get("/api/badges/types?per_page=4&page=2")
    assert [t["name"] for t in page2.json()["data"]] == ["demerit", "rising star"]
    assert page2.json()["pagination"]["total"] == 6
    assert await _audit(runtime) == ["badge_type.create"]
