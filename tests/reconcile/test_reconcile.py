"""Reconcile: data built through the API has no drift; each corrupted counter is named exactly,
`fix` corrects it, the CLI reports and exits, the hourly job runs once per period and fixes."""

from __future__ import annotations

import json
import logging
import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, update
from typer.testing import CliRunner

from oxship import cli
from oxship.db import transaction
from oxship.models import (
    Chain,
    ChainPost,
    Comment,
    Conversation,
    Event,
    InvestorProfile,
    JobRun,
    Project,
    User,
)
from oxship.reconcile import service
from oxship.reconcile.jobs import run_reconcile
from oxship.runtime import Runtime
from tests.chains.conftest import make_chain
from tests.comments.helpers import post_comment, reply
from tests.events.conftest import make_event
from tests.factories.projects import ProjectFactory
from tests.factories.users import UserFactory
from tests.forum.helpers import reply_to, start_thread
from tests.intros.conftest import Investors, send_request
from tests.messages.conftest import send
from tests.validation.conftest import award, make_validator


@dataclass
class World:
    """Ids of the rows the tests corrupt."""

    project: uuid.UUID
    owner: uuid.UUID
    commenter: uuid.UUID
    comment: uuid.UUID
    chain: uuid.UUID
    thread: uuid.UUID
    event: uuid.UUID
    profile: uuid.UUID
    conversation: uuid.UUID


