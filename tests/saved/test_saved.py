"""Saved projects: save, unsave, check, my-saved, `save_count` and the caller's `is_saved`."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.auth.rows import Rows
from tests.factories.projects import ProjectFactory
from tests.factories.users import Actor, UserFactory

SAVE = "/api/saved/save/{}"
UNSAVE = "/api/saved/unsave/{}"
CHECK = "/api/saved/check/{}"
MY_SAVED = "/api/saved/my-saved"


@pytest.fixture
async def saver(users: UserFactory) -> Actor:
    """The caller who saves projects."""
    return await users.actor()


@pytest.fixture
async def project(users: UserFactory, projects: ProjectFactory) -> dict[str, Any]:
    """Someone's live project."""
    return await projects.project(await users.user(), title="Saveable project")


async def _save_count(client: httpx.AsyncClient, project_id: str) -> int:
    response = await client.get(f"/api/projects/{project_id}")
    assert response.status_code == 200
    count: int = response.json()["data"]["save_count"]
    return count


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", SAVE), ("DELETE", UNSAVE), ("GET", CHECK), ("GET", MY_SAVED)],
)
async def test_every_route_needs_a_user(client: httpx.AsyncClient, method: str, path: str) -> None:
    response = await client.request(method, path.format(uuid.uuid4()))

    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"


@pytest.mark.parametrize(("method", "path"), [("POST", SAVE), ("DELETE", UNSAVE), ("GET", CHECK)])
async def test_a_malformed_project_id_is_422(saver: Actor, method: str, path: str) -> None:
    response = await saver.client.request(method, path.format("not-a-uuid"))

    assert response.status_code == 422
    assert response.json()["details"][0]["field"] == "project_id"


async def test_save_is_201_and_moves_save_count_once(
    saver: Actor, project: dict[str, Any], client: httpx.AsyncClient
) -> None:
    assert await _save_count(client, project["id"]) == 0  # cached anonymous detail

    response = await saver.client.post(SAVE.format(project["id"]))

    assert response.status_code == 201
    assert response.json()["data"] == {"saved": True, "save_count": 1}
    assert await _save_count(client, project["id"]) == 1


async def test_saving_twice_is_409_and_the_count_moves_once(
    saver: Actor, project: dict[str, Any], client: httpx.AsyncClient
) -> None:
    await saver.client.post(SAVE.format(project["id"]))

    again = await saver.client.post(SAVE.format(project["id"]))

    assert again.status_code == 409
    assert again.json()["error"] == "conflict"
    assert await _save_count(client, project["id"]) == 1


async def test_saves_of_several_users_add_up(
    users: UserFactory, project: dict[str, Any], client: httpx.AsyncClient
) -> None:
    for _ in range(3):
        response = await (await users.actor()).client.post(SAVE.format(project["id"]))
        assert response.status_code == 201

    assert await _save_count(client, project["id"]) == 3


async def test_one_may_save_ones_own_project(saver: Actor, projects: ProjectFactory) -> None:
    own = await projects.project(saver.user)

    response = await saver.client.post(SAVE.format(own["id"]))

    assert response.status_code == 201


async def test_unsave_removes_the_save_and_moves_the_count_back(
    saver: Actor, project: dict[str, Any], client: httpx.AsyncClient
) -> None:
    await saver.client.post(SAVE.format(project["id"]))

    response = await saver.client.delete(UNSAVE.format(project["id"]))
    again = await saver.client.delete(UNSAVE.format(project["id"]))

    assert response.status_code == 200
    assert response.json()["data"] == {"saved": False, "save_count": 0}
    assert again.status_code == 404
    assert again.json()["error"] == "not_found"
    assert await _save_count(client, project["id"]) == 0


async def test_unsave_of_a_project_never_saved_is_404(
    saver: Actor, users: UserFactory, project: dict[str, Any], client: httpx.AsyncClient
) -> None:
    other = await users.actor()
    await other.client.post(SAVE.format(project["id"]))

    response = await saver.client.delete(UNSAVE.format(project["id"]))

    assert response.status_code == 404
    assert await _save_count(client, project["id"]) == 1


