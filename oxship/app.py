"""create_app(settings): the FastAPI application, its lifespan, middleware and error handling."""

from __future__ import annotations

import asyncio
import gc
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.cors import CORSMiddleware

from oxship import __version__, worker
from oxship.admin.endpoints import router as admin_router
from oxship.audit.endpoints import router as audit_router
from oxship.auth import service as auth_service
from oxship.auth.dependencies import refuse_banned_token
from oxship.auth.endpoints import router as auth_router
from oxship.certs.endpoints import router as certs_router
from oxship.chains import service as chains_service
from oxship.chains.endpoints import router as chains_router
from oxship.comments.endpoints import router as comments_router
from oxship.config import Settings
from oxship.errors import STATUS_CODES, Conflict, OxshipError, Unauthorized, Unavailable
from oxship.events.endpoints import router as events_router
from oxship.feedback.endpoints import router as feedback_router
from oxship.forum.endpoints import router as forum_router
from oxship.github.endpoints import router as github_router
from oxship.intros.endpoints import intros_router
from oxship.intros.endpoints import router as intro_requests_router
from oxship.investors.endpoints import admin_router as investors_admin_router
from oxship.investors.endpoints import directory_router as investors_directory_router
from oxship.investors.endpoints import matches_router as investors_matches_router
from oxship.investors.endpoints import router as investor_requests_router
from oxship.kit import memory
from oxship.kit.cache.edge import EdgeCacheMiddleware
from oxship.kit.envelope import JSONBody
from oxship.kit.logs import configure_logging
from oxship.kit.middleware import EdgeMiddleware, InputGuardMiddleware
from oxship.kit.readlimit import ReadLimitMiddleware
from oxship.leaderboards.endpoints import router as leaderboards_router
from oxship.messages.endpoints import router as messages_router
from oxship.models import User
from oxship.notifications.endpoints import router as notifications_router
from oxship.ops.endpoints import router as ops_router
from oxship.prefetch.endpoints import router as prefetch_router
from oxship.projects.endpoints import router as projects_router
from oxship.projects.endpoints import users_router as user_projects_router
from oxship.realtime.server import RealtimeServer
from oxship.runtime import Runtime
from oxship.saved.endpoints import router as saved_router
from oxship.search.endpoints import router as search_router
from oxship.updates.endpoints import router as updates_router
from oxship.users.endpoints import router as users_router
from oxship.validation.endpoints import admin_router as validation_admin_router
from oxship.validation.endpoints import router as badges_router
from oxship.validation.endpoints import validator_router
from oxship.votes.endpoints import router as votes_router
from oxship.warmer import jobs as warmer_jobs
from oxship.web3.endpoints import router as web3_router

log = logging.getLogger(__name__)

ROUTERS = (
    ops_router,
    auth_router,
    users_router,
    user_projects_router,
    investors_matches_router,
    projects_router,
    votes_router,
    comments_router,
    updates_router,
    saved_router,
    notifications_router,
    chains_router,
    forum_router,
    events_router,
    audit_router,
    badges_router,
    validator_router,
    validation_admin_router,
    investor_requests_router,
    investors_directory_router,
    investors_admin_router,
    intro_requests_router,
    intros_router,
    messages_router,
    feedback_router,
    admin_router,
    leaderboards_router,
    prefetch_router,
    search_router,
    github_router,
    web3_router,
    certs_router,
)


def _operation_id(route: APIRoute) -> str:
    tag = route.tags[0] if route.tags else "root"
    return f"{tag}-{route.name}".replace("_", "-")


