"""Fixtures of the 0xCert tests: the local JSON-RPC node, settings pointing at it, raw clients."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from oxship.app import create_app
from oxship.kit.envelope import ErrorOut
from oxship.models import Project, User
from oxship.runtime import Runtime
from tests.certs.node import CONTRACT, FakeNode
from tests.conftest import make_settings
from tests.support.servers import ThreadedServer

RPC_KEY_PATH = "/v3/secret-provider-key-0123"
"""Hosted nodes carry an API key in the URL: it must never show in an answer."""


@pytest.fixture(scope="session")
def served_node() -> Iterator[FakeNode]:
    """One node for the run, served on a free port."""
    node = FakeNode()
    with ThreadedServer(node.app(), "fake-evm-node") as server:
        node.base_url = server.base_url
        yield node


@pytest.fixture
def node(served_node: FakeNode) -> FakeNode:
    """The node, reset for this test."""
    served_node.reset()
    return served_node


@pytest.fixture
def rpc_timeout() -> float:
    """CHAIN_RPC_TIMEOUT of the test's app (parametrize to change)."""
    return 5.0


@pytest.fixture
def extra_settings() -> dict[str, Any]:
    """More settings for the test's app, over the node's (parametrize to change)."""
    return {}


@pytest.fixture
def settings_overrides(
    node: FakeNode, rpc_timeout: float, extra_settings: dict[str, Any]
) -> dict[str, Any]:
    """The app's chain settings point at the local node."""
    return {
        "chain_rpc_url": node.base_url + RPC_KEY_PATH,
        "oxcert_contract_address": CONTRACT,
        "chain_rpc_timeout": rpc_timeout,
        **extra_settings,
    }


NOT_CONFIGURED = {"chain_rpc_url": None, "oxcert_contract_address": None}


@pytest.fixture(scope="module")
def shared_app(database_url: str) -> FastAPI:
    """One app per module: building every route's state costs seconds, and these routes come last."""
    return create_app(settings=make_settings(database_url))


@pytest.fixture
def app(shared_app: FastAPI, runtime: Runtime) -> FastAPI:
    """The shared app on this test's runtime (its transaction, settings and cache prefix)."""
    shared_app.state.runtime = runtime
    return shared_app


RawClient = Any


@pytest.fixture
async def raw_client(app: FastAPI) -> AsyncIterator[RawClient]:
    """Clients without the schema hook (which refuses any 5xx): for the 503 tests."""
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


def assert_unavailable(response: httpx.Response, *words: str) -> None:
    """A 503 error envelope whose message says what failed, never naming the RPC URL's key."""
    assert response.status_code == 503, response.text
    body = ErrorOut.model_validate(response.json())
    assert body.error == "unavailable"
    for word in words:
        assert word in body.message, body.message
    assert "secret-provider-key" not in response.text
    assert "127.0.0.1" not in response.text


class Rows:
    """Direct database reads for the certs tests."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    async def user(self, user_id: uuid.UUID) -> User:
        """The current row of a user."""
        async with self.runtime.sessionmaker() as session:
            user = await session.get(User, user_id, populate_existing=True)
            assert user is not None
            return user

    async def project(self, project_id: uuid.UUID) -> Project:
        """The current row of a project."""
        async with self.runtime.sessionmaker() as session:
            project = await session.get(Project, project_id, populate_existing=True)
            assert project is not None
            return project


@pytest.fixture
def rows(runtime: Runtime) -> Rows:
    """Direct row access."""
    return Rows(runtime)