async def test_an_unknown_project_cannot_be_saved_or_checked(saver: Actor) -> None:
    missing = uuid.uuid4()

    saved = await saver.client.post(SAVE.format(missing))
    checked = await saver.client.get(CHECK.format(missing))

    assert saved.status_code == 404
    assert checked.status_code == 404


async def test_a_deleted_project_cannot_be_saved(
    saver: Actor, users: UserFactory, projects: ProjectFactory
) -> None:
    owner = await users.actor()
    doomed = await projects.project(owner.user)
    assert (await owner.client.delete(f"/api/projects/{doomed['id']}")).status_code == 200

    response = await saver.client.post(SAVE.format(doomed["id"]))

    assert response.status_code == 404


async def test_a_banned_owners_project_cannot_be_saved(
    saver: Actor, users: UserFactory, projects: ProjectFactory, rows: Rows
) -> None:
    owner = await users.user()
    hidden = await projects.project(owner)
    await rows.ban(owner.id)

    response = await saver.client.post(SAVE.format(hidden["id"]))

    assert response.status_code == 404


async def test_check_says_whether_the_caller_saved_it(
    saver: Actor, users: UserFactory, project: dict[str, Any]
) -> None:
    other = await users.actor()
    before = await saver.client.get(CHECK.format(project["id"]))
    await saver.client.post(SAVE.format(project["id"]))
    after = await saver.client.get(CHECK.format(project["id"]))
    others_view = await other.client.get(CHECK.format(project["id"]))
    await saver.client.delete(UNSAVE.format(project["id"]))
    removed = await saver.client.get(CHECK.format(project["id"]))

    assert before.json()["data"] == {"saved": False}
    assert after.json()["data"] == {"saved": True}
    assert others_view.json()["data"] == {"saved": False}
    assert removed.json()["data"] == {"saved": False}
    assert after.headers["Cache-Control"] == "private, no-store"


async def test_is_saved_on_the_project_is_only_the_savers(
    saver: Actor, users: UserFactory, project: dict[str, Any], client: httpx.AsyncClient
) -> None:
    other = await users.actor()
    path = f"/api/projects/{project['id']}"
    await client.get(path)  # the anonymous body is cached before the save
    await saver.client.post(SAVE.format(project["id"]))

    mine = await saver.client.get(path)
    theirs = await other.client.get(path)
    anonymous = await client.get(path)

    assert mine.json()["data"]["is_saved"] is True
    assert theirs.json()["data"]["is_saved"] is False
    assert anonymous.json()["data"]["is_saved"] is False
    assert {r.json()["data"]["save_count"] for r in (mine, theirs, anonymous)} == {1}
    assert mine.headers["ETag"] != anonymous.headers["ETag"]
    assert mine.headers["Cache-Control"].startswith("private")
    assert anonymous.headers["Cache-Control"].startswith("public")
    revalidated = await client.get(path, headers={"If-None-Match": anonymous.headers["ETag"]})
    assert revalidated.status_code == 304


async def test_is_saved_in_the_feed_is_only_the_savers(
    saver: Actor, users: UserFactory, project: dict[str, Any], client: httpx.AsyncClient
) -> None:
    other = await users.actor()
    await client.get("/api/projects")
    await saver.client.post(SAVE.format(project["id"]))

    def flag(response: httpx.Response) -> tuple[bool, int]:
        [item] = [p for p in response.json()["data"] if p["id"] == project["id"]]
        return item["is_saved"], item["save_count"]

    assert flag(await saver.client.get("/api/projects")) == (True, 1)
    assert flag(await other.client.get("/api/projects")) == (False, 1)
    assert flag(await client.get("/api/projects")) == (False, 1)


async def test_my_saved_lists_the_callers_saves_newest_first(
    saver: Actor, users: UserFactory, projects: ProjectFactory
) -> None:
    owner = await users.user()
    made = [await projects.project(owner, title=f"Saved number {i}") for i in range(3)]
    unsaved = await projects.project(owner)
    for p in made:
        assert (await saver.client.post(SAVE.format(p["id"]))).status_code == 201
    other = await users.actor()
    await other.client.post(SAVE.format(unsaved["id"]))

    response = await saver.client.get(MY_SAVED)

    assert response.status_code == 200
    body = response.json()
    assert [p["id"] for p in body["data"]] == [p["id"] for p in reversed(made)]
    assert body["pagination"]["total"] == 3
    first = body["data"][0]
    assert first["is_saved"] is True
    assert first["save_count"] == 1
    assert first["saved_at"].endswith("Z")
    assert first["creator"]["id"] == str(owner.id)
    assert first["user_vote"] is None
    assert response.headers["Cache-Control"] == "private, no-store"