def create_app(settings: Settings | None = None, *, runtime: Runtime | None = None) -> FastAPI:
    """Build the ASGI app; `runtime` may be supplied (tests), else it is built from settings."""
    settings = settings or (runtime.settings if runtime else Settings())
    configure_logging(settings.log_level)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = runtime is None
        rt = runtime or Runtime.build(settings)
        app.state.runtime = rt
        if owned:
            await rt.start()
            rt.publisher.sinks.append(realtime.deliver)
        await realtime.start(rt.redis)
        thresholds = settings.gc_threshold_values
        if thresholds is not None:
            # Fewer, later collections: with thousands of sockets the heap holds ~1 GB of
            # long-lived objects, and default thresholds trigger full passes over it mid-fan-out
            # (measured in docs/benchmarks.md). Startup objects are frozen out of every pass.
            gc.set_threshold(*thresholds)
            gc.freeze()
        stop = asyncio.Event()
        jobs = (
            asyncio.create_task(
                worker.run_forever(rt, interval=settings.worker_interval, stop=stop)
            )
            if settings.jobs_in_web
            else None
        )
        if settings.memory_mmap_threshold:
            memory.use_mmap_from(settings.memory_mmap_threshold)
        trimming = (
            asyncio.create_task(memory.trim_forever(settings.memory_trim_interval, stop))
            if settings.memory_trim_interval > 0
            else None
        )
        warming = warmer_jobs.start(app, rt)
        app.state.warmer = warming.warmer if warming is not None else None
        try:
            yield
        finally:
            stop.set()
            await warmer_jobs.stop(warming)
            if jobs is not None:
                await jobs
            if trimming is not None:
                await trimming
            await realtime.close()
            if owned:
                await rt.close()

    async def authenticate(token: str) -> uuid.UUID | None:
        rt: Runtime = app.state.runtime
        async with rt.sessionmaker() as session:
            try:
                caller = await auth_service.resolve_caller(session, rt, token=token)
            except Unauthorized:
                return None
        return caller.user.id

    async def chain_room(user_id: uuid.UUID | None, slug: str) -> str | None:
        rt: Runtime = app.state.runtime
        async with rt.sessionmaker() as session:
            user = await session.get(User, user_id) if user_id is not None else None
            return await chains_service.room_for(session, user, slug)

    realtime = RealtimeServer(settings, authenticate=authenticate, chain_room=chain_room)

    app = FastAPI(
        title="oxship",
        version=__version__,
        description="Proof-weighted discovery of hackathon projects: REST API.",
        lifespan=lifespan,
        generate_unique_id_function=_operation_id,
        default_response_class=JSONBody,
        # A banned user's token is refused on every route, even those that ignore the caller.
        dependencies=[Depends(refuse_banned_token)],
    )
    app.state.realtime = realtime
    if runtime is not None:
        app.state.runtime = runtime
        runtime.publisher.sinks.append(realtime.deliver)
    for router in ROUTERS:
        app.include_router(router)
    app.mount("/socket.io", realtime.asgi)
    _install_error_handlers(app)
    app.add_middleware(
        InputGuardMiddleware,
        max_body_bytes=settings.max_body_bytes,
        max_json_depth=settings.max_json_depth,
        max_json_array_items=settings.max_json_array_items,
    )
    app.add_middleware(EdgeCacheMiddleware)
    if settings.rate_limit_enabled and settings.rate_limit_reads_ip:
        # Outside the edge cache, so the anonymous reads it answers count too; inside CORS, so a
        # cross-origin 429 still carries the CORS headers a browser needs to read it.
        app.add_middleware(ReadLimitMiddleware, limit=settings.rate_limit_reads_ip)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_credentials=bool(settings.cors_origins) and "*" not in settings.cors_origins,
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
        allow_headers=["Authorization", "Content-Type", "If-None-Match", "X-Request-ID"],
        expose_headers=["X-Request-ID", "ETag", "Retry-After"],
        max_age=600,
    )
    app.add_middleware(EdgeMiddleware, hsts=settings.is_production)
    return app


def _error(exc: OxshipError) -> JSONBody:
    return JSONBody(exc.envelope(), status_code=exc.status_code, headers=exc.headers)


def _field_name(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc]
    if len(parts) > 1 and parts[0] in {"body", "query", "path", "header", "cookie"}:
        parts = parts[1:]
    return ".".join(parts) or "body"


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(OxshipError)
    async def oxship_error(_: Request, exc: OxshipError) -> JSONBody:
        return _error(exc)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONBody:
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            return JSONBody(
                {"status": "error", "error": "bad_request", "message": "Malformed JSON body"},
                status_code=400,
            )
        details = [
            {"field": _field_name(e.get("loc", ())), "message": str(e.get("msg", "invalid"))}
            for e in errors
        ]
        first = details[0] if details else {"field": "body", "message": "invalid"}
        message = f"{first['field']}: {first['message']}"
        return JSONBody(
            {
                "status": "error",
                "error": "validation_error",
                "message": message,
                "details": details,
            },
            status_code=422,
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONBody:
        code = STATUS_CODES.get(exc.status_code, "error")
        message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
        if exc.status_code == 404:
            message = "Not found"
        return JSONBody(
            {"status": "error", "error": code, "message": message},
            status_code=exc.status_code,
            headers=dict(exc.headers or {}),
        )

    @app.exception_handler(SQLAlchemyError)
    async def database_error(_: Request, exc: SQLAlchemyError) -> JSONBody:
        if isinstance(exc, IntegrityError):
            return _error(Conflict("This conflicts with existing data"))
        if isinstance(exc, PoolTimeout) or (
            isinstance(exc, DBAPIError) and _is_connection_error(exc)
        ):
            log.warning("database unavailable: %s", exc)
            return _error(Unavailable("The database is unavailable, try again shortly"))
        raise exc

    @app.exception_handler(OSError)
    async def connection_error(_: Request, exc: OSError) -> JSONBody:
        # Network errors from a driver (asyncpg raises plain OSError on a refused connect) are a
        # 503; local file-system errors are bugs and stay 500s.
        if isinstance(exc, FileNotFoundError | PermissionError | IsADirectoryError):
            raise exc
        log.warning("dependency unreachable: %s", exc)
        return _error(Unavailable("A backing service is unavailable, try again shortly"))


# SQLSTATEs of a database that is unreachable or restarting: connection exceptions (class 08),
# admin/crash shutdown and "the database system is starting up" (57P01-57P03).
_UNAVAILABLE_SQLSTATES = ("08", "57P01", "57P02", "57P03")


def _is_connection_error(exc: DBAPIError) -> bool:
    if exc.connection_invalidated:
        return True
    sqlstate = getattr(exc.orig, "sqlstate", None)
    if isinstance(sqlstate, str) and sqlstate.startswith(_UNAVAILABLE_SQLSTATES):
        return True
    text = f"{type(exc.orig).__name__} {exc.orig}".lower()
    markers = (
        "connect",
        "closed",
        "terminat",
        "cannotconnectnow",
        "shutdown",
        "querycanceled",
        "statement timeout",
        "database is locked",
    )
    return any(marker in text for marker in markers)
