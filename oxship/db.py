"""Engine and sessions: one transaction per request (or job), committed here and nowhere else."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Annotated, Any

import orjson
from fastapi import Depends, Request
from sqlalchemy import event
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import ORMExecuteState, Session

from oxship.config import Settings
from oxship.kit.outbox import OUTBOX_KEY, Outbox

if TYPE_CHECKING:
    from oxship.runtime import Runtime


def create_engine(settings: Settings, *, url: str | None = None) -> AsyncEngine:
    """The async engine for `settings` (pool size, recycling, statement timeout)."""
    url = url or settings.database_url
    if url.startswith("sqlite"):
        engine = create_async_engine(
            url,
            json_serializer=_json_dumps,
            json_deserializer=orjson.loads,
            pool_size=settings.db_pool_size,
            max_overflow=settings.db_max_overflow,
            pool_timeout=settings.db_pool_timeout,
        )
        _make_sqlite_transactional(engine)
        return engine
    connect_args: dict[str, Any] = {
        "server_settings": {
            "statement_timeout": str(settings.db_statement_timeout_ms),
            "application_name": settings.apm_service_name,
        },
        "timeout": 2.0,
        "command_timeout": max(1.0, settings.db_statement_timeout_ms / 1000 + 1.0),
    }
    return create_async_engine(
        url,
        json_serializer=_json_dumps,
        json_deserializer=orjson.loads,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_timeout=settings.db_pool_timeout,
        # No pre-ping: asyncpg's costs three round trips (BEGIN, ";", ROLLBACK) per checkout. After a
        # database restart the first statement on a dead connection fails (a 503) and SQLAlchemy
        # then discards every connection older than that failure (tests/faults).
        pool_recycle=1800,
        connect_args=connect_args,
    )


def _json_dumps(value: Any) -> str:
    """JSON columns are encoded with orjson (several times faster than the stdlib)."""
    return orjson.dumps(value).decode()


def _make_sqlite_transactional(engine: AsyncEngine) -> None:
    """Let SQLAlchemy own BEGIN (so SAVEPOINT works) and set the pragmas of the embedded mode."""

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        # A write transaction takes the write lock up front: a deferred one that read first could
        # not upgrade after another writer committed (SQLITE_BUSY), whatever the busy timeout.
        immediate = conn.get_execution_options().get(WRITE_OPTION)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


WRITE_OPTION = "oxship_write"
READ_ONLY_KEY = "oxship_read_only"  # in session.info of a unit of work opened with write=False


class ReadOnlySessionError(RuntimeError):
    """A write through a read-only unit of work (a GET's session): use a writing one."""


@event.listens_for(Session, "before_flush")
def _refuse_read_only_flush(session: Session, _context: Any, _instances: Any) -> None:
    if session.info.get(READ_ONLY_KEY) and (
        session.new or session.deleted or any(session.is_modified(o) for o in session.dirty)
    ):
        raise ReadOnlySessionError("a read-only unit of work tried to flush changes")


@event.listens_for(Session, "do_orm_execute")
def _refuse_read_only_dml(state: ORMExecuteState) -> None:
    if state.session.info.get(READ_ONLY_KEY) and (
        state.is_insert or state.is_update or state.is_delete
    ):
        raise ReadOnlySessionError("a read-only unit of work tried to execute a write")


def create_sessionmaker(
    engine: AsyncEngine, *, write: bool = False
) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded attributes after commit; `write` ones lock SQLite at BEGIN.

    Reading ones on PostgreSQL run without a transaction (autocommit): under READ COMMITTED each
    statement has its own snapshot anyway, so BEGIN and COMMIT would only add two round trips to
    every read. The read-only guard above keeps writes out of them.
    """
    if write:
        bind = engine.execution_options(**{WRITE_OPTION: True})
    elif engine.dialect.name == "postgresql":
        bind = engine.execution_options(isolation_level="AUTOCOMMIT")
    else:
        bind = engine
    return async_sessionmaker(bind, expire_on_commit=False, autoflush=False)


@asynccontextmanager
async def transaction(runtime: Runtime, *, write: bool = True) -> AsyncIterator[AsyncSession]:
    """A unit of work: commit on success then flush the outbox; roll back and discard on error."""
    if write and runtime.sqlite_writes is not None:
        # Embedded mode is one process: queue writers here, in order, rather than have them poll
        # SQLite's lock (which wakes waiters in bursts and can exceed the busy timeout).
        async with runtime.sqlite_writes, _unit_of_work(runtime, write=True) as session:
            yield session
        return
    async with _unit_of_work(runtime, write=write) as session:
        yield session


@asynccontextmanager
async def _unit_of_work(runtime: Runtime, *, write: bool) -> AsyncIterator[AsyncSession]:
    outbox = Outbox(runtime.cache.bump, runtime.publisher.deliver, runtime.cache.bump_soon)
    factory = runtime.write_sessionmaker if write else runtime.sessionmaker
    async with factory() as session:
        session.info[OUTBOX_KEY] = outbox
        session.info[READ_ONLY_KEY] = not write
        try:
            yield session
            if session.in_transaction():
                await session.commit()
        except BaseException:
            outbox.discard()
            await session.rollback()
            raise
    await outbox.flush()


READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """Dependency: the request's session; committed before the response is sent."""
    write = request.method not in READ_ONLY_METHODS
    async with transaction(request.app.state.runtime, write=write) as session:
        yield session


async def get_write_session(
    request: Request,
    _request_session: Annotated[AsyncSession, Depends(get_session, scope="function")],
) -> AsyncIterator[AsyncSession]:
    """Dependency: a writing unit of work for a GET that must write (a view count, read marks).

    A GET's own session is read-only; on SQLite it is a deferred transaction that cannot take the
    write lock once another writer has committed (`database is locked` at once, whatever the busy
    timeout). This one is queued with the other writers (`BEGIN IMMEDIATE`) and, like any write,
    committed before the response is sent and followed by its outbox. It opens inside the request's
    session (and closes before it), so units of work always nest.
    """
    async with transaction(request.app.state.runtime, write=True) as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
WriteSessionDep = Annotated[AsyncSession, Depends(get_write_session, scope="function")]
