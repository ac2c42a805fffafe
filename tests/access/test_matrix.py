"""The authorization matrix: every route has one declared level (oxship/access.py), its
dependencies enforce it, and anonymous callers, ordinary users, strangers, the right caller and a
banned user get the statuses API.md gives, on real rows; private chains stay hidden.

The world is built once per module and committed; each test runs in its own rolled-back transaction
against one shared app (building an app's routes costs about a second).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from oxship.access import ROUTE_ACCESS, Access
from oxship.app import create_app
from oxship.auth import dependencies as deps
from oxship.kit.outbox import drain_background
from oxship.models import Base
from oxship.runtime import Runtime
from tests.access.probes import ALLOWED, PROBES, Probe, url_for
from tests.access.world import Builder, World
from tests.conftest import ClientMaker, make_settings
from tests.support.routes import api_routes

SIGNED_IN = {
    Access.USER,
    Access.OWNER,
    Access.OWNER_OR_ADMIN,
    Access.ADMIN,
    Access.VALIDATOR,
    Access.VALIDATOR_OR_ADMIN,
    Access.INVESTOR,
}
ROLE_LEVELS = {Access.ADMIN, Access.VALIDATOR, Access.INVESTOR, Access.VALIDATOR_OR_ADMIN}
OWNER_LEVELS = {Access.OWNER, Access.OWNER_OR_ADMIN}
CALLER_DEPS = {
    deps.current_caller,
    deps.current_user,
    deps.optional_caller,
    deps.optional_user,
    deps.admin_user,
    deps.validator_user,
    deps.investor_user,
}
ENFORCED_BY: dict[Access, set[Callable[..., Any]]] = {
    Access.PUBLIC: set(),
    Access.OPTIONAL: {deps.optional_caller},
    Access.USER: {deps.current_caller},
    Access.OWNER: {deps.current_caller},
    Access.OWNER_OR_ADMIN: {deps.current_caller},
    Access.VALIDATOR_OR_ADMIN: {deps.current_caller},
    Access.ADMIN: {deps.current_caller, deps.admin_user},
    Access.VALIDATOR: {deps.current_caller, deps.validator_user},
    Access.INVESTOR: {deps.current_caller, deps.investor_user},
}
"""The caller dependencies each level's routes use: exactly these (plus current/optional_user)."""


def declared_routes(app: FastAPI) -> dict[str, Any]:
    """Every method of every APIRoute of the app, keyed "METHOD /path"."""
    return {
        f"{method} {route.path}": route
        for route in api_routes(app.routes)
        for method in sorted((route.methods or set()) - {"HEAD", "OPTIONS"})
    }


def caller_deps(dependant: Dependant) -> set[Callable[..., Any]]:
    """The caller dependencies anywhere in a route's dependency graph."""
    found: set[Callable[..., Any]] = set()
    for sub in dependant.dependencies:
        if sub.call in CALLER_DEPS:
            found.add(sub.call)
        found |= caller_deps(sub)
    return found


# --- a. one declaration per route, no stale ones --------------------------------------------


def test_every_route_declares_its_access_level() -> None:
    routes = declared_routes(create_app(settings=make_settings("sqlite+aiosqlite://")))

    undeclared = sorted(set(routes) - set(ROUTE_ACCESS))
    stale = sorted(set(ROUTE_ACCESS) - set(routes))

    assert not undeclared, f"add these routes to ROUTE_ACCESS in oxship/access.py: {undeclared}"
    assert not stale, f"ROUTE_ACCESS names routes that do not exist: {stale}"


def test_every_probe_names_a_declared_route() -> None:
    assert not sorted(set(PROBES) - set(ROUTE_ACCESS))


# --- b. the dependencies enforce the declared level -----------------------------------------


def test_dependencies_enforce_each_declared_level() -> None:
    routes = declared_routes(create_app(settings=make_settings("sqlite+aiosqlite://")))
    wrong: list[str] = []
    for key, route in sorted(routes.items()):
        level = ROUTE_ACCESS.get(key)
        if level is None:
            continue  # reported by the completeness test
        used = caller_deps(route.dependant) - {deps.current_user, deps.optional_user}
        if used != ENFORCED_BY[level]:
            names = sorted(d.__name__ for d in used)
            wrong.append(f"{key}: declared {level.value}, uses {names}")
    assert not wrong, "\n".join(wrong)


# --- c. behaviour on real rows ----------------------------------------------------------------


@pytest.fixture(scope="module")
def shared_app(database_url: str) -> FastAPI:
    """One app for the module; each test points it at its own runtime (and transaction)."""
    return create_app(settings=make_settings(database_url))


@pytest.fixture(scope="module")
async def world(
    shared_app: FastAPI, engine: AsyncEngine, database_url: str, password_hash: str
) -> AsyncIterator[World]:
    """The committed rows every test of this module reads; the tables are emptied after."""
    settings = make_settings(database_url)
    runtime = Runtime.build(settings, engine=engine)
    await runtime.start()
    shared_app.state.runtime = runtime
    try:
        built = await Builder(shared_app, runtime, password_hash).build()
        await drain_background()
    finally:
        if runtime.redis is not None:
            keys = [k async for k in runtime.redis.scan_iter(match=f"{settings.cache_prefix}:*")]
            if keys:
                await runtime.redis.delete(*keys)
        await runtime.close()
    yield built
    await drain_background()
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    async with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            await conn.execute(text(f"TRUNCATE {', '.join(tables)} CASCADE"))
        else:
            for table in tables:
                await conn.execute(text(f"DELETE FROM {table}"))


