"""A real uvicorn server on a free port, sharing the test's runtime, for Socket.IO clients."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest
import socketio
import uvicorn
from fastapi import FastAPI

from tests.support.servers import free_port

pytestmark = pytest.mark.committed


@pytest.fixture
async def live_url(app: FastAPI) -> AsyncIterator[str]:
    """Serve the test's app with uvicorn (lifespan on) and yield its base URL."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    task = asyncio.create_task(server.serve())
    for _ in range(200):
        if server.started:
            break
        await asyncio.sleep(0.02)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.wait_for(task, timeout=10)


class Listener:
    """A Socket.IO client that records every event it receives."""

    def __init__(self) -> None:
        self.client = socketio.AsyncClient(reconnection=False)
        self.events: list[tuple[str, Any]] = []
        self.times: list[tuple[str, float]] = []  # (event, loop time of arrival)
        self.client.on("*", self._record)

    async def _record(self, event: str, data: Any = None) -> None:
        self.events.append((event, data))
        self.times.append((event, asyncio.get_running_loop().time()))

    async def connect(self, url: str, token: str | None = None) -> None:
        """Connect over websocket, with `auth: {token}` when given."""
        auth = {"token": token} if token else None
        await self.client.connect(url, auth=auth, transports=["websocket"], wait_timeout=5)

    def named(self, name: str) -> list[Any]:
        """Payloads of the events called `name`."""
        return [data for event, data in self.events if event == name]

    async def wait_for(self, name: str, count: int = 1, timeout: float = 3.0) -> list[Any]:
        """Wait until `count` events called `name` arrived; their payloads."""
        deadline = asyncio.get_running_loop().time() + timeout
        while len(self.named(name)) < count:
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"{name}: got {self.named(name)} of {count} expected")
            await asyncio.sleep(0.01)
        return self.named(name)

    async def wait_disconnected(self, timeout: float = 3.0) -> None:
        """Wait until the server closed this socket."""
        deadline = asyncio.get_running_loop().time() + timeout
        while self.client.connected:
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError("the socket is still connected")
            await asyncio.sleep(0.01)


@pytest.fixture
async def listeners() -> AsyncIterator[Any]:
    """`await listeners(url, token=None)` → a connected Listener; all closed after the test."""
    made: list[Listener] = []

    async def make(url: str, token: str | None = None) -> Listener:
        listener = Listener()
        await listener.connect(url, token)
        made.append(listener)
        return listener

    yield make
    for listener in made:
        with contextlib.suppress(Exception):
            await listener.client.disconnect()
