"""Projects under real concurrency (committed transactions): one view per viewer, exact counters,
a soft delete that moves the owner's counter once, feature toggles that serialize."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from tests.factories.projects import ProjectFactory
from tests.factories.users import UserFactory
from tests.projects.conftest import ProjectRows

pytestmark = pytest.mark.committed

N = 12


async def test_concurrent_views_count_once_per_viewer(
    client: httpx.AsyncClient, users: UserFactory, projects: ProjectFactory, rows: ProjectRows
) -> None:
    pid = (await projects.project(await users.user()))["id"]
    url = f"/api/projects/{pid}/view"

    same = await asyncio.gather(
        *(client.post(url, json={"session_id": "one-session-id"}) for _ in range(N))
    )
    assert sorted(r.json()["data"]["is_new_view"] for r in same) == [False] * (N - 1) + [True]
    assert (await rows.project(pid)).view_count == 1

    distinct = await asyncio.gather(
        *(client.post(url, json={"session_id": f"session-{i:04d}"}) for i in range(N))
    )
    assert all(r.json()["data"]["is_new_view"] for r in distinct)
    assert sorted(r.json()["data"]["view_count"] for r in distinct) == list(range(2, N + 2))
    assert (await rows.project(pid)).view_count == N + 1


async def test_concurrent_shares_are_all_counted(
    client: httpx.AsyncClient, users: UserFactory, projects: ProjectFactory, rows: ProjectRows
) -> None:
    pid = (await projects.project(await users.user()))["id"]
    shares = await asyncio.gather(*(client.post(f"/api/projects/{pid}/share") for _ in range(N)))
    assert sorted(r.json()["data"]["share_count"] for r in shares) == list(range(1, N + 1))
    assert (await rows.project(pid)).share_count == N


async def test_concurrent_deletes_move_the_owners_counter_once(
    users: UserFactory, projects: ProjectFactory, rows: ProjectRows
) -> None:
    owner = await users.actor()
    keep = await projects.project(owner.user, demo_url="https://d.io")
    gone = await projects.project(owner.user)
    responses = await asyncio.gather(
        *(owner.client.delete(f"/api/projects/{gone['id']}") for _ in range(6))
    )
    assert sorted(r.status_code for r in responses) == [200] + [404] * 5
    user = await rows.user(owner.user.id)
    assert user.project_count == 1
    assert user.karma == keep["proof_score"]


async def test_concurrent_feature_toggles_serialize(
    users: UserFactory, projects: ProjectFactory, rows: ProjectRows
) -> None:
    owner = await users.user()
    admin = await users.admin()
    project = await projects.project(owner)
    responses = await asyncio.gather(
        *(admin.client.post(f"/api/projects/{project['id']}/feature") for _ in range(4))
    )
    assert all(r.status_code == 200 for r in responses)
    states = sorted(r.json()["data"]["is_featured"] for r in responses)
    assert states == [False, False, True, True]
    row = await rows.project(project["id"])
    assert row.is_featured is False
    assert row.featured_at is None
    assert len(await rows.notifications(owner.id, "project_featured")) == 2
