"""Fixtures of the GitHub tests: the local OAuth provider, settings pointing at it, a browser."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select, update

from oxship.app import create_app
from oxship.kit.clock import utcnow
from oxship.models import Base, OneTimeToken, User
from oxship.runtime import Runtime
from tests.conftest import make_settings
from tests.github.provider import CLIENT_ID, CLIENT_SECRET, FakeGitHub
from tests.support.servers import ThreadedServer

REDIRECT_URL = "https://app.oxship.test/github/callback"
CONNECT = "/api/auth/github/connect"
CALLBACK = "/api/auth/github/callback"
DISCONNECT = "/api/auth/github/disconnect"


@pytest.fixture(scope="session")
def served_github() -> Iterator[FakeGitHub]:
    """One provider for the run, served on a free port."""
    github = FakeGitHub()
    with ThreadedServer(github.app(), "fake-github") as server:
        github.base_url = server.base_url
        yield github


@pytest.fixture
def github(served_github: FakeGitHub) -> FakeGitHub:
    """The provider, reset for this test."""
    served_github.reset()
    return served_github


@pytest.fixture(scope="module")
def shared_app(database_url: str) -> FastAPI:
    """One app for the module (FastAPI prepares the routes of the last routers on first use, which
    costs seconds per app); each test points it at its own runtime, as tests/access does."""
    return create_app(settings=make_settings(database_url))


@pytest.fixture
def app(shared_app: FastAPI, runtime: Runtime) -> FastAPI:
    """The shared app, on this test's runtime (its settings, transaction and cache prefix)."""
    shared_app.state.runtime = runtime
    return shared_app


@pytest.fixture
def github_timeout() -> float:
    """GITHUB_HTTP_TIMEOUT of the test's app (parametrize to change)."""
    return 5.0


@pytest.fixture
def settings_overrides(github: FakeGitHub, github_timeout: float) -> dict[str, Any]:
    """The app's GitHub settings point at the local provider."""
    return {
        "github_client_id": CLIENT_ID,
        "github_client_secret": CLIENT_SECRET,
        "github_authorize_url": f"{github.base_url}/login/oauth/authorize",
        "github_token_url": f"{github.base_url}/login/oauth/access_token",
        "github_api_url": github.base_url,
        "github_redirect_url": REDIRECT_URL,
        "github_http_timeout": github_timeout,
    }


async def authorize(auth_url: str, login: str) -> tuple[str, str]:
    """Play the browser: open `auth_url` at the provider signed in as `login`; (code, state)."""
    async with httpx.AsyncClient() as browser:
        response = await browser.get(auth_url, headers={"X-GitHub-Login": login})
    assert response.status_code == 302, response.text
    location = urlsplit(response.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT_URL
    query = parse_qs(location.query)
    return query["code"][0], query["state"][0]


@pytest.fixture
async def raw_client(app: FastAPI) -> AsyncIterator[Any]:
    """Clients over the app without the schema hook (which refuses any 5xx): for the 503 tests."""
    clients: list[httpx.AsyncClient] = []

    def make(token: str | None = None) -> httpx.AsyncClient:
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, client=("203.0.113.7", 50000)),
            base_url="http://testserver",
            headers={"Authorization": f"Bearer {token}"} if token else {},
        )
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()


@dataclass
class GitHubRows:
    """Direct database access for the GitHub tests."""

    runtime: Runtime

    async def user(self, user_id: uuid.UUID) -> User:
        """The current row of a user."""
        async with self.runtime.sessionmaker() as session:
            user = await session.get(User, user_id, populate_existing=True)
            assert user is not None
            return user

    async def states(self, user_id: uuid.UUID) -> Sequence[OneTimeToken]:
        """Every GitHub state row of a user."""
        async with self.runtime.sessionmaker() as session:
            stmt = select(OneTimeToken).where(
                OneTimeToken.user_id == user_id, OneTimeToken.purpose == "github_state"
            )
            return (await session.scalars(stmt)).all()

    async def expire_states(self, user_id: uuid.UUID) -> None:
        """Move the expiry of every state of a user one second into the past."""
        async with self.runtime.sessionmaker() as session:
            await session.execute(
                update(OneTimeToken)
                .where(OneTimeToken.user_id == user_id)
                .values(expires_at=utcnow() - timedelta(seconds=1))
            )
            await session.commit()

    async def link(self, user_id: uuid.UUID, login: str) -> None:
        """Mark a user linked to `login` directly."""
        async with self.runtime.sessionmaker() as session:
            await session.execute(
                update(User)
                .where(User.id == user_id)
                .values(github_connected=True, github_username=login)
            )
            await session.commit()

    async def everything(self) -> str:
        """Every row of every table, as text (to prove a secret is stored nowhere)."""
        parts: list[str] = []
        async with self.runtime.sessionmaker() as session:
            for table in Base.metadata.sorted_tables:
                rows = (await session.execute(select(table))).all()
                parts.extend(repr(tuple(row)) for row in rows)
        return "\n".join(parts)


@pytest.fixture
def rows(runtime: Runtime) -> GitHubRows:
    """Direct row access on the test's database."""
    return GitHubRows(runtime)
