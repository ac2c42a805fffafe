"""Projects in events: add, edit results, remove, the list with its sorts and tracks."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from oxship.models import Event, EventProject, Project
from oxship.runtime import Runtime
from tests.events.conftest import make_event
from tests.factories.projects import ProjectFactory
from tests.factories.users import Actor, UserFactory
from tests.support.queries import count_queries


async def _add(actor: Actor, slug: str, project_id: uuid.UUID, **fields: Any) -> dict[str, Any]:
    response = await actor.client.post(
        f"/api/events/{slug}/projects", json={"project_id": str(project_id), **fields}
    )
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


async def _listed(client: httpx.AsyncClient, slug: str, **params: Any) -> dict[str, Any]:
    response = await client.get(f"/api/events/{slug}/projects", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _ids(body: dict[str, Any]) -> list[str]:
    return [p["id"] for p in body["data"]]


async def _rows(runtime: Runtime, slug: str) -> tuple[int, int]:
    async with runtime.sessionmaker() as session:
        event = await session.scalar(select(Event).where(Event.slug == slug))
        assert event is not None
        rows = await session.scalar(
            select(func.count()).select_from(EventProject).where(EventProject.event_id == event.id)
        )
        return int(rows or 0), event.project_count


async def test_add_by_organizer_owner_and_admin(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime
) -> None:
    organizer = await users.actor()
    maker = await users.actor()
    admin = await users.admin()
    event = await make_event(organizer.client, "Entry event")
    slug = event["slug"]
    by_owner = await projects.project_id(maker.user)
    by_organizer = await projects.project_id(maker.user)
    by_admin = await projects.project_id(maker.user)

    data = await _add(maker, slug, by_owner, track="DeFi")
    assert data["event_id"] == event["id"]
    assert data["project_id"] == str(by_owner)
    assert data["project_count"] == 1
    meta = data["event_metadata"]
    assert (meta["track"], meta["prize"], meta["rank"]) == ("DeFi", None, None)
    assert (meta["is_winner"], meta["is_finalist"]) == (False, False)
    assert meta["added_by"] == str(maker.user.id)
    assert meta["added_at"].endswith("Z")

    data = await _add(
        organizer,
        slug,
        by_organizer,
        track="AI",
        prize="First prize",
        rank=1,
        is_winner=True,
        is_finalist=True,
    )
    assert data["project_count"] == 2
    meta = data["event_metadata"]
    assert (meta["prize"], meta["rank"], meta["is_winner"], meta["is_finalist"]) == (
        "First prize",
        1,
        True,
        True,
    )
    assert meta["added_by"] == str(organizer.user.id)
    data = await _add(admin, slug, by_admin, is_finalist=True)
    assert data["project_count"] == 3
    assert await _rows(runtime, slug) == (3, 3)


async def test_add_rules(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime, client: httpx.AsyncClient
) -> None:
    organizer = await users.actor()
    maker = await users.actor()
    stranger = await users.actor()
    event = await make_event(organizer.client, "Strict event")
    slug = event["slug"]
    url = f"/api/events/{slug}/projects"
    project_id = await projects.project_id(maker.user)
    body = {"project_id": str(project_id)}

    assert (await client.post(url, json=body)).status_code == 401
    assert (await stranger.client.post(url, json=body)).status_code == 403
    for results in ({"is_winner": True}, {"is_finalist": True}, {"prize": "Gold"}, {"rank": 2}):
        response = await maker.client.post(url, json={**body, **results})
        assert response.status_code == 403, results
        assert response.json()["error"] == "forbidden"
    # null / false results are not results: a plain owner may send them
    await _add(maker, slug, project_id, is_winner=False, prize=None)
    duplicate = await maker.client.post(url, json=body)
    assert duplicate.status_code == 409
    assert duplicate.json()["error"] == "conflict"
    assert (await organizer.client.post(url, json=body)).status_code == 409
    assert await _rows(runtime, slug) == (1, 1)

    unknown = await organizer.client.post(url, json={"project_id": str(uuid.uuid4())})
    assert unknown.status_code == 404
    deleted = await projects.project_id(maker.user)
    assert (await maker.client.delete(f"/api/projects/{deleted}")).status_code == 200
    gone = await organizer.client.post(url, json={"project_id": str(deleted)})
    assert gone.status_code == 404
    missing_event = await maker.client.post("/api/events/nope/projects", json=body)
    assert missing_event.status_code == 404
    for extra in ({"track": "t" * 101}, {"prize": "p" * 201}, {"rank": 0}, {"rank": "first"}):
        response = await organizer.client.post(url, json={**body, **extra})
        assert response.status_code == 422, extra


async def test_edit_results(
    users: UserFactory, projects: ProjectFactory, client: httpx.AsyncClient
) -> None:
    organizer = await users.actor()
    maker = await users.actor()
    admin = await users.admin()
    event = await make_event(organizer.client, "Results event")
    slug = event["slug"]
    project_id = await projects.project_id(maker.user)
    await _add(maker, slug, project_id, track="AI")
    url = f"/api/events/{slug}/projects/{project_id}"
    assert (await client.patch(url, json={"is_winner": True})).status_code == 401
    assert (await maker.client.patch(url, json={"is_winner": True})).status_code == 403
    response = await organizer.client.patch(
        url, json={"is_winner": True, "rank": 1, "prize": "Grand prize"}
    )
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["project_count"] == 1
    meta = data["event_metadata"]
    assert (meta["track"], meta["prize"], meta["rank"], meta["is_winner"]) == (
        "AI",
        "Grand prize",
        1,
        True,
    )
    response = await admin.client.patch(url, json={"track": None, "is_winner": None})
    meta = response.json()["data"]["event_metadata"]
    assert (meta["track"], meta["is_winner"], meta["rank"]) == (None, False, 1)
    listed = await _listed(client, slug)
    assert listed["data"][0]["event_metadata"]["prize"] == "Grand prize"
    other = await organizer.client.patch(f"/api/events/{slug}/projects/{uuid.uuid4()}", json={})
    assert other.status_code == 404
    assert (await organizer.client.patch(url, json={"rank": -1})).status_code == 422


async def test_remove_permissions(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime, client: httpx.AsyncClient
) -> None:
    organizer = await users.actor()
    maker = await users.actor()
    stranger = await users.actor()
    admin = await users.admin()
    event = await make_event(organizer.client, "Removal event")
    slug = event["slug"]
    ids = [await projects.project_id(maker.user) for _ in range(3)]
    for project_id in ids:
        await _add(maker, slug, project_id)
    url = f"/api/events/{slug}/projects/{ids[0]}"
    assert (await client.delete(url)).status_code == 401
    assert (await stranger.client.delete(url)).status_code == 403
    for actor, project_id, left in ((maker, ids[0], 2), (organizer, ids[1], 1), (admin, ids[2], 0)):
        response = await actor.client.delete(f"/api/events/{slug}/projects/{project_id}")
        assert response.status_code == 200, response.text
        assert response.json()["data"] == {"removed": True, "project_count": left}
    again = await maker.client.delete(url)
    assert again.status_code == 404
    assert (
        await organizer.client.delete(f"/api/events/{slug}/projects/{uuid.uuid4()}")
    ).status_code == 404
    assert await _rows(runtime, slug) == (0, 0)


async def _scored(runtime: Runtime, scores: dict[uuid.UUID, float]) -> None:
    async with runtime.sessionmaker() as session:
        for project_id, score in scores.items():
            await session.execute(
                update(Project).where(Project.id == project_id).values(proof_score=score)
            )
        await session.commit()


async def test_list_sorts_tracks_and_overlay(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime, client: httpx.AsyncClient
) -> None:
    organizer = await users.actor()
    maker = await users.actor()
    event = await make_event(organizer.client, "Listed event")
    slug = event["slug"]
    a, b, c, d = [await projects.project_id(maker.user) for _ in range(4)]
    await _scored(runtime, {a: 10.0, b: 40.0, c: 30.0, d: 20.0})
    await _add(organizer, slug, a, track="DeFi", rank=2, is_winner=True)
    await _add(organizer, slug, b, track="ai", is_finalist=True)
    await _add(organizer, slug, c, track="DeFi", rank=1, is_winner=True, is_finalist=True)
    await _add(maker, slug, d)

    top = await _listed(client, slug)
    assert _ids(top) == [str(b), str(c), str(d), str(a)]
    assert _ids(await _listed(client, slug, sort="top")) == _ids(top)
    assert top["meta"] == {"tracks": ["ai", "DeFi"]}
    assert top["pagination"]["total"] == 4
    first = top["data"][0]
    assert first["title"]
    assert "proof_score" in first
    assert first["creator"]["id"]
    assert first["event_metadata"]["track"] == "ai"
    assert first["user_vote"] is None
    assert first["is_saved"] is False

    winners = await _listed(client, slug, sort="winners")
    assert _ids(winners) == [str(c), str(a), str(b), str(d)]
    finalists = await _listed(client, slug, sort="finalists")
    assert _ids(finalists) == [str(c), str(b), str(a), str(d)]
    newest = await _listed(client, slug, sort="newest")
    assert _ids(newest) == [str(d), str(c), str(b), str(a)]

    defi = await _listed(client, slug, track="defi")
    assert _ids(defi) == [str(c), str(a)]
    assert defi["meta"] == {"tracks": ["ai", "DeFi"]}
    assert defi["pagination"]["total"] == 2
    assert _ids(await _listed(client, slug, track="nope")) == []

    paged = await _listed(client, slug, per_page=1, page=2)
    assert _ids(paged) == [str(c)]
    assert paged["pagination"]["total"] == 4

    # a deleted project leaves the event at once: its entry and the count
    assert (await maker.client.delete(f"/api/projects/{d}")).status_code == 200
    after = await _listed(client, slug)
    assert (_ids(after), after["pagination"]["total"]) == ([str(b), str(c), str(a)], 3)
    assert await _rows(runtime, slug) == (3, 3)

    # the per-caller overlay: votes and saves of the caller only
    voter = await users.actor()
    vote = await voter.client.post(f"/api/projects/{b}/upvote")
    assert vote.status_code == 200, vote.text

    def votes(body: dict[str, Any]) -> dict[str, str | None]:
        return {p["id"]: p["user_vote"] for p in body["data"]}

    assert votes(await _listed(voter.client, slug)) == {str(b): "up", str(c): None, str(a): None}
    assert set(votes(await _listed(client, slug)).values()) == {None}
    assert set(votes(await _listed(maker.client, slug)).values()) == {None}


async def test_the_cached_list_follows_adds_edits_and_removals(
    users: UserFactory, projects: ProjectFactory, client: httpx.AsyncClient
) -> None:
    organizer = await users.actor()
    event = await make_event(organizer.client, "Cached entries")
    slug = event["slug"]
    assert _ids(await _listed(client, slug)) == []
    project_id = await projects.project_id(organizer.user)
    await _add(organizer, slug, project_id, track="One")
    body = await _listed(client, slug)
    assert (_ids(body), body["meta"]) == ([str(project_id)], {"tracks": ["One"]})
    await organizer.client.patch(f"/api/events/{slug}/projects/{project_id}", json={"track": "Two"})
    assert (await _listed(client, slug))["meta"] == {"tracks": ["Two"]}
    listed = (await client.get("/api/events")).json()["data"]
    assert listed[0]["project_count"] == 1
    await organizer.client.delete(f"/api/events/{slug}/projects/{project_id}")
    body = await _listed(client, slug)
    assert (_ids(body), body["meta"]) == ([], {"tracks": []})
    assert (await client.get("/api/events")).json()["data"][0]["project_count"] == 0


async def test_deleting_a_project_takes_it_out_of_every_event(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime, client: httpx.AsyncClient
) -> None:
    organizer = await users.actor()
    slugs = [(await make_event(organizer.client, f"Leaving event {i}"))["slug"] for i in range(3)]
    project_id = await projects.project_id(organizer.user)
    other_id = await projects.project_id(organizer.user)
    for slug in slugs[:2]:
        await _add(organizer, slug, project_id)
    await _add(organizer, slugs[0], other_id)
    listed = (await client.get(f"/api/events/{slugs[1]}/projects")).json()["data"]
    assert [p["id"] for p in listed] == [str(project_id)]
    assert (await organizer.client.delete(f"/api/projects/{project_id}")).status_code == 200
    assert await _rows(runtime, slugs[0]) == (1, 1)
    assert await _rows(runtime, slugs[1]) == (0, 0)
    assert await _rows(runtime, slugs[2]) == (0, 0)


@pytest.mark.parametrize("viewer", ["anonymous", "user"])
async def test_statement_count_does_not_grow_with_the_page(
    users: UserFactory,
    projects: ProjectFactory,
    client: httpx.AsyncClient,
    engine: AsyncEngine,
    viewer: str,
) -> None:
    organizer = await users.actor()
    event = await make_event(organizer.client, f"Counted event {viewer}")
    slug = event["slug"]
    for i in range(25):
        project_id = await projects.project_id(
            organizer.user, tech_stack=["Python"], screenshot_urls=["https://img.example/a.png"]
        )
        await _add(organizer, slug, project_id, track=f"Track {i % 3}", rank=i + 1)
    reader = client if viewer == "anonymous" else (await users.actor()).client
    counts = []
    for per_page in (1, 20, 100):
        with count_queries(engine) as log:
            response = await reader.get(
                f"/api/events/{slug}/projects", params={"per_page": per_page, "sort": "winners"}
            )
        assert response.status_code == 200, response.text
        assert len(response.json()["data"]) == min(per_page, 25)
        assert response.json()["meta"]["tracks"] == ["Track 0", "Track 1", "Track 2"]
        counts.append(log.count)
    assert len(set(counts)) == 1, counts
    if viewer == "anonymous":
        # event, total, page, the projects' screenshots, badges and chains, tracks
        assert counts[0] == 7, log.statements
