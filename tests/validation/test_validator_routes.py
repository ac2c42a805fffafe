"""/api/validator: dashboard, assignment transitions, projects, permissions and stats."""

from __future__ import annotations

import uuid

import httpx
import pytest

from oxship.runtime import Runtime
from tests.factories.projects import ProjectFactory
from tests.factories.users import UserFactory
from tests.validation.conftest import assign, assignments, award, make_validator

VALIDATOR_GETS = [
    "/api/validator/dashboard",
    "/api/validator/projects",
    f"/api/validator/projects/{uuid.uuid4()}",
    "/api/validator/permissions",
    "/api/validator/stats",
]
VALIDATOR_POSTS = [
    (f"/api/validator/assignments/{uuid.uuid4()}/start-review", None),
    (f"/api/validator/assignments/{uuid.uuid4()}/reject", {"notes": "Not a fit"}),
]


async def test_validator_routes_refuse_non_validators(
    users: UserFactory, client: httpx.AsyncClient
) -> None:
    plain = await users.actor()
    admin = await users.admin()
    for path in VALIDATOR_GETS:
        assert (await client.get(path)).status_code == 401, path
        assert (await plain.client.get(path)).status_code == 403, path
        assert (await admin.client.get(path)).status_code == 403, path
    for path, body in VALIDATOR_POSTS:
        assert (await client.post(path, json=body)).status_code == 401, path
        assert (await plain.client.post(path, json=body)).status_code == 403, path


async def test_dashboard_orders_by_priority_then_age_and_filters(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime
) -> None:
    owner = await users.user()
    validator = await make_validator(users)
    pids = [await projects.project_id(owner) for _ in range(5)]
    low = await assign(runtime, validator.user, pids[0], priority="low", age_seconds=500)
    normal_new = await assign(runtime, validator.user, pids[1], priority="normal", age_seconds=10)
    normal_old = await assign(runtime, validator.user, pids[2], priority="normal", age_seconds=90)
    urgent = await assign(runtime, validator.user, pids[3], priority="urgent", age_seconds=1)
    high = await assign(
        runtime, validator.user, pids[4], priority="high", status="in_review", age_seconds=5
    )
    other = await make_validator(users)
    await assign(runtime, other.user, pids[0])

    response = await validator.client.get("/api/validator/dashboard")
    assert response.status_code == 200, response.text
    body = response.json()
    ids = [a["id"] for a in body["data"]]
    assert ids == [str(x) for x in (urgent, high, normal_old, normal_new, low)]
    assert body["pagination"]["total"] == 5
    assert body["data"][0]["project"]["id"] == str(pids[3])
    assert response.headers["cache-control"] == "private, no-store"

    reviewing = await validator.client.get("/api/validator/dashboard?status=in_review")
    assert [a["id"] for a in reviewing.json()["data"]] == [str(high)]
    normal = await validator.client.get("/api/validator/dashboard?priority=normal&per_page=1")
    assert [a["id"] for a in normal.json()["data"]] == [str(normal_old)]
    assert normal.json()["pagination"]["total"] == 2


@pytest.mark.parametrize(
    "query", ["status=done", "priority=meh", "page=0", "per_page=101", "per_page=x"]
)
async def test_dashboard_bad_filters_are_422(users: UserFactory, query: str) -> None:
    validator = await make_validator(users)
    response = await validator.client.get(f"/api/validator/dashboard?{query}")
    assert response.status_code == 422


async def test_dashboard_hides_deleted_projects(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime
) -> None:
    owner = await users.actor()
    validator = await make_validator(users)
    project_id = await projects.project_id(owner.user)
    await assign(runtime, validator.user, project_id)
    assert (await owner.client.delete(f"/api/projects/{project_id}")).status_code == 200
    response = await validator.client.get("/api/validator/dashboard")
    assert response.json()["data"] == []


