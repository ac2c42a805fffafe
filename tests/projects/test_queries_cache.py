"""Fixed SQL statement counts of the lists and the detail, ETag/304, read-your-writes, and
per-caller fields that never leak between callers (API §1.3, §5.2, §5.4)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from oxship.projects.cache import FEED, TAGGED, project_ns, user_projects_ns
from oxship.runtime import Runtime
from tests.factories.projects import ProjectFactory
from tests.factories.users import Actor, UserFactory
from tests.projects.conftest import ProjectRows
from tests.support.queries import count_queries

SHOTS = [f"https://img.example.com/{i}.png" for i in range(3)]
# anonymous cold read of a page: count, page, screenshots, badges, chains
LIST_STATEMENTS = 5
# anonymous cold read of a project: project + creator, screenshots, badges, chains
DETAIL_STATEMENTS = 4
# an authenticated caller adds the token's session+user lookup and the one overlay lookup
CALLER_STATEMENTS = 2


@pytest.fixture
async def dataset(
    users: UserFactory, projects: ProjectFactory, rows: ProjectRows
) -> dict[str, Any]:
    """30 projects of one owner, each with screenshots, tagging a member; badges on 10 of them."""
    owner = await users.user()
    member = await users.user()
    validators = [await users.user(is_validator=True) for _ in range(2)]
    made = []
    for i in range(30):
        made.append(
            await projects.project(
                owner,
                screenshot_urls=SHOTS,
                team_members=[{"name": "Member", "user_id": str(member.id)}],
            )
        )
        if i % 3 == 0:
            for validator in validators:
                await rows.badge(made[-1]["id"], "gold", 15, validator=validator)
    return {"owner": owner, "member": member, "projects": made}


async def _count(engine: Any, client: httpx.AsyncClient, url: str, **params: Any) -> int:
    with count_queries(engine) as log:
        response = await client.get(url, params=params)
    assert response.status_code == 200, response.text
    return log.count


async def test_list_statement_counts_do_not_grow_with_the_page(
    engine: Any, runtime: Runtime, client: httpx.AsyncClient, users: UserFactory, dataset: Any
) -> None:
    reader = await users.actor()
    owner, member = dataset["owner"], dataset["member"]
    lists = {
        "/api/projects": [FEED],
        f"/api/users/{owner.id}/projects": [user_projects_ns(owner.id)],
        f"/api/users/{member.id}/tagged-projects": [TAGGED],
    }
    for url, namespaces in lists.items():
        for per_page in (1, 20, 100):
            await runtime.cache.bump(namespaces)
            anonymous = await _count(engine, client, url, per_page=per_page)
            assert anonymous == LIST_STATEMENTS, (url, per_page)
            await runtime.cache.bump(namespaces)
            caller = await _count(engine, reader.client, url, per_page=per_page)
            assert caller == LIST_STATEMENTS + CALLER_STATEMENTS, (url, per_page)
            # warm: the anonymous body comes from the cache, the overlay still runs
            assert await _count(engine, client, url, per_page=per_page) == 0
            warm = await _count(engine, reader.client, url, per_page=per_page)
            assert warm == CALLER_STATEMENTS, (url, per_page)
        page = await client.get(url, params={"per_page": 100})
        assert len(page.json()["data"]) == 30
        assert all(len(p["screenshots"]) == 3 for p in page.json()["data"])
        assert sum(len(p["badges"]) for p in page.json()["data"]) == 20


async def test_ranking_statement_counts_do_not_grow_with_the_limit(
    engine: Any, runtime: Runtime, client: httpx.AsyncClient, users: UserFactory, dataset: Any
) -> None:
    reader = await users.actor()
    for url in (
        "/api/projects/rising-stars",
        "/api/projects/most-requested",
        "/api/projects/by-category/none",
        "/api/projects/featured",
    ):
        counts = set()
        for limit in (1, 20, 100):
            await runtime.cache.bump([FEED])
            counts.add((await _count(engine, client, url, limit=limit),))
            await runtime.cache.bump([FEED])
            counts.add((await _count(engine, reader.client, url, limit=limit), "caller"))
        assert len(counts) == 2, (url, counts)
    board = set()
    for limit in (1, 20, 100):
        await runtime.cache.bump([FEED])
        board.add(await _count(engine, client, "/api/projects/leaderboard", limit=limit))
    assert len(board) == 1, board


async def test_detail_statement_count(
    engine: Any,
    runtime: Runtime,
    client: httpx.AsyncClient,
    users: UserFactory,
    projects: ProjectFactory,
    dataset: Any,
) -> None:
    reader = await users.actor()
    rich = dataset["projects"][0]
    bare = await projects.project(await users.user())
    for project in (rich, bare):
        ns = [project_ns(project["id"])]
        url = f"/api/projects/{project['id']}"
        await runtime.cache.bump(ns)
        assert await _count(engine, client, url) == DETAIL_STATEMENTS
        await runtime.cache.bump(ns)
        assert await _count(engine, reader.client, url) == DETAIL_STATEMENTS + CALLER_STATEMENTS
        assert await _count(engine, client, url) == 0
        assert await _count(engine, reader.client, url) == CALLER_STATEMENTS
    assert len((await client.get(f"/api/projects/{rich['id']}")).json()["data"]["badges"]) == 2


@pytest.mark.parametrize("kind", ["feed", "detail"])
async def test_etag_and_304(
    client: httpx.AsyncClient, users: UserFactory, projects: ProjectFactory, kind: str
) -> None:
    owner = await users.actor()
    project = await projects.project(owner.user)
    url = "/api/projects" if kind == "feed" else f"/api/projects/{project['id']}"

    first = await client.get(url)
    etag = first.headers["etag"]
    assert etag.startswith('"')
    assert etag.endswith('"')
    assert first.headers["cache-control"].startswith("public")
    again = await client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    weak = await client.get(url, headers={"If-None-Match": f'"other", W/{etag}'})
    assert weak.status_code == 304
    other = await client.get(url, headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200
    assert other.json() == first.json()

    mine = await owner.client.get(url)
    assert mine.headers["cache-control"].startswith("private")
    assert (
        await owner.client.get(url, headers={"If-None-Match": mine.headers["etag"]})
    ).status_code == 304

    edit = await owner.client.patch(f"/api/projects/{project['id']}", json={"title": "Changed!"})
    assert edit.status_code == 200
    changed = await client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag
    assert "Changed!" in changed.text


async def test_the_writer_reads_its_write(users: UserFactory, client: httpx.AsyncClient) -> None:
    owner = await users.actor()
    created = await owner.client.post(
        "/api/projects", json={"title": "Before the edit", "description": "d" * 60}
    )
    pid = created.json()["data"]["id"]
    urls = ["/api/projects", f"/api/projects/{pid}", f"/api/users/{owner.user.id}/projects"]
    for url in urls:  # warm every cache as the owner and as an anonymous reader
        assert "Before the edit" in (await owner.client.get(url)).text
        assert "Before the edit" in (await client.get(url)).text
    await owner.client.patch(f"/api/projects/{pid}", json={"title": "After the edit"})
    for url in urls:
        assert "After the edit" in (await owner.client.get(url)).text, url
        assert "After the edit" in (await client.get(url)).text, url


def _caller_fields(body: dict[str, Any], pid: str) -> list[tuple[Any, Any]]:
    data = body["data"]
    found: list[dict[str, Any]] = []
    if isinstance(data, list):
        found = [p for p in data if p["id"] == pid]
    elif "user_vote" in data:
        found = [data] if data["id"] == pid else []
    else:
        found = [p for key in ("top_projects", "featured") for p in data[key] if p["id"] == pid]
    assert found, body
    return [(p["user_vote"], p["is_saved"]) for p in found]


@pytest.mark.parametrize("anonymous_first", [True, False])
async def test_caller_fields_never_leak(
    users: UserFactory,
    client: httpx.AsyncClient,
    projects: ProjectFactory,
    rows: ProjectRows,
    anonymous_first: bool,
) -> None:
    owner = await users.user()
    admin = await users.admin()
    alice = await users.actor()
    bob = await users.actor()
    project = await projects.project(
        owner, categories=["DeFi"], team_members=[{"name": "Alice", "user_id": str(alice.user.id)}]
    )
    pid = project["id"]
    await admin.client.post(f"/api/projects/{pid}/feature")
    await rows.vote(pid, alice.user, "up")
    await rows.vote(pid, bob.user, "down")
    await rows.save(pid, alice.user)
    await rows.recompute(pid)
    urls = [
        "/api/projects",
        f"/api/projects/{pid}",
        f"/api/users/{owner.id}/projects",
        f"/api/users/{alice.user.id}/tagged-projects",
        "/api/projects/leaderboard",
        "/api/projects/featured",
        "/api/projects/rising-stars",
        "/api/projects/by-category/defi",
        "/api/projects/most-requested",
    ]
    readers: list[tuple[str, httpx.AsyncClient, tuple[Any, Any]]] = [
        ("alice", alice.client, ("up", True)),
        ("bob", bob.client, ("down", False)),
        ("anonymous", client, (None, False)),
    ]
    if anonymous_first:
        readers.reverse()
    for url in urls:
        for _ in range(2):  # cold, then warm
            for name, reader, expected in readers:
                response = await reader.get(url)
                assert response.status_code == 200, response.text
                assert set(_caller_fields(response.json(), pid)) == {expected}, (url, name)
                counts = [(p["upvotes"], p["downvotes"]) for p in _all(response.json(), pid)]
                assert set(counts) == {(1, 1)}, (url, name)


def _all(body: dict[str, Any], pid: str) -> list[dict[str, Any]]:
    data = body["data"]
    if isinstance(data, list):
        return [p for p in data if p["id"] == pid]
    if "user_vote" in data:
        return [data]
    return [p for key in ("top_projects", "featured") for p in data[key] if p["id"] == pid]


async def test_an_overlay_reflects_a_new_vote_at_once(
    users: UserFactory, client: httpx.AsyncClient, projects: ProjectFactory, rows: ProjectRows
) -> None:
    owner = await users.user()
    alice: Actor = await users.actor()
    pid = (await projects.project(owner))["id"]
    url = f"/api/projects/{pid}"
    assert (await alice.client.get(url)).json()["data"]["user_vote"] is None
    await rows.vote(pid, alice.user, "up")
    await rows.recompute(pid)
    assert (await alice.client.get(url)).json()["data"]["user_vote"] == "up"
    assert (await alice.client.get("/api/projects")).json()["data"][0]["user_vote"] == "up"
    anonymous = (await client.get(url)).json()["data"]
    assert anonymous["user_vote"] is None
    assert anonymous["upvotes"] == 1
