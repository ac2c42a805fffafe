"""POST /api/badges/award: permission rule, validation, and every effect in one transaction."""

from __future__ import annotations

import uuid

import httpx
import pytest
from sqlalchemy import select

from oxship.models import Notification
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


async def test_gold_badge_raises_validation_and_proof_scores(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime
) -> None:
    owner = await users.user()
    project = await projects.project(owner, categories=["AI"])
    before = await project_row(runtime, project["id"])
    validator = await make_validator(users, categories=["ai"])

    response = await award(validator.client, project["id"], "gold")

    assert response.status_code == 201, response.text
    data = response.json()["data"]
    assert data["badge_type"] == "gold"
    assert data["points"] == 15
    assert data["rationale"] == RATIONALE
    assert data["validator"]["username"] == validator.user.username
    assert data["project"]["validation_score"] == 15
    assert data["project"]["badge_count"] == 1
    after = await project_row(runtime, project["id"])
    assert (after.badge_count, after.badge_points, after.validation_score) == (1, 15, 15.0)
    assert after.proof_score == pytest.approx(before.proof_score + 15)
    assert after.trending_score == pytest.approx(before.trending_score + 0.15)
    assert data["project"]["proof_score"] == round(after.proof_score, 2)


async def test_award_moves_karma_badge_count_and_notifies_the_owner(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime
) -> None:
    owner = await users.user()
    project_id = await projects.project_id(owner)
    validator = await make_validator(users, can_validate_all=True)
    owner_before = await user_row(runtime, owner.id)

    response = await award(validator.client, project_id, "silver")

    assert response.status_code == 201, response.text
    assert (await user_row(runtime, validator.user.id)).karma == pytest.approx(2.0)
    owner_after = await user_row(runtime, owner.id)
    assert owner_after.badge_count == 1
    assert owner_after.karma == pytest.approx(owner_before.karma + 10)
    async with runtime.sessionmaker() as session:
        notes = (
            await session.scalars(select(Notification).where(Notification.user_id == owner.id))
        ).all()
    assert [(n.type, n.actor_id, n.project_id) for n in notes] == [
        ("badge", validator.user.id, project_id)
    ]
    assert notes[0].data["badge_type"] == "silver"
    events = [e for e in runtime.publisher.recent if e.name == "badge:awarded"]
    assert len(events) == 1
    assert events[0].room == [f"project:{project_id}", f"user:{owner.id}"]
    assert events[0].payload["project_id"] == str(project_id)
    assert events[0].payload["data"]["id"] == response.json()["data"]["id"]


async def test_demerit_lowers_and_the_sum_is_clamped(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime
) -> None:
    owner = await users.user()
    project_id = await projects.project_id(owner)
    bad = await make_validator(users, can_validate_all=True)
    response = await award(bad.client, project_id, "demerit")
    assert response.status_code == 201, response.text
    row = await project_row(runtime, project_id)
    assert (row.badge_points, row.validation_score) == (-10, 0.0)  # clamped at 0

    for _ in range(2):
        good = await make_validator(users, can_validate_all=True)
        assert (await award(good.client, project_id, "platinum")).status_code == 201
    row = await project_row(runtime, project_id)
    assert (row.badge_points, row.validation_score, row.badge_count) == (30, 30.0, 3)
    extra = await make_validator(users, can_validate_all=True)
    assert (await award(extra.client, project_id, "gold")).status_code == 201
    row = await project_row(runtime, project_id)
    assert (row.badge_points, row.validation_score) == (45, 30.0)  # clamped at 30


async def test_one_badge_per_validator_and_project(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime
) -> None:
    owner = await users.user()
    project_id = await projects.project_id(owner)
    validator = await make_validator(users, can_validate_all=True)
    assert (await award(validator.client, project_id, "gold")).status_code == 201
    again = await award(validator.client, project_id, "stone")
    assert again.status_code == 409
    assert again.json()["error"] == "conflict"
    assert await badge_rows(runtime) == 1
    row = await project_row(runtime, project_id)
    assert (row.badge_count, row.badge_points) == (1, 15)


async def test_admin_may_award_without_a_profile(
    users: UserFactory, projects: ProjectFactory
) -> None:
    owner = await users.user()
    project_id = await projects.project_id(owner)
    admin = await users.admin()
    response = await award(admin.client, project_id, "stone")
    assert response.status_code == 201, response.text
    assert response.json()["data"]["validator_id"] == str(admin.user.id)


@pytest.mark.parametrize(
    ("setup", "badge_type"),
    [
        ({"profile": False}, "gold"),
        ({"is_active": False, "can_validate_all": True}, "gold"),
        ({"can_validate_all": True, "badge_types": ["stone"]}, "gold"),
        ({"categories": ["web"]}, "gold"),
        ({"project_ids": [str(uuid.uuid4())]}, "gold"),
    ],
    ids=["no-profile", "inactive", "type-not-allowed", "other-category", "other-project"],
)
async def test_validators_without_permission_get_403(
    users: UserFactory,
    projects: ProjectFactory,
    runtime: Runtime,
    setup: dict[str, object],
    badge_type: str,
) -> None:
    owner = await users.user()
    project_id = await projects.project_id(owner, categories=["AI"])
    validator = await make_validator(users, **setup)  # type: ignore[arg-type]
    response = await award(validator.client, project_id, badge_type)
    assert response.status_code == 403, response.text
    assert await badge_rows(runtime) == 0


