"""The score formulas (API §2.1-2.3): property tests against an independent reading of the
contract, then end to end: each input moves the right component, the trending score and karma."""

from __future__ import annotations

import math
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oxship.db import transaction
from oxship.models import User
from oxship.projects import service
from oxship.projects.scoring import (
    ScoreInputs,
    proof_scores,
    trending_score,
    upvote_ratio,
    wilson_lower_bound,
)
from oxship.users import service as user_service
from tests.auth.rows import Rows as MailRows
from tests.factories.projects import ProjectFactory
from tests.factories.users import UserFactory
from tests.projects.conftest import LONG_DESCRIPTION, ProjectRows

# ---- the contract, written out independently --------------------------------------------------

Z = 1.96
EPOCH = datetime(2025, 1, 1, tzinfo=UTC)


def wilson(up: int, down: int) -> float:
    n = up + down
    if n == 0:
        return 0.0
    p = up / n
    return (p + Z**2 / (2 * n) - Z * math.sqrt(p * (1 - p) / n + Z**2 / (4 * n**2))) / (
        1 + Z**2 / n
    )


def community(up: int, down: int, comments: int) -> float:
    return 20 * wilson(up, down) + min(0.5 * comments, 10)


def verification(inputs: ScoreInputs) -> int:
    return 5 * inputs.email_verified + 10 * inputs.has_oxcert + 5 * inputs.github_connected


def quality(inputs: ScoreInputs) -> int:
    return 5 * (
        inputs.has_demo
        + inputs.has_github
        + inputs.has_screenshot
        + (inputs.description_length >= 200)
    )


def hot(
    up: int, down: int, comments: int, proof: float, featured: bool, created: datetime
) -> float:
    net = up - down
    sign = 1 if net > 0 else -1 if net < 0 else 0
    seconds = (created - EPOCH).total_seconds()
    return (
        sign * math.log10(max(abs(net), 1))
        + 0.5 * math.log10(1 + comments)
        + proof / 100
        + (1 if featured else 0)
        + seconds / 45000
    )


def rounded(value: float) -> bool:
    return abs(round(value, 2) - value) < 1e-9


counts = st.integers(min_value=0, max_value=200_000)
small = st.integers(min_value=0, max_value=500)
moments = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1), timezones=st.just(UTC)
)
score_inputs = st.builds(
    ScoreInputs,
    email_verified=st.booleans(),
    has_oxcert=st.booleans(),
    github_connected=st.booleans(),
    upvotes=counts,
    downvotes=counts,
    comment_count=st.integers(min_value=0, max_value=100_000),
    badge_points=st.integers(min_value=-200, max_value=300),
    has_demo=st.booleans(),
    has_github=st.booleans(),
    has_screenshot=st.booleans(),
    description_length=st.integers(min_value=0, max_value=20_000),
)
PROPERTY = settings(max_examples=200, deadline=None)


# ---- properties -------------------------------------------------------------------------------


@PROPERTY
@given(up=counts, down=counts)
def test_wilson_lower_bound_is_the_contracts(up: int, down: int) -> None:
    got = wilson_lower_bound(up, down)
    assert got == pytest.approx(wilson(up, down), abs=1e-12)
    assert 0 <= got <= 1
    if up + down:
        assert got <= up / (up + down) + 1e-12


def test_wilson_is_zero_without_votes() -> None:
    assert wilson_lower_bound(0, 0) == 0
    assert wilson_lower_bound(0, 10) == pytest.approx(0, abs=1e-12)


@PROPERTY
@given(inputs=score_inputs)
def test_proof_score_components_follow_the_contract(inputs: ScoreInputs) -> None:
    s = proof_scores(inputs)
    assert s.verification == verification(inputs)
    expected_community = community(inputs.upvotes, inputs.downvotes, inputs.comment_count)
    assert s.community == pytest.approx(expected_community, abs=0.005 + 1e-9)
    assert rounded(s.community)
    assert s.validation == max(0, min(30, inputs.badge_points))
    assert s.quality == quality(inputs)
    total = s.verification + s.community + s.validation + s.quality
    assert s.proof == pytest.approx(total, abs=0.005 + 1e-9)
    assert rounded(s.proof)
    assert 0 <= s.verification <= 20
    assert 0 <= s.community <= 30
    assert 0 <= s.validation <= 30
    assert 0 <= s.quality <= 20
    assert 0 <= s.proof <= 100
    breakdown = s.breakdown
    assert {k: breakdown[k]["score"] for k in breakdown} == {
        "verification": s.verification,
        "community": s.community,
        "validation": s.validation,
        "quality": s.quality,
    }
    assert {k: breakdown[k]["max"] for k in breakdown} == {
        "verification": 20,
        "community": 30,
        "validation": 30,
        "quality": 20,
    }
    assert breakdown["community"]["upvotes"] == inputs.upvotes
    assert breakdown["community"]["downvotes"] == inputs.downvotes
    assert breakdown["community"]["comment_count"] == inputs.comment_count
    assert breakdown["validation"]["badge_points"] == inputs.badge_points


