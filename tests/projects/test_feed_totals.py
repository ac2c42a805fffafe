"""The feed's total counts live projects of visible owners only (banned and deleted owners left out)."""

from __future__ import annotations

import httpx

from tests.factories.projects import ProjectFactory
from tests.factories.users import UserFactory


async def _total(client: httpx.AsyncClient, **params: str) -> int:
    response = await client.get("/api/projects", params=params)
    assert response.status_code == 200
    body = response.json()
    assert len(body["data"]) == min(body["pagination"]["total"], 20)
    return int(body["pagination"]["total"])


async def test_totals_leave_out_hidden_owners_and_deleted_projects(
    users: UserFactory, projects: ProjectFactory, client: httpx.AsyncClient
) -> None:
    admin = await users.admin()
    banned = await users.actor()
    gone = await users.actor()
    kept = await users.actor()
    for owner in (banned, banned, gone, kept, kept):
        await projects.project(owner.user, categories=["DeFi"])
    dropped = await projects.project(kept.user, categories=["AI"])
    assert await _total(client) == 6
    assert await _total(client, category="defi") == 5
    ban = await admin.client.post(f"/api/admin/users/{banned.user.id}/ban", json={"reason": "spam"})
    assert ban.status_code == 200, ban.text
    assert (await admin.client.delete(f"/api/admin/users/{gone.user.id}")).status_code == 200
    assert (await kept.client.delete(f"/api/projects/{dropped['id']}")).status_code == 200
    assert await _total(client) == 2
    assert await _total(client, category="defi") == 2
    assert await _total(client, category="ai") == 0
