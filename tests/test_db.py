"""Units of work: a read-only one (a GET's session) refuses every write, a writing one commits."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select, text, update

from oxship.db import ReadOnlySessionError, transaction
from oxship.models import User
from oxship.runtime import Runtime
from tests.factories.users import UserFactory


async def _display_name(runtime: Runtime, user: User) -> str | None:
    async with transaction(runtime, write=False) as session:
        return await session.scalar(select(User.display_name).where(User.id == user.id))


async def _user_count(runtime: Runtime) -> int:
    async with transaction(runtime, write=False) as session:
        return int(await session.scalar(select(func.count()).select_from(User)) or 0)


async def _rename(runtime: Runtime, user: User, name: str, *, write: bool) -> None:
    async with transaction(runtime, write=write) as session:
        loaded = await session.get(User, user.id)
        assert loaded is not None
        loaded.display_name = name


async def _rename_by_statement(runtime: Runtime, user: User, name: str) -> None:
    async with transaction(runtime, write=False) as session:
        await session.execute(update(User).where(User.id == user.id).values(display_name=name))


async def _add_user(runtime: Runtime, like: User) -> None:
    async with transaction(runtime, write=False) as session:
        session.add(User(username=like.username + "x", email="x" + like.email, password_hash="h"))


async def test_a_read_only_unit_refuses_an_orm_change(runtime: Runtime, users: UserFactory) -> None:
    user = await users.user(display_name="Before")
    with pytest.raises(ReadOnlySessionError):
        await _rename(runtime, user, "After", write=False)
    assert await _display_name(runtime, user) == "Before"


async def test_a_read_only_unit_refuses_a_write_statement(
    runtime: Runtime, users: UserFactory
) -> None:
    user = await users.user(display_name="Before")
    with pytest.raises(ReadOnlySessionError):
        await _rename_by_statement(runtime, user, "After")
    assert await _display_name(runtime, user) == "Before"


async def test_a_read_only_unit_refuses_an_insert(runtime: Runtime, users: UserFactory) -> None:
    user = await users.user()
    before = await _user_count(runtime)
    with pytest.raises(ReadOnlySessionError):
        await _add_user(runtime, user)
    assert await _user_count(runtime) == before


async def test_a_writing_unit_commits(runtime: Runtime, users: UserFactory) -> None:
    user = await users.user(display_name="Before")
    await _rename(runtime, user, "After", write=True)
    assert await _display_name(runtime, user) == "After"


async def test_setting_a_value_to_itself_is_not_a_write(
    runtime: Runtime, users: UserFactory
) -> None:
    user = await users.user(display_name="Same")
    await _rename(runtime, user, "Same", write=False)
    assert await _display_name(runtime, user) == "Same"


async def _clock_readings(runtime: Runtime, *, write: bool) -> tuple[object, object]:
    async with transaction(runtime, write=write) as session:
        first = await session.scalar(text("SELECT now()"))
        await asyncio.sleep(0.02)
        second = await session.scalar(text("SELECT now()"))
    return first, second


@pytest.mark.committed
async def test_postgresql_reads_run_each_statement_on_its_own(runtime: Runtime) -> None:
    """Reads are autocommit (no BEGIN/COMMIT round trips); writes stay one transaction."""
    if runtime.engine.dialect.name != "postgresql":
        pytest.skip("SQLite reads keep their transaction (autocommit is PostgreSQL's saving)")
    first, second = await _clock_readings(runtime, write=False)
    assert first != second, "each read statement is its own transaction"
    first, second = await _clock_readings(runtime, write=True)
    assert first == second, "a writing unit of work is one transaction"
