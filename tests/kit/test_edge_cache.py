"""The edge layer answers anonymous cached GETs from the local tier, and only those."""

from __future__ import annotations

import httpx

from tests.factories.projects import ProjectFactory
from tests.factories.users import UserFactory


async def test_a_repeated_anonymous_read_is_answered_at_the_edge(
    users: UserFactory, projects: ProjectFactory, client: httpx.AsyncClient
) -> None:
    owner = await users.actor()
    await projects.project(owner.user, title="Edge served project")
    first = await client.get("/api/projects", params={"per_page": 5})
    assert first.status_code == 200
    assert "x-oxship-cache" not in first.headers
    second = await client.get("/api/projects", params={"per_page": 5})
    assert second.headers["x-oxship-cache"] == "edge"
    assert second.content == first.content
    assert second.headers["ETag"] == first.headers["ETag"]
    assert second.headers["x-request-id"]  # the outer layers still apply
    assert second.headers["x-content-type-options"] == "nosniff"
    # the same identity with the query in another order
    reordered = await client.get("/api/projects?sort=trending&per_page=5")
    plain = await client.get("/api/projects?per_page=5&sort=trending")
    assert reordered.content == plain.content
    assert plain.headers.get("x-oxship-cache") == "edge"
    not_modified = await client.get(
        "/api/projects", params={"per_page": 5}, headers={"If-None-Match": first.headers["ETag"]}
    )
    assert not_modified.status_code == 304
    assert not_modified.headers["x-oxship-cache"] == "edge"


async def test_a_write_makes_the_edge_fall_through_to_fresh_data(
    users: UserFactory, projects: ProjectFactory, client: httpx.AsyncClient
) -> None:
    owner = await users.actor()
    project = await projects.project(owner.user)
    await client.get("/api/projects")
    assert (await client.get("/api/projects")).headers.get("x-oxship-cache") == "edge"
    voter = await users.actor()
    assert (await voter.client.post(f"/api/projects/{project['id']}/upvote")).status_code == 200
    fresh = await client.get("/api/projects")
    assert "x-oxship-cache" not in fresh.headers
    assert fresh.json()["data"][0]["upvotes"] == 1


async def test_callers_with_credentials_or_an_origin_never_get_the_edge(
    users: UserFactory, client: httpx.AsyncClient
) -> None:
    reader = await users.actor()
    await client.get("/api/chains")
    assert (await client.get("/api/chains")).headers.get("x-oxship-cache") == "edge"
    mine = await reader.client.get("/api/chains")
    assert "x-oxship-cache" not in mine.headers
    cors = await client.get("/api/chains", headers={"Origin": "https://example.com"})
    assert "x-oxship-cache" not in cors.headers


async def test_an_entry_filled_for_an_admin_is_never_served_anonymously(
    users: UserFactory, client: httpx.AsyncClient
) -> None:
    admin = await users.admin()
    owner = await users.actor()
    await owner.client.post(
        "/api/chains",
        json={"name": "Hidden edge chain", "description": "Private club here.", "is_public": False},
    )
    for _ in range(2):
        listed = await admin.client.get("/api/chains", params={"visibility": "all"})
        assert listed.status_code == 200
    anonymous = await client.get("/api/chains", params={"visibility": "all"})
    assert anonymous.status_code == 403