@pytest.mark.parametrize(
    "setup",
    [
        {"can_validate_all": True},
        {"categories": ["ai"]},
        {"categories": ["Machine Learning", "AI"]},
        "assigned",
        "listed",
    ],
    ids=["all", "category", "category-case", "assigned", "listed"],
)
async def test_each_permission_path_allows(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime, setup: object
) -> None:
    owner = await users.user()
    project_id = await projects.project_id(owner, categories=["ai"])
    if setup == "listed":
        validator = await make_validator(users, project_ids=[str(project_id)])
    elif setup == "assigned":
        validator = await make_validator(users)
        await assign(runtime, validator.user, project_id)
    else:
        assert isinstance(setup, dict)
        validator = await make_validator(users, **setup)
    response = await award(validator.client, project_id, "gold")
    assert response.status_code == 201, response.text


async def test_plain_users_cannot_award(
    users: UserFactory, projects: ProjectFactory, client: httpx.AsyncClient, runtime: Runtime
) -> None:
    owner = await users.user()
    project_id = await projects.project_id(owner)
    plain = await users.actor()
    assert (await award(plain.client, project_id)).status_code == 403
    assert (await award(client, project_id)).status_code == 401
    assert await badge_rows(runtime) == 0


async def test_no_badge_on_your_own_project(users: UserFactory, projects: ProjectFactory) -> None:
    validator = await make_validator(users, can_validate_all=True)
    project_id = await projects.project_id(validator.user)
    response = await award(validator.client, project_id, "gold")
    assert response.status_code == 403
    assert "own project" in response.json()["message"]


async def test_unknown_type_is_422_and_unknown_or_deleted_project_404(
    users: UserFactory, projects: ProjectFactory
) -> None:
    owner = await users.actor()
    project_id = await projects.project_id(owner.user)
    validator = await make_validator(users, can_validate_all=True)
    response = await award(validator.client, project_id, "diamond")
    assert response.status_code == 422
    assert response.json()["details"][0]["field"] == "badge_type"
    assert (await award(validator.client, uuid.uuid4())).status_code == 404
    assert (await owner.client.delete(f"/api/projects/{project_id}")).status_code == 200
    assert (await award(validator.client, project_id)).status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"project_id": "nope", "badge_type": "gold", "rationale": RATIONALE},
        {"badge_type": "gold", "rationale": RATIONALE},
        {"project_id": str(uuid.uuid4()), "badge_type": "gold", "rationale": "too short"},
        {"project_id": str(uuid.uuid4()), "badge_type": "gold", "rationale": "x" * 2001},
        {"project_id": str(uuid.uuid4()), "badge_type": "", "rationale": RATIONALE},
        {"project_id": str(uuid.uuid4()), "badge_type": "g" * 51, "rationale": RATIONALE},
        {"project_id": str(uuid.uuid4()), "badge_type": 5, "rationale": RATIONALE},
        {"project_id": str(uuid.uuid4()), "badge_type": "gold", "rationale": "a\x00" * 30},
    ],
)
async def test_bad_bodies_are_422(users: UserFactory, body: dict[str, object]) -> None:
    validator = await make_validator(users, can_validate_all=True)
    response = await validator.client.post("/api/badges/award", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["error"] == "validation_error"


async def test_badge_type_is_matched_case_insensitively(
    users: UserFactory, projects: ProjectFactory
) -> None:
    owner = await users.user()
    project_id = await projects.project_id(owner)
    validator = await make_validator(users, can_validate_all=True)
    response = await award(validator.client, project_id, "  GOLD ")
    assert response.status_code == 201, response.text
    assert response.json()["data"]["badge_type"] == "gold"


async def test_award_settles_the_assignments_of_the_project(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime
) -> None:
    owner = await users.user()
    project_id = await projects.project_id(owner)
    validator = await make_validator(users)
    other = await make_validator(users)
    reviewing = await make_validator(users)
    refused = await make_validator(users)
    mine = await assign(runtime, validator.user, project_id, status="in_review")
    theirs = await assign(runtime, other.user, project_id)
    in_review = await assign(runtime, reviewing.user, project_id, status="in_review")
    rejected = await assign(runtime, refused.user, project_id, status="rejected")
    elsewhere = await assign(runtime, other.user, await projects.project_id(owner))

    assert (await award(validator.client, project_id, "gold")).status_code == 201

    status = {a.id: a.status for a in await assignments(runtime)}
    assert status == {
        mine: "validated",
        theirs: "completed",
        in_review: "completed",
        rejected: "rejected",
        elsewhere: "pending",
    }


async def test_custom_badge_type_carries_its_points(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime
) -> None:
    admin = await users.admin()
    created = await admin.client.post(
        "/api/admin/badge-types", json={"name": "Community Pick", "points": 7}
    )
    assert created.status_code == 201, created.text
    owner = await users.user()
    project_id = await projects.project_id(owner)
    validator = await make_validator(users, can_validate_all=True, badge_types=["community pick"])
    response = await award(validator.client, project_id, "Community Pick")
    assert response.status_code == 201, response.text
    assert response.json()["data"]["points"] == 7
    row = await project_row(runtime, project_id)
    assert (row.badge_points, row.validation_score) == (7, 7.0)