@PROPERTY
@given(up=counts, down=counts, comments=small, extra=st.integers(min_value=1, max_value=1000))
def test_more_upvotes_never_lower_the_community_score(
    up: int, down: int, comments: int, extra: int
) -> None:
    assert wilson_lower_bound(up + extra, down) >= wilson_lower_bound(up, down) - 1e-12
    assert wilson_lower_bound(up, down + extra) <= wilson_lower_bound(up, down) + 1e-12

    def proof(u: int, d: int) -> float:
        base = dict.fromkeys(("email_verified", "has_oxcert", "github_connected"), False)
        flags = dict.fromkeys(("has_demo", "has_github", "has_screenshot"), False)
        return proof_scores(
            ScoreInputs(
                **base,
                **flags,
                upvotes=u,
                downvotes=d,
                comment_count=comments,
                badge_points=0,
                description_length=0,
            )
        ).proof

    assert proof(up + extra, down) >= proof(up, down)
    assert proof(up, down + extra) <= proof(up, down)


@PROPERTY
@given(
    up=counts,
    down=counts,
    comments=st.integers(min_value=0, max_value=100_000),
    proof=st.floats(min_value=0, max_value=100, allow_nan=False),
    featured=st.booleans(),
    created=moments,
)
def test_trending_score_is_the_contracts(
    up: int, down: int, comments: int, proof: float, featured: bool, created: datetime
) -> None:
    got = trending_score(
        upvotes=up,
        downvotes=down,
        comment_count=comments,
        proof_score=proof,
        is_featured=featured,
        created_at=created,
    )
    assert got == pytest.approx(hot(up, down, comments, proof, featured, created), abs=1e-6)


@PROPERTY
@given(
    up=counts,
    down=counts,
    comments=small,
    proof=st.floats(min_value=0, max_value=100, allow_nan=False),
    created=moments,
    extra=st.integers(min_value=1, max_value=1000),
)
def test_trending_is_monotonic_in_upvotes_and_featuring_adds_one(
    up: int, down: int, comments: int, proof: float, created: datetime, extra: int
) -> None:
    def t(u: int, featured: bool = False, when: datetime = created) -> float:
        return trending_score(
            upvotes=u,
            downvotes=down,
            comment_count=comments,
            proof_score=proof,
            is_featured=featured,
            created_at=when,
        )

    assert t(up + extra) >= t(up)
    assert t(up, featured=True) - t(up) == pytest.approx(1, abs=2e-6)
    assert t(up, when=created + timedelta(hours=12.5)) - t(up) == pytest.approx(1, abs=2e-6)


def test_trending_is_time_invariant_and_accepts_any_timezone() -> None:
    created = datetime(2025, 6, 1, 12, tzinfo=UTC)
    args: dict[str, Any] = {
        "upvotes": 10,
        "downvotes": 2,
        "comment_count": 3,
        "proof_score": 40,
        "is_featured": False,
    }
    first = trending_score(created_at=created, **args)
    assert trending_score(created_at=created, **args) == first
    paris = created.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Paris"))
    assert trending_score(created_at=paris, **args) == first
    assert trending_score(created_at=EPOCH, **{**args, "upvotes": 0, "downvotes": 0}) == (
        pytest.approx(0.5 * math.log10(4) + 0.4, abs=1e-6)
    )


def test_what_a_vote_is_worth_as_the_contract_says() -> None:
    one = proof_scores(_inputs(upvotes=1)).community
    hundred = proof_scores(_inputs(upvotes=100)).community
    assert one == pytest.approx(4, abs=0.25)
    assert hundred == pytest.approx(19, abs=0.3)
    assert proof_scores(_inputs(comment_count=100)).community == 10  # comments cap at 10
    assert proof_scores(_inputs(badge_points=-20)).validation == 0
    assert proof_scores(_inputs(badge_points=45)).validation == 30


@PROPERTY
@given(up=counts, down=counts)
def test_upvote_ratio_is_the_plain_ratio(up: int, down: int) -> None:
    expected = up / (up + down) if up + down else 0
    assert upvote_ratio(up, down) == pytest.approx(expected, abs=5e-5)