async def test_my_saved_paginates(
    saver: Actor, users: UserFactory, projects: ProjectFactory
) -> None:
    owner = await users.user()
    made = [await projects.project(owner) for _ in range(5)]
    for p in made:
        await saver.client.post(SAVE.format(p["id"]))

    response = await saver.client.get(MY_SAVED, params={"page": 2, "per_page": 2})

    body = response.json()
    assert [p["id"] for p in body["data"]] == [made[2]["id"], made[1]["id"]]
    assert body["pagination"] == {
        "page": 2,
        "per_page": 2,
        "total": 5,
        "total_pages": 3,
        "has_next": True,
        "has_prev": True,
    }


@pytest.mark.parametrize("params", [{"page": 0}, {"per_page": 0}, {"per_page": "x"}])
async def test_my_saved_refuses_bad_pagination(saver: Actor, params: dict[str, Any]) -> None:
    response = await saver.client.get(MY_SAVED, params=params)

    assert response.status_code == 422


async def test_deleted_and_banned_owners_projects_never_appear_in_my_saved(
    saver: Actor, users: UserFactory, projects: ProjectFactory, rows: Rows
) -> None:
    owner = await users.actor()
    banned = await users.user()
    kept = await projects.project(owner.user)
    deleted = await projects.project(owner.user)
    hidden = await projects.project(banned)
    for p in (kept, deleted, hidden):
        await saver.client.post(SAVE.format(p["id"]))
    await owner.client.delete(f"/api/projects/{deleted['id']}")
    await rows.ban(banned.id)

    response = await saver.client.get(MY_SAVED)

    assert [p["id"] for p in response.json()["data"]] == [kept["id"]]
    assert response.json()["pagination"]["total"] == 1


async def test_a_save_of_a_deleted_project_can_still_be_removed(
    saver: Actor, users: UserFactory, projects: ProjectFactory
) -> None:
    owner = await users.actor()
    doomed = await projects.project(owner.user)
    await saver.client.post(SAVE.format(doomed["id"]))
    await owner.client.delete(f"/api/projects/{doomed['id']}")

    response = await saver.client.delete(UNSAVE.format(doomed["id"]))

    assert response.status_code == 200
    assert response.json()["data"] == {"saved": False, "save_count": 0}


@pytest.mark.parametrize("per_page", [1, 20, 100])
async def test_my_saved_runs_the_same_statements_whatever_the_page_size(
    saver: Actor,
    users: UserFactory,
    projects: ProjectFactory,
    query_count: Callable[[int], Any],
    per_page: int,
) -> None:
    owner = await users.user()
    for i in range(4):
        p = await projects.project(
            owner, screenshot_urls=[f"https://img.example.com/{i}.png"], categories=["AI"]
        )
        await saver.client.post(SAVE.format(p["id"]))

    # token session, total, rows, screenshots, badges, chains, caller votes and saves
    with query_count(7):
        response = await saver.client.get(MY_SAVED, params={"per_page": per_page})

    assert response.status_code == 200
    assert len(response.json()["data"]) == min(per_page, 4)


async def test_the_savers_read_on_a_cold_cache_does_not_leak_into_the_shared_body(
    saver: Actor, project: dict[str, Any], client: httpx.AsyncClient
) -> None:
    await saver.client.post(SAVE.format(project["id"]))
    path = f"/api/projects/{project['id']}"

    mine = await saver.client.get(path)  # fills the shared entry, overlays a private copy
    anonymous = await client.get(path)

    assert mine.json()["data"]["is_saved"] is True
    assert anonymous.json()["data"]["is_saved"] is False
    assert anonymous.json()["data"]["save_count"] == 1
