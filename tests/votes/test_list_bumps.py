"""Votes bump the project detail at once and merge the lists' bumps over CACHE_LIST_BUMP_WINDOW."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from oxship.kit.outbox import Outbox
from tests.factories.projects import ProjectFactory
from tests.factories.users import UserFactory

WINDOW = 0.4


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"cache_list_bump_window": WINDOW}


async def _feed_upvotes(client: httpx.AsyncClient, project_id: str) -> int:
    items = (await client.get("/api/projects")).json()["data"]
    return {p["id"]: p["upvotes"] for p in items}[project_id]


async def test_a_vote_burst_refreshes_lists_once_per_window_and_details_at_once(
    users: UserFactory, projects: ProjectFactory, client: httpx.AsyncClient
) -> None:
    owner = await users.user()
    project = await projects.project(owner)
    pid = project["id"]
    assert await _feed_upvotes(client, pid) == 0  # cached now
    voters = [await users.actor() for _ in range(3)]
    assert (await voters[0].client.post(f"/api/projects/{pid}/upvote")).status_code == 200
    assert await _feed_upvotes(client, pid) == 1  # the first bump of a window is immediate
    for voter in voters[1:]:
        assert (await voter.client.post(f"/api/projects/{pid}/upvote")).status_code == 200
    assert (await client.get(f"/api/projects/{pid}")).json()["data"]["upvotes"] == 3
    assert await _feed_upvotes(client, pid) == 1  # merged: the list lags the burst…
    await asyncio.sleep(WINDOW + 0.3)
    assert await _feed_upvotes(client, pid) == 3  # …by at most the window


async def test_merged_bumps_are_dropped_with_a_rollback_and_skip_hard_ones() -> None:
    hard: list[list[str]] = []
    soon: list[list[str]] = []

    async def hard_sink(names: Any) -> None:
        hard.append(list(names))

    async def soon_sink(names: Any) -> None:
        soon.append(list(names))

    outbox = Outbox(hard_sink, None, soon_sink)
    outbox.bump("project:1", "feed")
    outbox.bump_soon("feed", "leaderboard")
    await outbox.flush()
    assert (hard, soon) == ([["project:1", "feed"]], [["leaderboard"]])
    outbox.bump_soon("feed")
    outbox.discard()
    await outbox.flush()
    assert soon == [["leaderboard"]]