def _inputs(**values: Any) -> ScoreInputs:
    base: dict[str, Any] = {
        "email_verified": False,
        "has_oxcert": False,
        "github_connected": False,
        "upvotes": 0,
        "downvotes": 0,
        "comment_count": 0,
        "badge_points": 0,
        "has_demo": False,
        "has_github": False,
        "has_screenshot": False,
        "description_length": 0,
    }
    return ScoreInputs(**{**base, **values})


# ---- end to end -------------------------------------------------------------------------------


def _components(p: dict[str, Any]) -> dict[str, float]:
    return {
        name: p[f"{name}_score"]
        for name in ("verification", "community", "validation", "quality", "proof")
    }


async def test_each_input_moves_the_right_component_and_karma(
    client: httpx.AsyncClient, users: UserFactory, rows: ProjectRows, projects: ProjectFactory
) -> None:
    owner = await users.actor(email_verified=True, github_connected=True)
    url_of = "/api/projects/{}".format

    async def read(pid: str) -> dict[str, Any]:
        data: dict[str, Any] = (await client.get(url_of(pid))).json()["data"]
        return data

    async def karma() -> float:
        return (await rows.user(owner.user.id)).karma

    created = (
        await owner.client.post(
            "/api/projects", json={"title": "Scored project", "description": "d" * 80}
        )
    ).json()["data"]
    pid = created["id"]
    other = await projects.project(owner.user, demo_url="https://d.io")  # 10 + 5
    assert _components(created) == {
        "verification": 10,
        "community": 0,
        "validation": 0,
        "quality": 0,
        "proof": 10,
    }
    assert created["score_breakdown"]["verification"]["email_verified"] is True
    assert created["trending_score"] == pytest.approx(
        hot(0, 0, 0, 10, False, datetime.fromisoformat(created["created_at"])), abs=1e-5
    )
    assert await karma() == 10 + 15

    # a vote: community (and trending) move, nothing else
    voters = [await users.user() for _ in range(3)]
    for voter in voters:
        await rows.vote(pid, voter, "up")
    await rows.recompute(pid)
    voted = await read(pid)
    expected_community = round(20 * wilson(3, 0), 2)
    assert _components(voted) == {
        "verification": 10,
        "community": expected_community,
        "validation": 0,
        "quality": 0,
        "proof": round(10 + expected_community, 2),
    }
    assert voted["upvotes"] == 3
    assert voted["upvote_ratio"] == 1
    assert voted["score_breakdown"]["community"]["upvotes"] == 3
    assert voted["trending_score"] - created["trending_score"] == pytest.approx(
        math.log10(3) + expected_community / 100, abs=1e-5
    )
    assert await karma() == pytest.approx(voted["proof_score"] + 15)

    # a comment count change: only the comment part of community
    await rows.craft(pid, comment_count=4)
    commented = await read(pid)
    assert commented["community_score"] == round(20 * wilson(3, 0) + 2, 2)
    assert {k: v for k, v in _components(commented).items() if k not in ("community", "proof")} == {
        "verification": 10,
        "validation": 0,
        "quality": 0,
    }
    assert commented["trending_score"] - voted["trending_score"] == pytest.approx(
        0.5 * math.log10(5) + 0.02, abs=1e-5
    )
    assert await karma() == pytest.approx(commented["proof_score"] + 15)

    # a screenshot edit through the API: only quality
    edit = await owner.client.patch(
        url_of(pid), json={"screenshot_urls": ["https://img.example.com/s.png"]}
    )
    edited = edit.json()["data"]
    assert _components(edited) == {
        **_components(commented),
        "quality": 5,
        "proof": round(commented["proof_score"] + 5, 2),
    }
    assert await read(pid) == edited
    assert await karma() == pytest.approx(edited["proof_score"] + 15)

    # a badge (validation) and the owner's 0xCert (verification), crafted as their services will
    await rows.badge(pid, "gold", 15)
    await rows.craft(pid, badge_points=15, badge_count=1)
    badged = await read(pid)
    assert badged["validation_score"] == 15
    assert badged["proof_score"] == round(edited["proof_score"] + 15, 2)
    await rows.set_user(owner.user.id, has_oxcert=True)
    async with transaction(rows.runtime) as session:
        await service.recompute_owner_projects(session, owner.user.id)
    certified = await read(pid)
    assert certified["verification_score"] == 20
    assert certified["proof_score"] == round(badged["proof_score"] + 10, 2)
    assert (await read(other["id"]))["proof_score"] == 25
    assert await karma() == pytest.approx(certified["proof_score"] + 25)

    # a deletion: karma loses exactly this project's proof score
    assert (await owner.client.delete(url_of(pid))).status_code == 200
    assert await karma() == 25
    assert (await client.get(f"/api/users/{owner.user.username}")).json()["data"]["karma"] == 25