async def ok(response: httpx.Response, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


async def build(users: UserFactory, projects: ProjectFactory) -> World:
    """Votes, comments and replies (one deleted), comment votes, a save, a view, a badge, a chain
    with a follower, the project and a thread three deep with reactions, an event with a
    subscriber and the project, an accepted intro request, direct messages."""
    owner = await users.actor(email_verified=True)
    a, b, c = [await users.actor() for _ in range(3)]
    pid = str(
        await projects.project_id(
            owner.user,
            demo_url="https://demo.example.com",
            screenshot_urls=["https://img.example.com/1.png", "https://img.example.com/2.png"],
        )
    )
    for voter, kind in ((a, "up"), (b, "up"), (c, "down")):
        await ok(await voter.client.post("/api/votes", json={"project_id": pid, "vote_type": kind}))
    top = await post_comment(a.client, pid, "Lovely work")
    await reply(b.client, top)
    gone = await post_comment(b.client, pid, "Removed later")
    assert (await b.client.delete(f"/api/comments/{gone['id']}")).status_code == 200
    for voter, kind in ((b, "up"), (c, "down")):
        await ok(
            await voter.client.post(f"/api/comments/{top['id']}/vote", json={"vote_type": kind})
        )
    await ok(await a.client.post(f"/api/saved/save/{pid}"), 201)
    await ok(await a.client.post(f"/api/projects/{pid}/view"))
    validator = await make_validator(users, can_validate_all=True)
    assert (await award(validator.client, pid, "gold")).status_code == 201

    chain = await make_chain(owner.client, "Reconcile builders")
    await ok(await a.client.post(f"/api/chains/{chain['slug']}/follow"))
    added = await owner.client.post(
        f"/api/chains/{chain['slug']}/projects", json={"project_id": pid}
    )
    assert added.status_code in (200, 201), added.text
    thread = await start_thread(a.client, chain)
    child = await reply_to(b.client, chain, thread)
    await reply_to(c.client, chain, child)
    url = f"/api/chains/{chain['slug']}/posts/{thread['id']}/react"
    await ok(await b.client.post(url, json={"reaction_type": "upvote"}))
    await ok(await c.client.post(url, json={"reaction_type": "downvote"}))

    event = await make_event(owner.client, "Reconcile hackathon")
    await ok(await a.client.post(f"/api/events/{event['slug']}/subscribe"))
    await ok(
        await owner.client.post(f"/api/events/{event['slug']}/projects", json={"project_id": pid}),
        201,
    )

    investor = await Investors(users).actor()
    request = await ok(await send_request(investor.client, pid), 201)
    await ok(await owner.client.post(f"/api/intro-requests/{request['id']}/accept", json={}))
    first = await send(a.client, b.user.id, "Hello")
    await send(b.client, a.user.id, "Hi back")

    async with users.runtime.sessionmaker() as session:
        profile = await session.scalar(
            select(InvestorProfile.id).where(InvestorProfile.user_id == investor.user.id)
        )
    assert profile is not None
    return World(
        project=uuid.UUID(pid),
        owner=owner.user.id,
        commenter=a.user.id,
        comment=uuid.UUID(top["id"]),
        chain=uuid.UUID(chain["id"]),
        thread=uuid.UUID(thread["id"]),
        event=uuid.UUID(event["id"]),
        profile=profile,
        conversation=uuid.UUID(first["conversation_id"]),
    )


async def run(runtime: Runtime, *, fix: bool = False) -> dict[str, Any]:
    async with transaction(runtime, write=fix) as session:
        return (await service.reconcile(session, fix=fix)).as_json()


async def corrupt(runtime: Runtime, model: Any, row_id: uuid.UUID, **values: Any) -> None:
    async with runtime.sessionmaker() as session:
        await session.execute(update(model).where(model.id == row_id).values(**values))
        await session.commit()


async def value(runtime: Runtime, column: Any, row_id: uuid.UUID) -> Any:
    async with runtime.sessionmaker() as session:
        return await session.scalar(select(column).where(column.class_.id == row_id))


async def test_data_built_through_the_api_has_no_drift(
    runtime: Runtime, users: UserFactory, projects: ProjectFactory
) -> None:
    world = await build(users, projects)
    report = await run(runtime)
    assert report["drift"] == []
    assert report["drift_count"] == 0
    assert report["fixed"] is False
    assert len(report["checks"]) == 32
    assert "chain_posts.total_replies" in report["checks"]
    # The world really has the counted rows (a check cannot pass on empty tables).
    assert await value(runtime, Project.upvotes, world.project) == 2
    assert await value(runtime, Project.comment_count, world.project) == 2
    assert await value(runtime, ChainPost.total_replies, world.thread) == 2
    assert await value(runtime, Chain.project_count, world.chain) == 1
    assert await value(runtime, InvestorProfile.accepted_intro_count, world.profile) == 1


# (model, column, which row, the corrupt value); each is named alone, with stored and actual.
CORRUPTIONS = [
    (Project, "upvotes", "project", 999),
    (Project, "downvotes", "project", 7),
    (Project, "comment_count", "project", 0),
    (Project, "save_count", "project", 5),
    (Project, "badge_count", "project", 3),
    (Project, "badge_points", "project", 100),
    (Project, "screenshot_count", "project", 0),
    (Project, "view_count", "project", 42),
    (Project, "proof_score", "project", 1.5),
    (Project, "trending_score", "project", 0.25),
    (Project, "community_score", "project", 29.0),
    (User, "project_count", "owner", 4),
    (User, "badge_count", "owner", 0),
    (User, "karma", "commenter", 123.45),
    (Comment, "reply_count", "comment", 9),
    (Comment, "upvotes", "comment", 50),
    (Comment, "downvotes", "comment", 0),
    (Chain, "project_count", "chain", 3),
    (Chain, "follower_count", "chain", 0),
    (Chain, "post_count", "chain", 1),
    (ChainPost, "upvote_count", "thread", 8),
    (ChainPost, "downvote_count", "thread", 0),
    (ChainPost, "comment_count", "thread", 2),
    (ChainPost, "total_replies", "thread", 1),
    (ChainPost, "hot_score", "thread", 0.5),
    (Event, "project_count", "event", 0),
    (Event, "subscriber_count", "event", 6),
    (InvestorProfile, "accepted_intro_count", "profile", 0),
]


@pytest.mark.parametrize(("model", "column", "which", "bad"), CORRUPTIONS)
async def test_a_corrupted_value_is_named_exactly_and_fixed(
    runtime: Runtime,
    users: UserFactory,
    projects: ProjectFactory,
    caplog: pytest.LogCaptureFixture,
    model: Any,
    column: str,
    which: str,
    bad: Any,
) -> None:
    world = await build(users, projects)
    row_id = getattr(world, which)
    good = await value(runtime, getattr(model, column), row_id)
    assert good != bad
    await corrupt(runtime, model, row_id, **{column: bad})

    report = await run(runtime)
    assert [(d["table"], d["column"], d["id"]) for d in report["drift"]] == [
        (model.__tablename__, column, str(row_id))
    ]
    (drift,) = report["drift"]
    assert drift["stored"] == pytest.approx(bad)
    assert drift["actual"] == pytest.approx(good)
    assert await value(runtime, getattr(model, column), row_id) == bad  # reporting changes nothing

    with caplog.at_level(logging.WARNING, logger="oxship.reconcile.service"):
        fixed = await run(runtime, fix=True)
    assert fixed["fixed"] is True
    assert (model.__tablename__, column, str(row_id)) in {
        (d["table"], d["column"], d["id"]) for d in fixed["drift"]
    }
    assert any(f"{model.__tablename__}.{column} of {row_id}" in r.message for r in caplog.records)
    assert await value(runtime, getattr(model, column), row_id) == pytest.approx(good)
    assert (await run(runtime))["drift"] == []


async def test_the_last_message_of_a_conversation(
    runtime: Runtime, users: UserFactory, projects: ProjectFactory
) -> None:
    world = await build(users, projects)
    newest = await value(runtime, Conversation.last_message_id, world.conversation)
    await corrupt(runtime, Conversation, world.conversation, last_message_id=None)
    report = await run(runtime)
    assert report["drift"] == [
        {
            "table": "conversations",
            "column": "last_message_id",
            "id": str(world.conversation),
            "stored": None,
            "actual": str(newest),
        }
    ]
    await run(runtime, fix=True)
    assert await value(runtime, Conversation.last_message_id, world.conversation) == newest
    assert (await run(runtime))["drift"] == []


async def test_fixing_a_counter_recomputes_the_scores_it_feeds(
    runtime: Runtime, users: UserFactory, projects: ProjectFactory
) -> None:
    world = await build(users, projects)
    proof = await value(runtime, Project.proof_score, world.project)
    karma = await value(runtime, User.karma, world.owner)
    # A counter AND the scores computed from it drifted (as if a write skipped the recompute).
    await corrupt(runtime, Project, world.project, upvotes=0, downvotes=0, proof_score=0.0)
    report = await run(runtime)
    assert {d["column"] for d in report["drift"]} == {"upvotes", "downvotes", "proof_score"}
    await run(runtime, fix=True)
    assert await value(runtime, Project.upvotes, world.project) == 2
    assert await value(runtime, Project.proof_score, world.project) == pytest.approx(proof)
    assert await value(runtime, User.karma, world.owner) == pytest.approx(karma)
    assert (await run(runtime))["drift"] == []


async def test_the_statements_do_not_grow_with_the_rows(
    runtime: Runtime,
    users: UserFactory,
    projects: ProjectFactory,
    query_count: Any,
) -> None:
    await build(users, projects)
    # 23 counter checks, conversations, one batch of projects, one of posts, karma: 27 statements,
    # whatever the rows.
    with query_count(27):
        await run(runtime)
    owner = await users.user()
    for _ in range(3):
        await projects.project_id(owner)
    with query_count(27):
        await run(runtime)


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The CLI on its own SQLite file (as tests/test_cli.py)."""
    db = tmp_path / "cli.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{db}")
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("PASSWORD_HASH_TIME_COST", "1")
    monkeypatch.setenv("PASSWORD_HASH_MEMORY_KIB", "1024")
    monkeypatch.setenv("OXSHIP_ENV", "development")
    return db


def test_the_command_reports_exits_and_fixes(cli_env: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(cli.app, ["migrate"]).exit_code == 0
    seeded = runner.invoke(cli.app, ["seed", "--demo", "--scale", "0.05"])
    assert seeded.exit_code == 0, seeded.output
    # The demo data is made through the services: nothing drifts.
    clean = runner.invoke(cli.app, ["reconcile", "--json"])
    assert clean.exit_code == 0, clean.output
    assert json.loads(clean.output)["drift_count"] == 0

    with sqlite3.connect(cli_env) as db:
        (pid,) = db.execute("SELECT id FROM projects ORDER BY id LIMIT 1").fetchone()
        (saves,) = db.execute("SELECT save_count FROM projects WHERE id = ?", (pid,)).fetchone()
        db.execute("UPDATE projects SET save_count = 777 WHERE id = ?", (pid,))
    found = runner.invoke(cli.app, ["reconcile", "--json"])
    assert found.exit_code == 1  # drift left unfixed
    (drift,) = json.loads(found.output)["drift"]
    assert (drift["table"], drift["column"], drift["stored"], drift["actual"]) == (
        "projects",
        "save_count",
        777,
        saves,
    )
    assert uuid.UUID(drift["id"]).hex == uuid.UUID(str(pid)).hex
    table = runner.invoke(cli.app, ["reconcile"])
    assert table.exit_code == 1
    assert "save_count" in table.output
    assert "1 drifting values found" in table.output

    fixed = runner.invoke(cli.app, ["reconcile", "--fix", "--json"])
    assert fixed.exit_code == 0, fixed.output
    assert json.loads(fixed.output)["fixed"] is True
    with sqlite3.connect(cli_env) as db:
        assert db.execute("SELECT save_count FROM projects WHERE id = ?", (pid,)).fetchone() == (
            saves,
        )
    again = runner.invoke(cli.app, ["reconcile"])
    assert again.exit_code == 0
    assert "0 drifting values found" in again.output


@pytest.mark.committed
async def test_the_job_fixes_once_per_period(
    runtime: Runtime, users: UserFactory, projects: ProjectFactory
) -> None:
    owner = await users.user()
    pid = await projects.project_id(owner)
    await corrupt(runtime, Project, pid, view_count=11)
    first = await run_reconcile(runtime)
    assert first is not None
    assert first["fixed"] == 1
    assert first["by_check"] == {"projects.view_count": 1}
    assert await value(runtime, Project.view_count, pid) == 0
    await corrupt(runtime, Project, pid, view_count=12)
    assert await run_reconcile(runtime) is None  # this hour is done
    assert await value(runtime, Project.view_count, pid) == 12
    async with runtime.sessionmaker() as session:
        runs = (await session.execute(select(JobRun.job, JobRun.result))).all()
        assert [(job, result["fixed"]) for job, result in runs] == [("reconcile", 1)]
        assert await session.scalar(select(func.count()).select_from(JobRun)) == 1
