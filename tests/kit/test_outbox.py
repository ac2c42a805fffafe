"""The outbox: side effects run after commit, in order, and never after a rollback."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import event, func, select
from sqlalchemy.exc import IntegrityError

from oxship.db import SessionDep, transaction
from oxship.errors import Conflict
from oxship.kit.envelope import ok
from oxship.kit.outbox import Outbox, drain_background, outbox_of
from oxship.models import User
from oxship.runtime import Runtime
from oxship.users.cache import profile_ns
from tests.factories.users import UserFactory
from tests.kit.helpers import Source, unique_ns


class Journal:
    """What happened, in order: commits, rollbacks, bumps and effects."""

    def __init__(self) -> None:
        self.entries: list[Any] = []

    def effect(self, name: str) -> Any:
        async def run() -> None:
            self.entries.append(name)

        return run

    def watch(self, session: Any) -> None:
        event.listen(session.sync_session, "after_commit", lambda _s: self.entries.append("commit"))
        event.listen(
            session.sync_session, "after_rollback", lambda _s: self.entries.append("rollback")
        )


@pytest.fixture
def journal(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> Journal:
    """A journal that also records every cache bump the runtime performs (and performs it)."""
    journal = Journal()
    real_bump = runtime.cache.bump

    async def bump(namespaces: Iterable[str]) -> None:
        names = list(namespaces)
        journal.entries.append(("bump", names))
        await real_bump(names)

    monkeypatch.setattr(runtime.cache, "bump", bump)
    return journal


def _new_user(name: str) -> User:
    return User(username=name, email=f"{name}@example.com", password_hash="x")


async def _count_users(runtime: Runtime, username: str) -> int:
    async with runtime.sessionmaker() as session:
        return int(
            await session.scalar(
                select(func.count()).select_from(User).where(User.username == username)
            )
            or 0
        )


async def test_effects_and_bumps_run_after_commit_in_order(
    runtime: Runtime, journal: Journal
) -> None:
    first, second = unique_ns(), unique_ns()
    async with transaction(runtime) as session:
        journal.watch(session)
        session.add(_new_user("outbox_order"))
        box = outbox_of(session)
        box.after_commit(journal.effect("effect 1"))
        box.bump(first, second)
        box.bump(first)  # recorded twice, bumped once
        box.after_commit(journal.effect("effect 2"))
        assert box.pending == ([first, second], 2)
        assert journal.entries == [], "nothing may run before the commit"

    assert journal.entries == ["commit", ("bump", [first, second]), "effect 1", "effect 2"]
    assert await runtime.cache.versions([first, second]) == [1, 1]
    assert await _count_users(runtime, "outbox_order") == 1


async def test_an_error_in_the_block_discards_effects_and_bumps(
    runtime: Runtime, journal: Journal
) -> None:
    ns, source = unique_ns(), Source(b"old")
    assert await runtime.cache.get_or_load([ns], "/x?", 60, source.load) == b"old"
    [version] = await runtime.cache.versions([ns])

    async def failing_unit_of_work() -> None:
        async with transaction(runtime) as session:
            journal.watch(session)
            session.add(_new_user("outbox_rollback"))
            await session.flush()
            outbox_of(session).bump(ns)
            outbox_of(session).after_commit(journal.effect("effect"))
            outbox_of(session).after_commit(journal.effect("background"), background=True)
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        await failing_unit_of_work()
    await drain_background()

    assert journal.entries == ["rollback"]
    assert await runtime.cache.versions([ns]) == [version]
    source.value = b"new"
    assert await runtime.cache.get_or_load([ns], "/x?", 60, source.load) == b"old"
    assert source.calls == 1, "the cache still serves the entry the failed write did not change"
    assert await _count_users(runtime, "outbox_rollback") == 0


async def test_a_failed_commit_discards_effects_and_bumps(
    runtime: Runtime, journal: Journal, users: UserFactory
) -> None:
    taken = await users.user()
    ns = unique_ns()

    async def unit_of_work_failing_at_commit() -> None:
        async with transaction(runtime) as session:
            journal.watch(session)
            session.add(_new_user(taken.username))  # flushed by the commit, which then fails
            outbox_of(session).bump(ns)
            outbox_of(session).after_commit(journal.effect("effect"))

    with pytest.raises(IntegrityError):
        await unit_of_work_failing_at_commit()
    assert "commit" not in journal.entries
    assert "effect" not in journal.entries
    assert not any(isinstance(e, tuple) for e in journal.entries), journal.entries
    assert await runtime.cache.versions([ns]) == [0]


async def test_background_effects_run_after_the_block_without_delaying_it(
    runtime: Runtime, journal: Journal
) -> None:
    release = asyncio.Event()

    async def slow() -> None:
        await release.wait()
        journal.entries.append("background")

    async with transaction(runtime) as session:
        journal.watch(session)
        outbox_of(session).after_commit(slow, background=True)
        outbox_of(session).after_commit(journal.effect("inline"))
        session.add(_new_user("outbox_background"))

    assert journal.entries == ["commit", "inline"], "the block returned before its background work"
    release.set()
    await drain_background()
    assert journal.entries == ["commit", "inline", "background"]


async def test_a_failing_effect_is_logged_and_the_others_still_run(
    runtime: Runtime, journal: Journal, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken() -> None:
        raise ValueError("mailer down")

    async def broken_in_background() -> None:
        raise ValueError("bus down")

    ns = unique_ns()
    caplog.set_level(logging.ERROR, logger="oxship.kit.outbox")
    async with transaction(runtime) as session:
        box = outbox_of(session)
        box.after_commit(journal.effect("before"))
        box.after_commit(broken)
        box.after_commit(broken_in_background, background=True)
        box.after_commit(journal.effect("background"), background=True)
        box.after_commit(journal.effect("after"))
        box.bump(ns)
    await drain_background()

    assert ("bump", [ns]) in journal.entries
    assert journal.entries[-3:] == ["before", "after", "background"]
    messages = [r.getMessage() for r in caplog.records]
    failures = [r for r in caplog.records if r.exc_info]
    assert any("effect" in m and "failed" in m for m in messages), messages
    assert {str(r.exc_info[1]) for r in failures if r.exc_info} == {"mailer down", "bus down"}


async def test_a_failing_bump_is_logged_and_effects_still_run(
    caplog: pytest.LogCaptureFixture,
) -> None:
    ran: list[str] = []

    async def failing_sink(_namespaces: Iterable[str]) -> None:
        raise ConnectionError("redis down")

    async def effect() -> None:
        ran.append("effect")

    box = Outbox(failing_sink)
    box.bump("profile:someone")
    box.after_commit(effect)
    caplog.set_level(logging.ERROR, logger="oxship.kit.outbox")
    await box.flush()
    assert ran == ["effect"]
    assert any("cache bump failed" in r.getMessage() for r in caplog.records)
    assert box.pending == ([], 0), "a flushed outbox is empty"


async def test_a_session_outside_a_unit_of_work_has_no_outbox(runtime: Runtime) -> None:
    async with runtime.sessionmaker() as session:
        with pytest.raises(RuntimeError, match="no outbox"):
            outbox_of(session)


# ---- through HTTP -----------------------------------------------------------------------------


async def test_a_duplicate_registration_bumps_nothing(
    client: httpx.AsyncClient, users: UserFactory, journal: Journal
) -> None:
    existing = await users.user()
    cached = await client.get(f"/api/users/{existing.username}")
    response = await client.post(
        "/api/auth/register",
        json={
            "email": "someone.new@example.com",
            "username": existing.username.upper(),
            "password": "a-long-password-1",
        },
    )
    assert response.status_code == 409
    assert journal.entries == []
    again = await client.get(f"/api/users/{existing.username}")
    assert again.headers["etag"] == cached.headers["etag"]


HTTP_EFFECTS: list[str] = []


async def _http_effect() -> None:
    HTTP_EFFECTS.append("ran")


async def write_then_maybe_fail(session: SessionDep, fail: bool = False) -> Any:
    """A throwaway route: writes a row, records a bump and an effect, then maybe fails."""
    session.add(_new_user("outbox_http"))
    await session.flush()
    outbox_of(session).bump(profile_ns("outbox_http"))
    outbox_of(session).after_commit(_http_effect)
    if fail:
        raise Conflict("refused after writing")
    return ok({"ok": True})


@pytest.fixture
def write_app(app: FastAPI) -> FastAPI:
    HTTP_EFFECTS.clear()
    app.add_api_route("/test/write", write_then_maybe_fail, methods=["POST"])
    return app


@pytest.mark.usefixtures("write_app")
async def test_a_request_that_fails_after_writing_bumps_nothing(
    client: httpx.AsyncClient, runtime: Runtime, journal: Journal
) -> None:
    response = await client.post("/test/write", params={"fail": "true"})
    assert response.status_code == 409
    assert journal.entries == []
    assert HTTP_EFFECTS == []
    assert await _count_users(runtime, "outbox_http") == 0


@pytest.mark.usefixtures("write_app")
async def test_a_request_that_succeeds_flushes_its_outbox(
    client: httpx.AsyncClient, runtime: Runtime, journal: Journal
) -> None:
    response = await client.post("/test/write")
    assert response.status_code == 200
    assert journal.entries == [("bump", [profile_ns("outbox_http")])]
    assert HTTP_EFFECTS == ["ran"]
    assert await _count_users(runtime, "outbox_http") == 1
