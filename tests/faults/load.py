"""A small load driver for the fault tests: readers and comment writers against oxship servers.

Every request is recorded (server, kind, start, duration, status or transport error), and every
comment acknowledged with a 2xx keeps its id, so a test can check what each phase saw and that no
acknowledged write was lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import httpx

from tests.factories.users import DEFAULT_PASSWORD

REQUEST_TIMEOUT = 5.0  # a hang shows up as a transport error well past the 2 s budget


@dataclass(frozen=True)
class Outcome:
    """One request of the load."""

    server: str
    kind: str  # "read" | "write"
    path: str
    started: float  # time.monotonic()
    seconds: float
    status: int | None  # None: no HTTP response (refused, reset, timed out)
    error: str | None = None  # the envelope's `error` code, or the transport exception

    @property
    def ended(self) -> float:
        """When the answer (or the failure) came."""
        return self.started + self.seconds


@dataclass
class Account:
    """A registered user and the header that authenticates as them."""

    id: str
    username: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        """The Authorization header of this user."""
        return {"Authorization": f"Bearer {self.token}"}


async def register(http: httpx.AsyncClient, base: str) -> Account:
    """Register a new user through `base`."""
    name = f"f{uuid.uuid4().hex[:10]}"
    response = await http.post(
        f"{base}/api/auth/register",
        json={"email": f"{name}@example.com", "username": name, "password": DEFAULT_PASSWORD},
    )
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()["data"]
    return Account(data["user"]["id"], name, data["tokens"]["access"])


async def create_project(http: httpx.AsyncClient, base: str, owner: Account) -> str:
    """Create a project owned by `owner`; its id."""
    response = await http.post(
        f"{base}/api/projects",
        headers=owner.headers,
        json={
            "title": "Fault tolerant project",
            "description": "A project that keeps working while its backing services fail.",
        },
    )
    assert response.status_code == 201, response.text
    return str(response.json()["data"]["id"])


def read_paths(project_id: str, owner: Account) -> list[str]:
    """Cached endpoints the readers cycle through."""
    return [
        "/api/projects",
        f"/api/projects/{project_id}",
        f"/api/projects/{project_id}/comments",
        f"/api/users/{owner.username}",
        "/api/projects?sort=newest",
    ]


@dataclass
class Load:
    """Readers and writers against named servers until stopped."""

    http: httpx.AsyncClient
    servers: dict[str, str]  # name → base URL
    paths: list[str]
    project_id: str
    writers: list[Account]
    readers_per_server: int = 2
    pause: float = 0.02  # between two requests of one task: load, not a saturation test
    outcomes: list[Outcome] = field(default_factory=list)
    acked: dict[str, str] = field(default_factory=dict)  # comment id → server that acked it
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)
    _written: int = 0

    def start(self) -> None:
        """Start every reader and writer task."""
        for name, base in self.servers.items():
            for offset in range(self.readers_per_server):
                self._tasks.append(asyncio.create_task(self._reader(name, base, offset)))
            for writer in self.writers:
                self._tasks.append(asyncio.create_task(self._writer(name, base, writer)))

    async def stop(self) -> None:
        """Stop the tasks after their current request."""
        self._stop.set()
        await asyncio.gather(*self._tasks)

    async def _request(
        self, server: str, kind: str, method: str, url: str, **kwargs: Any
    ) -> httpx.Response | None:
        path = url.split("//", 1)[1].split("/", 1)[1]
        started = time.monotonic()
        try:
            response = await self.http.request(method, url, timeout=REQUEST_TIMEOUT, **kwargs)
        except httpx.HTTPError as exc:
            seconds = time.monotonic() - started
            self.outcomes.append(
                Outcome(server, kind, "/" + path, started, seconds, None, type(exc).__name__)
            )
            return None
        seconds = time.monotonic() - started
        error = None
        if response.status_code >= 400:
            with contextlib.suppress(ValueError, AttributeError):
                error = response.json().get("error")
        self.outcomes.append(
            Outcome(server, kind, "/" + path, started, seconds, response.status_code, error)
        )
        return response

    async def _reader(self, server: str, base: str, offset: int) -> None:
        index = offset
        while not self._stop.is_set():
            path = self.paths[index % len(self.paths)]
            index += 1
            await self._request(server, "read", "GET", f"{base}{path}")
            await asyncio.sleep(self.pause)

    async def _writer(self, server: str, base: str, account: Account) -> None:
        while not self._stop.is_set():
            self._written += 1
            body = {"project_id": self.project_id, "content": f"load {self._written} via {server}"}
            response = await self._request(
                server, "write", "POST", f"{base}/api/comments", json=body, headers=account.headers
            )
            if response is not None and response.is_success:
                self.acked[response.json()["data"]["id"]] = server
            await asyncio.sleep(self.pause * 2)

    # ---- views -----------------------------------------------------------------------------

    def select(
        self,
        *,
        server: str | None = None,
        kind: str | None = None,
        started_after: float | None = None,
        ended_before: float | None = None,
    ) -> list[Outcome]:
        """The outcomes matching every given condition."""
        return [
            o
            for o in self.outcomes
            if (server is None or o.server == server)
            and (kind is None or o.kind == kind)
            and (started_after is None or o.started >= started_after)
            and (ended_before is None or o.ended <= ended_before)
        ]


def summary(outcomes: Iterable[Outcome]) -> dict[str, int]:
    """Counts by `kind status/error`, for assertion messages."""
    counts: dict[str, int] = {}
    for o in outcomes:
        key = f"{o.server} {o.kind} {o.status if o.status is not None else o.error}"
        counts[key] = counts.get(key, 0) + 1
    return counts


async def missing_comments(dsn: str, ids: Iterable[str]) -> set[str]:
    """The ids among `ids` that have no row in `comments` (queried directly, not through oxship)."""
    wanted = {uuid.UUID(i) for i in ids}
    conn = await asyncpg.connect(dsn, timeout=5)
    try:
        rows = await conn.fetch("SELECT id FROM comments WHERE id = ANY($1::uuid[])", list(wanted))
    finally:
        await conn.close()
    found = {row["id"] for row in rows}
    return {str(i) for i in wanted - found}