async def test_karma_counts_badges_awarded_and_comment_upvotes(
    users: UserFactory, rows: ProjectRows, projects: ProjectFactory
) -> None:
    builder = await users.user(is_validator=True)
    someone = await users.user()
    mine = await projects.project(builder, demo_url="https://d.io")  # proof 5
    theirs = await projects.project(someone)
    await rows.badge(theirs["id"], "stone", 5, validator=builder)
    await rows.comment(theirs["id"], builder, upvotes=3)
    await rows.comment(theirs["id"], someone, upvotes=7)  # someone else's comment
    await rows.recompute(mine["id"])
    assert (await rows.user(builder.id)).karma == 5 + 2 + 3


async def test_scoring_status(
    client: httpx.AsyncClient, users: UserFactory, rows: ProjectRows, projects: ProjectFactory
) -> None:
    owner = await users.actor(email_verified=True)
    project = await projects.project(owner.user, github_url="https://github.com/a/b")
    await rows.craft(project["id"], upvotes=7, downvotes=1, comment_count=2)
    response = await client.get(f"/api/projects/{project['id']}/scoring-status")
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    detail = (await client.get(f"/api/projects/{project['id']}")).json()["data"]
    assert data == {
        "scoring_status": "completed",
        "proof_score": detail["proof_score"],
        "score_breakdown": detail["score_breakdown"],
    }
    assert data["proof_score"] == round(5 + 5 + 20 * wilson(7, 1) + 1, 2)
    assert data["score_breakdown"]["community"]["wilson_lower_bound"] == round(wilson(7, 1), 4)
    assert (await client.get(f"/api/projects/{uuid.uuid4()}/scoring-status")).status_code == 404
    assert (await client.get("/api/projects/x/scoring-status")).status_code == 422
    await owner.client.delete(f"/api/projects/{project['id']}")
    gone = await client.get(f"/api/projects/{project['id']}/scoring-status")
    assert gone.status_code == 404


async def test_description_length_threshold_is_200_characters(users: UserFactory) -> None:
    owner = await users.actor()
    for description, points in (
        ("é" * 199, 0),
        ("é" * 200, 5),  # characters, not bytes
        (LONG_DESCRIPTION, 5),
        ("  " + "d" * 199 + "  ", 0),  # after trimming
    ):
        response = await owner.client.post(
            "/api/projects", json={"title": "Threshold", "description": description}
        )
        assert response.json()["data"]["quality_score"] == points, description


async def test_verifying_the_email_rescores_the_owners_projects(
    users: UserFactory, client: httpx.AsyncClient, rows: ProjectRows, projects: ProjectFactory
) -> None:
    owner = await users.actor()
    first = await projects.project(owner.user)
    second = await projects.project(owner.user, demo_url="https://d.io")
    for p in (first, second):  # warm the caches
        assert (await client.get(f"/api/projects/{p['id']}")).json()["data"]["proof_score"] == (
            p["proof_score"]
        )
    assert (await owner.client.post("/api/auth/verify-email/request")).status_code == 200
    token = await MailRows(rows.runtime).mailed_token(owner.user.email, "Verify")
    assert (await client.post("/api/auth/verify-email", json={"token": token})).status_code == 200

    for p in (first, second):
        got = (await client.get(f"/api/projects/{p['id']}")).json()["data"]
        assert got["verification_score"] == 5
        assert got["score_breakdown"]["verification"]["email_verified"] is True
        assert got["proof_score"] == p["proof_score"] + 5
        assert got["trending_score"] == pytest.approx(p["trending_score"] + 0.05, abs=1e-5)
    assert (await rows.user(owner.user.id)).karma == 0 + 5 + 5 + 5
    feed = (await client.get("/api/projects")).json()["data"]
    assert {p["verification_score"] for p in feed} == {5}


async def test_refreshing_karma_updates_a_user_already_loaded_in_the_session(
    users: UserFactory, rows: ProjectRows, projects: ProjectFactory
) -> None:
    owner = await users.user()
    project = await projects.project(owner, demo_url="https://d.io")
    await rows.set_project(project["id"], proof_score=42.5)
    async with transaction(rows.runtime) as session:
        loaded = await session.get(User, owner.id)
        assert loaded is not None
        assert loaded.karma == 5
        await user_service.refresh_karma(session, owner.id)
        assert loaded.karma == 42.5  # no lazy load (MissingGreenlet) and no stale value
    assert (await rows.user(owner.id)).karma == 42.5
