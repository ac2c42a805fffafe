"""POST /api/votes and the project vote routes: toggle semantics, rules, scores, karma, events."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from oxship.projects.scoring import wilson_lower_bound
from oxship.runtime import Runtime
from tests.factories.projects import ProjectFactory
from tests.factories.users import UserFactory
from tests.votes.rows import EngagementRows, events


async def cast(client: httpx.AsyncClient, project_id: str, vote_type: str) -> dict[str, Any]:
    """POST /api/votes, expecting 200; the response data."""
    response = await client.post(
        "/api/votes", json={"project_id": project_id, "vote_type": vote_type}
    )
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


async def test_toggle_creates_removes_and_switches_with_fresh_counts(
    users: UserFactory, projects: ProjectFactory, rows: EngagementRows
) -> None:
    owner = await users.user()
    voter = await users.actor()
    project = await projects.project(owner)
    pid = project["id"]

    created = await cast(voter.client, pid, "up")
    assert created["action"] == "created"
    assert (created["upvotes"], created["downvotes"], created["vote_count"]) == (1, 0, 1)
    assert created["user_vote"] == "up"
    assert created["project_id"] == pid
    assert created["proof_score"] > project["proof_score"]
    assert created["trending_score"] > project["trending_score"]

    removed = await cast(voter.client, pid, "up")
    assert removed["action"] == "removed"
    assert (removed["upvotes"], removed["downvotes"], removed["vote_count"]) == (0, 0, 0)
    assert removed["user_vote"] is None
    assert removed["proof_score"] == project["proof_score"]
    assert len(await rows.votes(pid)) == 0

    await cast(voter.client, pid, "down")
    changed = await cast(voter.client, pid, "up")
    assert changed["action"] == "changed"
    assert (changed["upvotes"], changed["downvotes"], changed["vote_count"]) == (1, 0, 1)
    switched_back = await cast(voter.client, pid, "down")
    assert switched_back["action"] == "changed"
    assert (switched_back["upvotes"], switched_back["downvotes"]) == (0, 1)
    assert switched_back["vote_count"] == -1
    assert switched_back["user_vote"] == "down"
    assert [v.vote_type for v in await rows.votes(pid)] == ["down"]

    stored = await rows.project(pid)
    assert (stored.upvotes, stored.downvotes) == (0, 1)
    assert round(stored.proof_score, 2) == switched_back["proof_score"]
    assert stored.trending_score == pytest.approx(switched_back["trending_score"])


async def test_upvote_and_downvote_routes_have_the_same_toggle_semantics(
    users: UserFactory, projects: ProjectFactory
) -> None:
    voter = await users.actor()
    pid = (await projects.project(await users.user()))["id"]

    first = (await voter.client.post(f"/api/projects/{pid}/upvote")).json()["data"]
    assert (first["action"], first["upvotes"], first["user_vote"]) == ("created", 1, "up")
    switched = (await voter.client.post(f"/api/projects/{pid}/downvote")).json()["data"]
    assert (switched["action"], switched["upvotes"], switched["downvotes"]) == ("changed", 0, 1)
    removed = (await voter.client.post(f"/api/projects/{pid}/downvote")).json()["data"]
    assert (removed["action"], removed["downvotes"], removed["user_vote"]) == ("removed", 0, None)
    again = await voter.client.post(f"/api/projects/{pid}/upvote")
    assert again.status_code == 200
    assert again.json()["data"]["action"] == "created"


async def test_delete_vote_removes_it_and_is_404_when_there_is_none(
    users: UserFactory, projects: ProjectFactory, rows: EngagementRows
) -> None:
    voter = await users.actor()
    pid = (await projects.project(await users.user()))["id"]

    missing = await voter.client.delete(f"/api/projects/{pid}/vote")
    assert missing.status_code == 404
    assert missing.json()["error"] == "not_found"

    await cast(voter.client, pid, "down")
    removed = await voter.client.delete(f"/api/projects/{pid}/vote")
    assert removed.status_code == 200, removed.text
    data = removed.json()["data"]
    assert (data["action"], data["downvotes"], data["user_vote"]) == ("removed", 0, None)
    assert await rows.votes(pid) == []
    assert (await voter.client.delete(f"/api/projects/{pid}/vote")).status_code == 404


async def test_voting_on_your_own_project_is_403_and_changes_nothing(
    users: UserFactory, projects: ProjectFactory, rows: EngagementRows
) -> None:
    owner = await users.actor()
    pid = (await projects.project(owner.user))["id"]

    for response in (
        await owner.client.post("/api/votes", json={"project_id": pid, "vote_type": "up"}),
        await owner.client.post(f"/api/projects/{pid}/upvote"),
        await owner.client.post(f"/api/projects/{pid}/downvote"),
    ):
        assert response.status_code == 403, response.text
        assert response.json()["error"] == "forbidden"
    assert await rows.votes(pid) == []
    assert (await rows.project(pid)).upvotes == 0


async def test_deleted_unknown_and_banned_owners_projects_are_404(
    users: UserFactory, projects: ProjectFactory, rows: EngagementRows
) -> None:
    owner = await users.actor()
    voter = await users.actor()
    deleted = (await projects.project(owner.user))["id"]
    await cast(voter.client, deleted, "up")
    assert (await owner.client.delete(f"/api/projects/{deleted}")).status_code == 200
    banned_owner = await users.user()
    banned = (await projects.project(banned_owner))["id"]
    await rows.ban(banned_owner)

    for pid in (deleted, banned, str(uuid.uuid4())):
        body = {"project_id": pid, "vote_type": "up"}
        assert (await voter.client.post("/api/votes", json=body)).status_code == 404
        assert (await voter.client.post(f"/api/projects/{pid}/upvote")).status_code == 404
        assert (await voter.client.post(f"/api/projects/{pid}/downvote")).status_code == 404
        assert (await voter.client.delete(f"/api/projects/{pid}/vote")).status_code == 404
    assert len(await rows.votes(deleted)) == 1  # the old vote is kept, not counted anywhere


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"project_id": "P", "vote_type": "sideways"}, "vote_type"),
        ({"project_id": "P", "vote_type": "UP"}, "vote_type"),
        ({"project_id": "P", "vote_type": None}, "vote_type"),
        ({"project_id": "P"}, "vote_type"),
        ({"vote_type": "up"}, "project_id"),
        ({"project_id": "not-a-uuid", "vote_type": "up"}, "project_id"),
        ({"project_id": 42, "vote_type": "up"}, "project_id"),
    ],
)
async def test_invalid_vote_bodies_are_422(
    users: UserFactory, projects: ProjectFactory, body: dict[str, Any], field: str
) -> None:
    voter = await users.actor()
    pid = (await projects.project(await users.user()))["id"]
    sent = {k: (pid if v == "P" else v) for k, v in body.items()}

    response = await voter.client.post("/api/votes", json=sent)

    assert response.status_code == 422, response.text
    assert field in {d["field"] for d in response.json()["details"]}


async def test_missing_or_malformed_bodies_and_paths_are_4xx_not_500(
    users: UserFactory,
) -> None:
    voter = await users.actor()
    assert (await voter.client.post("/api/votes")).status_code == 422
    assert (await voter.client.post("/api/votes", json=["up"])).status_code == 422
    malformed = await voter.client.post(
        "/api/votes", content=b"{", headers={"Content-Type": "application/json"}
    )
    assert malformed.status_code == 400
    assert (await voter.client.post("/api/projects/nope/upvote")).status_code == 422
    assert (await voter.client.delete("/api/projects/nope/vote")).status_code == 422


async def test_unknown_body_fields_are_ignored(
    users: UserFactory, projects: ProjectFactory
) -> None:
    voter = await users.actor()
    pid = (await projects.project(await users.user()))["id"]
    body = {"project_id": pid, "vote_type": "up", "user_id": str(uuid.uuid4()), "weight": 10}

    response = await voter.client.post("/api/votes", json=body)

    assert response.status_code == 200
    assert response.json()["data"]["upvotes"] == 1


async def test_every_vote_route_needs_an_active_user(
    client: httpx.AsyncClient, users: UserFactory, projects: ProjectFactory, rows: EngagementRows
) -> None:
    pid = (await projects.project(await users.user()))["id"]
    calls = [
        client.post("/api/votes", json={"project_id": pid, "vote_type": "up"}),
        client.post(f"/api/projects/{pid}/upvote"),
        client.post(f"/api/projects/{pid}/downvote"),
        client.delete(f"/api/projects/{pid}/vote"),
        client.get("/api/votes/user"),
    ]
    for call in calls:
        response = await call
        assert response.status_code == 401
        assert response.json()["error"] == "unauthorized"
    banned = await users.actor()
    await rows.ban(banned.user)
    assert (await banned.client.post(f"/api/projects/{pid}/upvote")).status_code == 401
    assert await rows.votes(pid) == []


async def test_a_vote_moves_the_community_score_and_the_owners_karma(
    users: UserFactory, projects: ProjectFactory, client: httpx.AsyncClient
) -> None:
    owner = await users.user()
    project = await projects.project(owner, demo_url="https://demo.example.com")
    pid = project["id"]
    before = (await client.get(f"/api/projects/{pid}")).json()["data"]
    assert before["community_score"] == 0

    voted = await cast((await users.actor()).client, pid, "up")

    after = (await client.get(f"/api/projects/{pid}")).json()["data"]
    assert after["community_score"] == round(20 * wilson_lower_bound(1, 0), 2)
    for component in ("verification_score", "validation_score", "quality_score"):
        assert after[component] == before[component]
    assert after["proof_score"] == voted["proof_score"]
    assert after["trending_score"] == pytest.approx(voted["trending_score"])
    assert after["upvote_ratio"] == 1.0
    profile = (await client.get(f"/api/users/{owner.username}")).json()["data"]
    assert profile["karma"] == pytest.approx(after["proof_score"])

    await cast((await users.actor()).client, pid, "down")
    mixed = (await client.get(f"/api/projects/{pid}")).json()["data"]
    assert mixed["community_score"] == round(20 * wilson_lower_bound(1, 1), 2)
    assert mixed["proof_score"] < after["proof_score"]
    profile = (await client.get(f"/api/users/{owner.username}")).json()["data"]
    assert profile["karma"] == pytest.approx(mixed["proof_score"])


async def test_five_votes_within_an_hour_leave_one_unread_notification_counting_five(
    users: UserFactory, projects: ProjectFactory, rows: EngagementRows
) -> None:
    owner = await users.user()
    project = await projects.project(owner, title="Counted project")
    voters = [await users.actor() for _ in range(5)]

    for n, voter in enumerate(voters):
        await cast(voter.client, project["id"], "up" if n % 2 else "down")
    # Switching and removing are not new votes.
    await cast(voters[0].client, project["id"], "up")
    await cast(voters[1].client, project["id"], "up")

    notes = await rows.notifications(owner.id, "vote")
    assert len(notes) == 1
    assert notes[0].count == 5
    assert notes[0].is_read is False
    assert "5 new votes" in notes[0].message
    assert "Counted project" in notes[0].message
    for voter in voters:
        assert await rows.notifications(voter.user.id) == []


async def test_vote_updated_is_published_after_commit_to_the_project_and_feed_rooms(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime
) -> None:
    owner = await users.actor()
    pid = (await projects.project(owner.user))["id"]
    voter = await users.actor()

    data = await cast(voter.client, pid, "up")

    published = events(runtime, "vote:updated")
    assert len(published) == 1
    # One event for the project's room and the opt-in feed room: a socket in both gets it once.
    assert published[0].room == [f"project:{pid}", "feed"]
    payload = published[0].payload
    assert payload == {
        "project_id": pid,
        "upvotes": 1,
        "downvotes": 0,
        "vote_count": 1,
        "upvote_ratio": 1.0,
        "proof_score": data["proof_score"],
        "trending_score": data["trending_score"],
    }

    assert (await owner.client.post(f"/api/projects/{pid}/upvote")).status_code == 403
    assert (await voter.client.delete(f"/api/projects/{uuid.uuid4()}/vote")).status_code == 404
    assert len(events(runtime, "vote:updated")) == 1


async def test_after_a_vote_each_caller_sees_their_own_user_vote_and_everyone_the_new_count(
    users: UserFactory, projects: ProjectFactory, client: httpx.AsyncClient
) -> None:
    owner = await users.user()
    pid = (await projects.project(owner))["id"]
    a = await users.actor()
    b = await users.actor()
    readers = {"anonymous": client, "a": a.client, "b": b.client}
    urls = [f"/api/projects/{pid}", "/api/projects", f"/api/users/{owner.id}/projects"]

    def found(response: httpx.Response) -> dict[str, Any]:
        data = response.json()["data"]
        if isinstance(data, dict):
            return data
        return next(p for p in data if p["id"] == pid)

    for url in urls:  # warm every cache entry before the write
        for reader in readers.values():
            assert found(await reader.get(url))["upvotes"] == 0

    await cast(a.client, pid, "up")

    for url in urls:
        seen = {name: found(await reader.get(url)) for name, reader in readers.items()}
        assert {name: p["upvotes"] for name, p in seen.items()} == dict.fromkeys(readers, 1), url
        assert seen["a"]["user_vote"] == "up", url
        assert seen["b"]["user_vote"] is None, url
        assert seen["anonymous"]["user_vote"] is None, url
