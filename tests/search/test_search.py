"""Search (API §3.19): ranking, typo tolerance, visibility, filters, shapes, validation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.chains.conftest import make_chain
from tests.events.conftest import make_event
from tests.factories.projects import ProjectFactory
from tests.factories.users import UserFactory

SEARCH = "/api/search"
FILLER = "A project description that is comfortably longer than fifty characters in total."


async def search(client: httpx.AsyncClient, q: str, **params: Any) -> dict[str, Any]:
    response = await client.get(SEARCH, params={"q": q, **params})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def titles(client: httpx.AsyncClient, q: str, **params: Any) -> list[str]:
    body = await search(client, q, type="projects", **params)
    return [p["title"] for p in body["data"]]


async def test_title_ranks_above_tagline_above_description(
    client: httpx.AsyncClient, users: UserFactory, projects: ProjectFactory
) -> None:
    owner = await users.user()
    await projects.project(owner, title="Plain thing", description=f"{FILLER} zephyrwave inside.")
    await projects.project(owner, title="Zephyrwave Studio")
    await projects.project(owner, title="Other thing", tagline="Built on zephyrwave tech")
    await projects.project(owner, title="Unrelated", description=FILLER)

    body = await search(client, "zephyrwave", type="projects")

    assert [p["title"] for p in body["data"]] == ["Zephyrwave Studio", "Other thing", "Plain thing"]
    scores = [p["score"] for p in body["data"]]
    assert scores == sorted(scores, reverse=True)
    assert len(set(scores)) == 3
    assert body["pagination"]["total"] == 3


async def test_a_word_prefix_matches(
    client: httpx.AsyncClient, users: UserFactory, projects: ProjectFactory
) -> None:
    owner = await users.user()
    await projects.project(owner, title="Photosynthetic Robots")
    assert await titles(client, "photosyn") == ["Photosynthetic Robots"]


async def test_one_letter_typos_still_find_each_type(
    client: httpx.AsyncClient, users: UserFactory, projects: ProjectFactory
) -> None:
    owner = await users.actor(username="marigoldsmith", display_name="Marigold Smith")
    await projects.project(owner.user, title="Blockchain Voting Ledger")
    await make_chain(owner.client, "Quantumleap Builders")
    await make_event(owner.client, "Supernovafest")

    assert await titles(client, "blokchain") == ["Blockchain Voting Ledger"]
    found = await search(client, "marigoldsmth", type="users")
    assert [u["username"] for u in found["data"]] == ["marigoldsmith"]
    found = await search(client, "quantumlaep", type="chains")
    assert [c["name"] for c in found["data"]] == ["Quantumleap Builders"]
    found = await search(client, "supernovfest", type="events")
    assert [e["name"] for e in found["data"]] == ["Supernovafest"]
    # A query sharing too little with any name finds nothing.
    assert (await search(client, "xqzvbnmwk", type="all"))["meta"]["totals"] == {
        "projects": 0,
        "users": 0,
        "chains": 0,
        "events": 0,
    }


async def test_exact_matches_rank_above_typo_matches(
    client: httpx.AsyncClient, users: UserFactory, projects: ProjectFactory
) -> None:
    owner = await users.user()
    await projects.project(owner, title="Marblecraft")
    await projects.project(owner, title="Other", description=f"{FILLER} marblecraft")
    await projects.project(owner, title="Marblecrafts")  # matched by prefix too
    await projects.project(owner, title="Marblecrapt")  # typo-only match

    found = await titles(client, "marblecraft")
    assert found[-1] == "Marblecrapt"
    assert set(found) == {"Marblecraft", "Other", "Marblecrafts", "Marblecrapt"}


async def test_type_all_returns_each_type_with_totals(
    client: httpx.AsyncClient, users: UserFactory, projects: ProjectFactory
) -> None:
    owner = await users.actor(username="nebulith_dev", display_name="Nebulith Dev")
    await projects.project(owner.user, title="Nebulith Engine")
    await projects.project(owner.user, title="Nebulith Console")
    await make_chain(owner.client, "Nebulith Circle")
    await make_event(owner.client, "Nebulith Summit")

    body = await search(client, "nebulith", per_page=1)

    assert body["status"] == "success"
    assert set(body["data"]) == {"projects", "users", "chains", "events"}
    assert body["meta"] == {
        "query": "nebulith",
        "type": "all",
        "totals": {"projects": 2, "users": 1, "chains": 1, "events": 1},
        "page": 1,
        "per_page": 1,
    }
    assert [len(body["data"][k]) for k in ("projects", "users", "chains", "events")] == [1] * 4
    assert body["data"]["users"][0]["username"] == "nebulith_dev"
    assert body["data"]["chains"][0]["slug"]
    assert body["data"]["events"][0]["organizer"]["username"] == "nebulith_dev"
    assert all("score" in body["data"][k][0] for k in body["data"])

    second = await search(client, "nebulith", per_page=1, page=2)
    assert len(second["data"]["projects"]) == 1
    assert second["data"]["users"] == []
    assert second["data"]["projects"][0]["id"] != body["data"]["projects"][0]["id"]


async def test_project_filters_apply(
    client: httpx.AsyncClient, users: UserFactory, projects: ProjectFactory
) -> None:
    owner = await users.user()
    await projects.project(owner, title="Orchidflux Lending", categories=["DeFi"])
    await projects.project(
        owner, title="Orchidflux Games", categories=["Gaming"], github_url="https://github.com/a/b"
    )

    assert await titles(client, "orchidflux", category="defi") == ["Orchidflux Lending"]
    assert await titles(client, "orchidflux", has_github="true") == ["Orchidflux Games"]
    assert await titles(client, "orchidflux", category="nothing") == []
    body = await search(client, "orchidflux", category="defi")
    assert body["meta"]["totals"]["projects"] == 1
    bad = await client.get(SEARCH, params={"q": "orchidflux", "min_score": "101"})
    assert bad.status_code == 422


async def test_emails_are_never_matched_nor_returned(
    client: httpx.AsyncClient, users: UserFactory
) -> None:
    await users.user(username="plainname", display_name="Plain Name", email="xyzzyqa@mailbox.test")

    assert (await search(client, "xyzzyqa", type="users"))["pagination"]["total"] == 0
    assert (await search(client, "mailbox", type="users"))["pagination"]["total"] == 0
    response = await client.get(SEARCH, params={"q": "plainname"})
    assert response.status_code == 200
    assert [u["username"] for u in response.json()["data"]["users"]] == ["plainname"]
    assert "xyzzyqa" not in response.text
    assert "email" not in response.json()["data"]["users"][0]


async def test_private_chains_deleted_projects_and_banned_owners_are_excluded(
    client: httpx.AsyncClient, users: UserFactory, projects: ProjectFactory
) -> None:
    admin = await users.admin()
    owner = await users.actor(username="hollowpine_maker")
    banned = await users.actor(username="hollowpine_banned")
    await make_chain(owner.client, "Hollowpine Secret", is_public=False)
    await make_chain(owner.client, "Hollowpine Open")
    kept = await projects.project(owner.user, title="Hollowpine Kept")
    gone = await projects.project(owner.user, title="Hollowpine Gone")
    await projects.project(banned.user, title="Hollowpine Banned")
    assert (await owner.client.delete(f"/api/projects/{gone['id']}")).status_code == 200
    ban = await admin.client.post(f"/api/admin/users/{banned.user.id}/ban", json={"reason": "x"})
    assert ban.status_code == 200, ban.text

    body = await search(client, "hollowpine")

    assert [p["id"] for p in body["data"]["projects"]] == [kept["id"]]
    assert [c["name"] for c in body["data"]["chains"]] == ["Hollowpine Open"]
    assert [u["username"] for u in body["data"]["users"]] == ["hollowpine_maker"]
    assert body["meta"]["totals"] == {"projects": 1, "users": 1, "chains": 1, "events": 0}
    # Not even the owner finds the private chain by search.
    mine = await search(owner.client, "hollowpine secret", type="chains")
    assert "Hollowpine Secret" not in [c["name"] for c in mine["data"]]


async def test_deleted_events_are_excluded(client: httpx.AsyncClient, users: UserFactory) -> None:
    organizer = await users.actor()
    event = await make_event(organizer.client, "Glowmoth Jam")
    await make_event(organizer.client, "Glowmoth Meetup")
    assert (await organizer.client.delete(f"/api/events/{event['slug']}")).status_code == 200
    found = await search(client, "glowmoth", type="events")
    assert [e["name"] for e in found["data"]] == ["Glowmoth Meetup"]


@pytest.mark.parametrize("q", ["a", " a ", "  ", "x" * 201])
async def test_q_must_be_2_to_200_characters(client: httpx.AsyncClient, q: str) -> None:
    response = await client.get(SEARCH, params={"q": q})
    assert response.status_code == 422, response.text
    assert response.json()["status"] == "error"


async def test_q_is_required_and_type_is_checked(client: httpx.AsyncClient) -> None:
    assert (await client.get(SEARCH)).status_code == 422
    assert (await client.get(SEARCH, params={"q": "ok ok", "type": "posts"})).status_code == 422
    assert (await client.get(SEARCH, params={"q": "x" * 200})).status_code == 200


@pytest.mark.parametrize(
    "q",
    [
        '""',
        '" "',
        '"a',
        "**",
        "foo*",
        "NEAR(",
        "NEAR(a b, 2)",
        "-foo",
        "a - b",
        "title:foo",
        ":x",
        "^foo",
        "(((",
        "a AND OR NOT b",
        "'quoted'",
        "\\\\",
        "%_",
        "{a b}",
        "!!",
        "a&b|c!d",
        "é漢字",
        "a\x00b",
    ],
)
async def test_query_syntax_never_breaks_search(
    client: httpx.AsyncClient, users: UserFactory, projects: ProjectFactory, q: str
) -> None:
    owner = await users.user()
    await projects.project(owner, title='Title with "quotes" and NEAR(a b) -foo :x')
    expected = 422 if "\x00" in q else 200  # NUL is refused by the input guard
    for kind in ("all", "projects", "users", "chains", "events"):
        response = await client.get(SEARCH, params={"q": q, "type": kind})
        assert response.status_code == expected, (q, kind, response.text)


async def test_pagination_of_one_type(
    client: httpx.AsyncClient, users: UserFactory, projects: ProjectFactory
) -> None:
    owner = await users.user()
    for n in range(5):
        await projects.project(owner, title=f"Pagewords item {n}")

    pages = [
        await search(client, "pagewords", type="projects", per_page=2, page=p) for p in (1, 2, 3)
    ]

    assert [len(p["data"]) for p in pages] == [2, 2, 1]
    ids = [item["id"] for p in pages for item in p["data"]]
    assert len(set(ids)) == 5
    assert pages[0]["pagination"] == {
        "page": 1,
        "per_page": 2,
        "total": 5,
        "total_pages": 3,
        "has_next": True,
        "has_prev": False,
    }
    beyond = await search(client, "pagewords", type="projects", per_page=2, page=9)
    assert beyond["data"] == []
    assert beyond["pagination"]["total"] == 5


async def test_signed_in_callers_get_their_overlay(
    users: UserFactory, projects: ProjectFactory
) -> None:
    caller = await users.actor()
    owner = await users.user()
    project = await projects.project(owner, title="Overlaywing Tool")
    saved = await caller.client.post(f"/api/saved/save/{project['id']}")
    assert saved.status_code in (200, 201), saved.text
    body = await search(caller.client, "overlaywing", type="projects")
    assert body["data"][0]["is_saved"] is True


async def test_statements_do_not_grow_with_the_page(
    client: httpx.AsyncClient,
    users: UserFactory,
    projects: ProjectFactory,
    query_count: Callable[[int], Any],
) -> None:
    owner = await users.user()
    for n in range(4):
        await projects.project(owner, title=f"Statementcount item {n}")
    with query_count(5):  # count + page + screenshots, badges, chains of the projects
        body = await search(client, "statementcount", type="projects")
    assert len(body["data"]) == 4
    with query_count(1):  # nothing found: the count only
        await search(client, "nomatchatallqq", type="projects")
    with query_count(8):  # type=all: 4 counts, 1 page (only projects match), the JSON's 3
        await search(client, "statementcount")
