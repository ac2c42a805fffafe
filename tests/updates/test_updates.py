"""Project updates: the owner posts, the author edits and deletes, everyone reads (cached)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.auth.rows import Rows
from tests.factories.projects import ProjectFactory
from tests.factories.users import Actor, UserFactory
from tests.updates.conftest import update_body

UPDATE_TYPES = [
    "investment",
    "hackathon_win",
    "milestone",
    "feature_launch",
    "partnership",
    "announcement",
]


def updates_of(project: dict[str, Any]) -> str:
    return f"/api/projects/{project['id']}/updates"


async def _post(owner: Actor, project: dict[str, Any], **fields: Any) -> dict[str, Any]:
    response = await owner.client.post(updates_of(project), json=update_body(**fields))
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


async def test_the_owner_posts_an_update(owner: Actor, project: dict[str, Any]) -> None:
    response = await owner.client.post(
        updates_of(project),
        json=update_body(
            update_type="investment",
            title="  Seed round closed  ",
            metadata={"amount": 1_500_000, "investor": "Acme Ventures", "lead": True},
            color="purple",
            unknown_field="ignored",
        ),
    )

    assert response.status_code == 201
    data = response.json()["data"]
    assert data["project_id"] == project["id"]
    assert data["user_id"] == str(owner.user.id)
    assert data["update_type"] == "investment"
    assert data["title"] == "Seed round closed"
    assert data["metadata"] == {"amount": 1_500_000, "investor": "Acme Ventures", "lead": True}
    assert data["color"] == "purple"
    assert data["created_at"].endswith("Z")


@pytest.mark.parametrize(
    ("update_type", "color"),
    [
        ("investment", "green"),
        ("hackathon_win", "yellow"),
        ("milestone", "blue"),
        ("feature_launch", "purple"),
        ("partnership", "pink"),
        ("announcement", "blue"),
    ],
)
async def test_every_type_is_accepted_with_a_default_colour(
    owner: Actor, project: dict[str, Any], update_type: str, color: str
) -> None:
    data = await _post(owner, project, update_type=update_type)

    assert data["update_type"] == update_type
    assert data["color"] == color
    assert data["metadata"] == {}


async def test_limits_at_their_edges_are_accepted(owner: Actor, project: dict[str, Any]) -> None:
    metadata: dict[str, Any] = {f"k{i}": i for i in range(19)}
    metadata["x" * 50] = "y" * 500

    data = await _post(owner, project, title="t" * 200, content="c" * 5000, metadata=metadata)

    assert len(data["title"]) == 200
    assert len(data["content"]) == 5000
    assert len(data["metadata"]) == 20


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": None}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "t" * 201}, "title"),
        ({"content": None}, "content"),
        ({"content": ""}, "content"),
        ({"content": "c" * 5001}, "content"),
        ({"update_type": None}, "update_type"),
        ({"update_type": "rumour"}, "update_type"),
        ({"color": "orange"}, "color"),
        ({"metadata": {f"k{i}": i for i in range(21)}}, "metadata"),
        ({"metadata": ["amount"]}, "metadata"),
        ({"metadata": {"k" * 51: 1}}, f"metadata.{'k' * 51}.[key]"),
        ({"metadata": {" ": 1}}, "metadata. .[key]"),
        ({"metadata": {"nested": {"a": 1}}}, "metadata.nested"),
        ({"metadata": {"list": [1, 2]}}, "metadata.list"),
        ({"metadata": {"long": "v" * 501}}, "metadata.long"),
        ({"metadata": {"huge": 2**64}}, "metadata.huge"),
    ],
)
async def test_invalid_bodies_are_422_naming_the_field(
    owner: Actor, project: dict[str, Any], fields: dict[str, Any], field: str
) -> None:
    response = await owner.client.post(updates_of(project), json=update_body(**fields))

    assert response.status_code == 422, response.text
    assert response.json()["error"] == "validation_error"
    assert field in [d["field"] for d in response.json()["details"]]


async def test_nul_characters_are_refused(owner: Actor, project: dict[str, Any]) -> None:
    body = update_body(metadata={"partner": "bad\u0000name"})

    response = await owner.client.post(updates_of(project), json=body)

    assert response.status_code == 422


async def test_a_non_finite_number_in_metadata_is_422(
    owner: Actor, project: dict[str, Any]
) -> None:
    raw = b'{"update_type": "milestone", "title": "t", "content": "c", "metadata": {"x": NaN}}'

    response = await owner.client.post(
        updates_of(project), content=raw, headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 422, response.text
    assert response.json()["details"][0]["field"] == "metadata.x"


async def test_a_missing_body_is_422(owner: Actor, project: dict[str, Any]) -> None:
    response = await owner.client.post(updates_of(project))

    assert response.status_code == 422


async def test_only_the_owner_may_post(
    users: UserFactory, project: dict[str, Any], client: httpx.AsyncClient
) -> None:
    stranger = await users.actor()
    admin = await users.admin()

    by_stranger = await stranger.client.post(updates_of(project), json=update_body())
    by_admin = await admin.client.post(updates_of(project), json=update_body())
    anonymous = await client.post(updates_of(project), json=update_body())

    assert by_stranger.status_code == 403
    assert by_admin.status_code == 403
    assert anonymous.status_code == 401


async def test_no_updates_on_a_deleted_or_unknown_project(
    owner: Actor, project: dict[str, Any], client: httpx.AsyncClient
) -> None:
    await _post(owner, project)
    await client.get(updates_of(project))  # cached before the deletion
    assert (await owner.client.delete(f"/api/projects/{project['id']}")).status_code == 200

    posted = await owner.client.post(updates_of(project), json=update_body())
    listed = await client.get(updates_of(project))
    unknown = await client.get(f"/api/projects/{uuid.uuid4()}/updates")
    malformed = await client.get("/api/projects/nope/updates")

    assert posted.status_code == 404
    assert listed.status_code == 404
    assert unknown.status_code == 404
    assert malformed.status_code == 422


async def test_a_banned_owners_project_has_no_updates_list(
    owner: Actor, project: dict[str, Any], client: httpx.AsyncClient, rows: Rows
) -> None:
    await _post(owner, project)
    await rows.ban(owner.user.id)

    response = await client.get(updates_of(project))

    assert response.status_code == 404


async def test_the_list_is_public_newest_first_and_paginated(
    owner: Actor, project: dict[str, Any], projects: ProjectFactory, client: httpx.AsyncClient
) -> None:
    posted = [await _post(owner, project, title=f"Update {i}") for i in range(5)]
    other = await projects.project(owner.user)
    await _post(owner, other, title="elsewhere")

    everything = await client.get(updates_of(project))
    page2 = await client.get(updates_of(project), params={"page": 2, "per_page": 2})

    assert everything.status_code == 200
    assert [u["id"] for u in everything.json()["data"]] == [u["id"] for u in reversed(posted)]
    assert everything.json()["pagination"]["total"] == 5
    assert [u["title"] for u in page2.json()["data"]] == ["Update 2", "Update 1"]
    assert page2.json()["pagination"]["has_next"] is True


async def test_the_list_is_cached_with_etags_and_refreshed_by_writes(
    owner: Actor, project: dict[str, Any], client: httpx.AsyncClient
) -> None:
    first = await _post(owner, project, title="First")
    listed = await client.get(updates_of(project))
    etag = listed.headers["ETag"]
    assert listed.headers["Cache-Control"].startswith("public")

    not_modified = await client.get(updates_of(project), headers={"If-None-Match": etag})
    second = await _post(owner, project, title="Second")
    after_post = await client.get(updates_of(project), headers={"If-None-Match": etag})
    await owner.client.put(f"{updates_of(project)}/{first['id']}", json={"title": "First, edited"})
    after_edit = await client.get(updates_of(project))
    await owner.client.delete(f"{updates_of(project)}/{second['id']}")
    after_delete = await client.get(updates_of(project))

    assert not_modified.status_code == 304
    assert after_post.status_code == 200
    assert [u["title"] for u in after_post.json()["data"]] == ["Second", "First"]
    assert [u["title"] for u in after_edit.json()["data"]] == ["Second", "First, edited"]
    assert [u["title"] for u in after_delete.json()["data"]] == ["First, edited"]


@pytest.mark.parametrize(
    "params", [{"page": 0}, {"per_page": 101}, {"per_page": "lots"}, {"page": "x"}]
)
async def test_bad_pagination_is_422(
    project: dict[str, Any], client: httpx.AsyncClient, params: dict[str, Any]
) -> None:
    response = await client.get(updates_of(project), params=params)

    assert response.status_code == 422


async def test_the_author_edits_only_the_fields_sent(owner: Actor, project: dict[str, Any]) -> None:
    posted = await _post(owner, project, metadata={"metric": "1k users"}, color="green")

    response = await owner.client.put(
        f"{updates_of(project)}/{posted['id']}",
        json={"content": "Now with more users.", "metadata": {"metric": "2k users"}},
    )

    assert response.status_code == 200
    data = response.json()["data"]
    assert data["content"] == "Now with more users."
    assert data["metadata"] == {"metric": "2k users"}
    assert data["title"] == posted["title"]
    assert data["color"] == "green"
    assert data["update_type"] == "milestone"
    assert data["updated_at"] > posted["updated_at"]
    assert data["created_at"] == posted["created_at"]


async def test_an_empty_edit_changes_nothing(owner: Actor, project: dict[str, Any]) -> None:
    posted = await _post(owner, project)

    response = await owner.client.put(f"{updates_of(project)}/{posted['id']}", json={})

    assert response.status_code == 200
    assert response.json()["data"] == posted


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": None}, "title"),
        ({"content": None}, "content"),
        ({"update_type": None}, "update_type"),
        ({"color": None}, "color"),
        ({"metadata": None}, "metadata"),
        ({"title": "t" * 201}, "title"),
        ({"update_type": "gossip"}, "update_type"),
        ({"metadata": {"k": {"deep": True}}}, "metadata.k"),
    ],
)
async def test_invalid_edits_are_422(
    owner: Actor, project: dict[str, Any], body: dict[str, Any], field: str
) -> None:
    posted = await _post(owner, project)

    response = await owner.client.put(f"{updates_of(project)}/{posted['id']}", json=body)

    assert response.status_code == 422
    assert response.json()["details"][0]["field"] == field


async def test_only_the_author_may_edit_or_delete(
    owner: Actor, project: dict[str, Any], users: UserFactory, client: httpx.AsyncClient
) -> None:
    posted = await _post(owner, project)
    path = f"{updates_of(project)}/{posted['id']}"
    stranger = await users.actor()
    admin = await users.admin()

    assert (await stranger.client.put(path, json={"title": "Hijacked"})).status_code == 403
    assert (await stranger.client.delete(path)).status_code == 403
    assert (await admin.client.delete(path)).status_code == 403
    assert (await client.put(path, json={"title": "x"})).status_code == 401
    assert (await client.delete(path)).status_code == 401
    listed = await client.get(updates_of(project))
    assert [u["title"] for u in listed.json()["data"]] == [posted["title"]]


async def test_an_update_is_reached_only_through_its_own_project(
    owner: Actor, project: dict[str, Any], projects: ProjectFactory
) -> None:
    posted = await _post(owner, project)
    other = await projects.project(owner.user)
    wrong = f"{updates_of(other)}/{posted['id']}"

    edited = await owner.client.put(wrong, json={"title": "Moved?"})
    deleted = await owner.client.delete(wrong)
    unknown = await owner.client.put(f"{updates_of(project)}/{uuid.uuid4()}", json={"title": "x"})
    malformed = await owner.client.delete(f"{updates_of(project)}/nope")

    assert edited.status_code == 404
    assert deleted.status_code == 404
    assert unknown.status_code == 404
    assert malformed.status_code == 422
    assert malformed.json()["details"][0]["field"] == "update_id"


async def test_the_author_deletes_an_update(owner: Actor, project: dict[str, Any]) -> None:
    posted = await _post(owner, project)
    path = f"{updates_of(project)}/{posted['id']}"

    response = await owner.client.delete(path)
    again = await owner.client.delete(path)

    assert response.status_code == 200
    assert response.json()["data"] == {"deleted": True}
    assert again.status_code == 404
    listed = await owner.client.get(updates_of(project))
    assert listed.json()["data"] == []


@pytest.mark.parametrize("per_page", [1, 20, 100])
async def test_the_list_runs_the_same_statements_whatever_the_page_size(
    owner: Actor,
    project: dict[str, Any],
    client: httpx.AsyncClient,
    query_count: Callable[[int], Any],
    per_page: int,
) -> None:
    for i in range(4):
        await _post(owner, project, title=f"Update {i}", metadata={"n": i})

    # live project check, total, rows
    with query_count(3):
        response = await client.get(updates_of(project), params={"per_page": per_page})

    assert response.status_code == 200
    assert len(response.json()["data"]) == min(per_page, 4)