@pytest.fixture
async def sessionmaker(
    request: pytest.FixtureRequest, engine: AsyncEngine
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """As tests/conftest.py, except that `committed` tests (read-only here) leave the world alone."""
    if request.node.get_closest_marker("committed"):
        yield async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
        return
    async with engine.connect() as conn:
        outer = await conn.begin()
        yield async_sessionmaker(
            bind=conn,
            expire_on_commit=False,
            autoflush=False,
            join_transaction_mode="create_savepoint",
        )
        await drain_background()
        await outer.rollback()


@pytest.fixture
def app(shared_app: FastAPI, runtime: Runtime, world: World) -> FastAPI:
    """The shared app, on this test's runtime (its rolled-back transaction, its cache prefix)."""
    shared_app.state.runtime = runtime
    return shared_app


def cases() -> Iterator[Any]:
    """(route, caller that must succeed), for every declared route."""
    for route, level in ROUTE_ACCESS.items():
        probe = PROBES.get(route, Probe())
        for caller in probe.allowed or ALLOWED[level]:
            marks = [pytest.mark.committed] if probe.concurrent else []
            yield pytest.param(route, caller, id=f"{route}-as-{caller}", marks=marks)


def _check(response: httpx.Response, expected: int, who: str) -> None:
    request = response.request
    assert response.status_code == expected, (
        f"{request.method} {request.url.path} as {who}: "
        f"expected {expected}, got {response.status_code} {response.text}"
    )


@pytest.mark.parametrize(("route", "caller"), list(cases()))
async def test_route_answers_each_caller_as_the_contract_says(
    route: str, caller: str, world: World, make_client: ClientMaker
) -> None:
    level = ROUTE_ACCESS[route]
    probe = PROBES.get(route, Probe())
    method, url = route.split(" ", 1)[0], url_for(route, world)
    body = probe.body(world) if probe.body else None
    query = probe.query(world) if probe.query else None

    def as_(role: str) -> httpx.AsyncClient:
        if role == "anonymous":
            return make_client(None)
        return make_client({"Authorization": f"Bearer {world.access[role]}"})

    if level in SIGNED_IN:
        # Anonymous: 401 before anything else, with no body at all or with a valid one.
        for payload in (None, body) if body is not None else (None,):
            response = await as_("anonymous").request(method, url, params=query, json=payload)
            _check(response, 401, "anonymous")
            assert response.json()["error"] == "unauthorized"
            assert response.headers["www-authenticate"] == "Bearer"
    if level in ROLE_LEVELS:
        # An ordinary user: 403; role dependencies refuse before the body is even read.
        payloads = (body,) if level is Access.VALIDATOR_OR_ADMIN else (None, body)
        for payload in payloads:
            response = await as_("other").request(method, url, params=query, json=payload)
            _check(response, 403, "an ordinary user")
            assert response.json()["error"] == "forbidden"
    if level in OWNER_LEVELS:
        strangers = probe.strangers
        if level is Access.OWNER:  # being an admin does not make you the owner
            strangers = (*strangers, ("admin", strangers[0][1]))
        for stranger, denied in strangers:
            response = await as_(stranger).request(method, url, params=query, json=body)
            _check(response, denied, f"{stranger} (not the owner)")

    response = await as_(caller).request(method, url, params=query, json=body)

    _check(response, probe.ok, caller)


@pytest.mark.parametrize(
    "route",
    [
        pytest.param(r, marks=[pytest.mark.committed] if PROBES.get(r, Probe()).concurrent else [])
        for r in ROUTE_ACCESS
    ],
)
async def test_a_banned_users_token_is_refused_on_every_route(
    route: str, world: World, make_client: ClientMaker
) -> None:
    probe = PROBES.get(route, Probe())
    method, url = route.split(" ", 1)[0], url_for(route, world)
    banned = make_client({"Authorization": f"Bearer {world.access['banned']}"})

    response = await banned.request(
        method,
        url,
        params=probe.query(world) if probe.query else None,
        json=probe.body(world) if probe.body else None,
    )

    _check(response, 401, "a banned user")
    assert response.json()["message"] == "This account is not active"


PRIVATE_CHAIN_READS = [
    route
    for route, level in ROUTE_ACCESS.items()
    if level is Access.OPTIONAL and route.startswith("GET /api/chains/{slug}")
]


@pytest.mark.parametrize("route", PRIVATE_CHAIN_READS)
async def test_a_private_chain_is_hidden_from_everyone_but_its_owner_and_admins(
    route: str, world: World, make_client: ClientMaker
) -> None:
    url = url_for(route, world, overrides={"slug": "chain_private_slug", "post_id": "private_post"})

    def as_(role: str | None) -> httpx.AsyncClient:
        return make_client({"Authorization": f"Bearer {world.access[role]}"} if role else None)

    for stranger in (None, "other"):
        response = await as_(stranger).get(url)
        _check(response, 404, stranger or "anonymous")
        assert response.json()["error"] == "not_found"
    for member in ("owner", "admin"):
        _check(await as_(member).get(url), 200, member)