async def test_start_review_then_reject(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime
) -> None:
    owner = await users.user()
    validator = await make_validator(users)
    assignment_id = await assign(runtime, validator.user, await projects.project_id(owner))
    base = f"/api/validator/assignments/{assignment_id}"

    started = await validator.client.post(f"{base}/start-review")
    assert started.status_code == 200, started.text
    assert started.json()["data"]["status"] == "in_review"
    again = await validator.client.post(f"{base}/start-review")
    assert again.status_code == 409

    rejected = await validator.client.post(f"{base}/reject", json={"notes": "Out of scope"})
    assert rejected.status_code == 200, rejected.text
    assert rejected.json()["data"]["status"] == "rejected"
    assert rejected.json()["data"]["notes"] == "Out of scope"
    assert (await validator.client.post(f"{base}/reject", json={"notes": "x"})).status_code == 409
    assert (await validator.client.post(f"{base}/start-review")).status_code == 409
    (row,) = await assignments(runtime, id=assignment_id)
    assert (row.status, row.notes) == ("rejected", "Out of scope")


async def test_pending_can_be_rejected_directly(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime
) -> None:
    owner = await users.user()
    validator = await make_validator(users)
    assignment_id = await assign(runtime, validator.user, await projects.project_id(owner))
    response = await validator.client.post(
        f"/api/validator/assignments/{assignment_id}/reject", json={"notes": "Duplicate entry"}
    )
    assert response.status_code == 200
    assert response.json()["data"]["status"] == "rejected"


async def test_only_the_assigned_validator_moves_an_assignment(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime
) -> None:
    owner = await users.user()
    validator = await make_validator(users)
    intruder = await make_validator(users)
    assignment_id = await assign(runtime, validator.user, await projects.project_id(owner))
    base = f"/api/validator/assignments/{assignment_id}"
    assert (await intruder.client.post(f"{base}/start-review")).status_code == 404
    assert (await intruder.client.post(f"{base}/reject", json={"notes": "no"})).status_code == 404
    assert (
        await validator.client.post(f"/api/validator/assignments/{uuid.uuid4()}/start-review")
    ).status_code == 404
    assert (
        await validator.client.post("/api/validator/assignments/x/start-review")
    ).status_code == 422
    (row,) = await assignments(runtime, id=assignment_id)
    assert row.status == "pending"


@pytest.mark.parametrize("body", [{}, {"notes": ""}, {"notes": "x" * 2001}, {"notes": None}])
async def test_reject_needs_notes(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime, body: dict[str, object]
) -> None:
    owner = await users.user()
    validator = await make_validator(users)
    assignment_id = await assign(runtime, validator.user, await projects.project_id(owner))
    response = await validator.client.post(
        f"/api/validator/assignments/{assignment_id}/reject", json=body
    )
    assert response.status_code == 422


async def test_projects_lists_what_the_caller_may_validate(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime
) -> None:
    owner = await users.user()
    ai = await projects.project_id(owner, categories=["AI"])
    web = await projects.project_id(owner, categories=["Web"])
    listed = await projects.project_id(owner, categories=["Games"])
    assigned = await projects.project_id(owner, categories=["Games"])
    await projects.project_id(owner, categories=["Games"])  # outside the scope
    validator = await make_validator(users, categories=["ai", "WEB"], project_ids=[str(listed)])
    await projects.project_id(validator.user, categories=["AI"])  # their own: never listed
    await assign(runtime, validator.user, assigned)
    assert (await award(validator.client, web, "gold")).status_code == 201

    todo = await validator.client.get("/api/validator/projects")
    assert todo.status_code == 200, todo.text
    assert {p["id"] for p in todo.json()["data"]} == {str(ai), str(listed), str(assigned)}
    assert all(p["validated_by_me"] is False for p in todo.json()["data"])
    done = await validator.client.get("/api/validator/projects?validated=true")
    assert [(p["id"], p["validated_by_me"]) for p in done.json()["data"]] == [(str(web), True)]
    every = await validator.client.get("/api/validator/projects?validated=all&per_page=2")
    assert every.json()["pagination"]["total"] == 4
    assert len(every.json()["data"]) == 2
    assert (
        await validator.client.get("/api/validator/projects?validated=maybe")
    ).status_code == 422


async def test_projects_of_validate_all_and_of_an_inactive_profile(
    users: UserFactory, projects: ProjectFactory
) -> None:
    owner = await users.user()
    for _ in range(3):
        await projects.project_id(owner)
    everything = await make_validator(users, can_validate_all=True)
    response = await everything.client.get("/api/validator/projects")
    assert response.json()["pagination"]["total"] == 3
    inactive = await make_validator(users, can_validate_all=True, is_active=False)
    assert (await inactive.client.get("/api/validator/projects")).json()["data"] == []
    none = await make_validator(users, profile=False)
    assert (await none.client.get("/api/validator/projects")).json()["pagination"]["total"] == 0


