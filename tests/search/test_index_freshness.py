"""The search indexes follow the write path at once (generated columns / FTS5 triggers)."""

from __future__ import annotations

import httpx

from tests.chains.conftest import make_chain
from tests.factories.projects import ProjectFactory
from tests.factories.users import UserFactory
from tests.search.test_search import search, titles


async def test_project_create_rename_delete(
    client: httpx.AsyncClient, users: UserFactory, projects: ProjectFactory
) -> None:
    owner = await users.actor()
    assert await titles(client, "lanternfish") == []
    project = await projects.project(owner.user, title="Lanternfish Radar")
    assert await titles(client, "lanternfish") == ["Lanternfish Radar"]

    renamed = await owner.client.patch(
        f"/api/projects/{project['id']}", json={"title": "Glasseel Radar"}
    )
    assert renamed.status_code == 200, renamed.text
    assert await titles(client, "lanternfish") == []
    assert await titles(client, "glasseel") == ["Glasseel Radar"]

    assert (await owner.client.delete(f"/api/projects/{project['id']}")).status_code == 200
    assert await titles(client, "glasseel") == []


async def test_display_name_change(client: httpx.AsyncClient, users: UserFactory) -> None:
    actor = await users.actor(username="plainuser_dn", display_name="Someone")
    assert (await search(client, "vermilionfox", type="users"))["data"] == []
    response = await actor.client.put("/api/users/profile", json={"display_name": "Vermilionfox"})
    assert response.status_code == 200, response.text
    found = await search(client, "vermilionfox", type="users")
    assert [u["username"] for u in found["data"]] == ["plainuser_dn"]
    assert found["data"][0]["display_name"] == "Vermilionfox"


async def test_chain_rename(client: httpx.AsyncClient, users: UserFactory) -> None:
    owner = await users.actor()
    chain = await make_chain(owner.client, "Copperkite Guild")
    assert [c["id"] for c in (await search(client, "copperkite", type="chains"))["data"]] == [
        chain["id"]
    ]
    response = await owner.client.put(
        f"/api/chains/{chain['slug']}", json={"name": "Ironkite Guild"}
    )
    assert response.status_code == 200, response.text
    assert (await search(client, "copperkite", type="chains"))["data"] == []
    found = await search(client, "ironkite", type="chains")
    assert [c["name"] for c in found["data"]] == ["Ironkite Guild"]