async def test_project_detail_with_badges_and_permission(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime
) -> None:
    owner = await users.user()
    project_id = await projects.project_id(owner, categories=["AI"])
    first = await make_validator(users, can_validate_all=True)
    assert (await award(first.client, project_id, "silver")).status_code == 201
    validator = await make_validator(users, categories=["ai"], badge_types=["gold", "stone"])
    assignment_id = await assign(runtime, validator.user, project_id)

    response = await validator.client.get(f"/api/validator/projects/{project_id}")
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["project"]["id"] == str(project_id)
    assert [b["badge_type"] for b in data["badges"]] == ["silver"]
    assert data["my_badge"] is None
    assert data["assignment"]["id"] == str(assignment_id)
    assert data["allowed_badge_types"] == ["gold", "stone"]
    assert (await award(validator.client, project_id, "gold")).status_code == 201
    data = (await validator.client.get(f"/api/validator/projects/{project_id}")).json()["data"]
    assert data["my_badge"]["badge_type"] == "gold"
    assert data["assignment"]["status"] == "validated"

    outsider = await make_validator(users, categories=["web"])
    assert (await outsider.client.get(f"/api/validator/projects/{project_id}")).status_code == 403
    assert (
        await validator.client.get(f"/api/validator/projects/{uuid.uuid4()}")
    ).status_code == 404
    own = await projects.project_id(validator.user, categories=["AI"])
    assert (await validator.client.get(f"/api/validator/projects/{own}")).status_code == 403


async def test_permissions_of_the_caller(users: UserFactory) -> None:
    validator = await make_validator(
        users, categories=["AI"], badge_types=["gold"], project_ids=["x"]
    )
    response = await validator.client.get("/api/validator/permissions")
    assert response.json()["data"] == {
        "user_id": str(validator.user.id),
        "has_profile": True,
        "is_active": True,
        "can_validate_all": False,
        "allowed_badge_types": ["gold"],
        "allowed_categories": ["ai"],
        "allowed_project_ids": ["x"],
    }
    bare = await make_validator(users, profile=False)
    data = (await bare.client.get("/api/validator/permissions")).json()["data"]
    assert (data["has_profile"], data["is_active"], data["allowed_badge_types"]) == (
        False,
        False,
        [],
    )


async def test_stats_count_badges_and_assignments(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime
) -> None:
    owner = await users.user()
    validator = await make_validator(users, can_validate_all=True)
    first, second, third = [await projects.project_id(owner) for _ in range(3)]
    await assign(runtime, validator.user, first)
    await assign(runtime, validator.user, third, status="rejected")
    assert (await award(validator.client, first, "gold")).status_code == 201
    assert (await award(validator.client, second, "gold")).status_code == 201

    response = await validator.client.get("/api/validator/stats")
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["badges_awarded"] == 2
    assert data["badges_by_type"] == {"gold": 2}
    assert data["assignments_by_status"] == {
        "pending": 0,
        "in_review": 0,
        "validated": 1,
        "completed": 0,
        "rejected": 1,
    }
    assert data["assignments_total"] == 2
    assert data["karma"] == 4.0


async def test_dashboard_projects_carry_the_callers_vote_and_save(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime
) -> None:
    owner = await users.user()
    validator = await make_validator(users)
    voted = await projects.project_id(owner)
    saved = await projects.project_id(owner)
    await assign(runtime, validator.user, voted, priority="urgent")
    await assign(runtime, validator.user, saved)
    vote = await validator.client.post(
        "/api/votes", json={"project_id": str(voted), "vote_type": "up"}
    )
    assert vote.status_code == 200, vote.text
    assert (await validator.client.post(f"/api/saved/save/{saved}")).status_code == 201

    data = (await validator.client.get("/api/validator/dashboard")).json()["data"]
    assert [(a["project"]["user_vote"], a["project"]["is_saved"]) for a in data] == [
        ("up", False),
        (None, True),
    ]
