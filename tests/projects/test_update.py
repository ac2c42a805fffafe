"""PUT|PATCH /api/projects/{id}: partial update, limits, who may edit, screenshots, rescoring."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.factories.projects import ProjectFactory
from tests.factories.users import Actor, UserFactory
from tests.projects.conftest import LONG_DESCRIPTION, ProjectRows, field_errors, ids

SHOTS = ["https://img.example.com/a.png", "https://img.example.com/b.png"]
VOLATILE = {"updated_at"}


async def _created(owner: Actor, **fields: Any) -> dict[str, Any]:
    sent = {"title": "Editable project", "description": "d" * 60, **fields}
    response = await owner.client.post("/api/projects", json=sent)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()["data"]
    assert data.pop("chain_results") == []
    return data


def _without(project: dict[str, Any], *names: str) -> dict[str, Any]:
    return {k: v for k, v in project.items() if k not in VOLATILE | set(names)}


@pytest.mark.parametrize("method", ["PATCH", "PUT"])
async def test_only_the_sent_fields_change(users: UserFactory, method: str) -> None:
    owner = await users.actor()
    before = await _created(
        owner,
        tagline="Old tagline",
        demo_url="https://demo.example.com",
        categories=["DeFi"],
        hackathons=[{"name": "ETHGlobal"}],
        team_members=[{"name": "Ada"}],
        screenshot_urls=SHOTS,
    )
    response = await owner.client.request(
        method, f"/api/projects/{before['id']}", json={"tagline": "  New tagline  "}
    )
    assert response.status_code == 200, response.text
    after = response.json()["data"]
    assert after["tagline"] == "New tagline"
    assert _without(after, "tagline") == _without(before, "tagline")
    assert after["updated_at"] >= before["updated_at"]


async def test_each_field_can_be_changed(users: UserFactory) -> None:
    owner = await users.actor()
    before = await _created(owner)
    changes: dict[str, Any] = {
        "title": "A brand new title",
        "tagline": "Tag",
        "description": "e" * 80,
        "project_story": "Story",
        "inspiration": "Inspiration",
        "market_comparison": "Comparison",
        "novelty_factor": "Novelty",
        "pitch_deck_url": "https://deck.example.com",
        "demo_url": "https://demo.example.com",
        "github_url": "https://github.com/a/b",
        "hackathon_name": "Hack Zurich",
        "hackathon_date": "2024-09-14",
        "hackathons": [{"name": "Hack Zurich", "rank": 2}],
        "categories": ["Gaming"],
        "tech_stack": ["Go"],
        "team_members": [{"name": "Grace", "role": "CTO"}],
    }
    after = (await owner.client.patch(f"/api/projects/{before['id']}", json=changes)).json()
    for name, value in changes.items():
        if name in ("hackathons", "team_members"):
            assert after["data"][name][0].items() >= value[0].items(), name
        else:
            assert after["data"][name] == value, name
    got = (await owner.client.get(f"/api/projects/{before['id']}")).json()["data"]
    assert got == after["data"]


async def test_null_clears_optional_fields(users: UserFactory) -> None:
    owner = await users.actor()
    before = await _created(
        owner,
        tagline="Tag",
        project_story="Story",
        demo_url="https://demo.example.com",
        github_url="https://github.com/a/b",
        hackathon_name="ETHGlobal",
        hackathon_date="2025-01-02",
        hackathons=[{"name": "ETHGlobal"}],
        categories=["DeFi"],
        tech_stack=["Rust"],
        team_members=[{"name": "Ada"}],
        screenshot_urls=SHOTS,
    )
    assert before["quality_score"] == 15
    cleared = [
        "tagline",
        "project_story",
        "demo_url",
        "github_url",
        "hackathon_name",
        "hackathon_date",
        "hackathons",
        "categories",
        "tech_stack",
        "team_members",
        "screenshot_urls",
    ]
    response = await owner.client.patch(
        f"/api/projects/{before['id']}", json=dict.fromkeys(cleared)
    )
    assert response.status_code == 200, response.text
    after = response.json()["data"]
    for name in ("tagline", "project_story", "demo_url", "github_url", "hackathon_name"):
        assert after[name] is None, name
    assert after["hackathon_date"] is None
    for name in ("hackathons", "categories", "tech_stack", "team_members", "screenshots"):
        assert after[name] == [], name
    assert after["quality_score"] == 0
    assert after["title"] == before["title"]


@pytest.mark.parametrize("field", ["title", "description"])
async def test_required_fields_cannot_be_cleared(users: UserFactory, field: str) -> None:
    owner = await users.actor()
    project = await _created(owner)
    response = await owner.client.patch(f"/api/projects/{project['id']}", json={field: None})
    assert field_errors(response) == {field}
    got = (await owner.client.get(f"/api/projects/{project['id']}")).json()["data"]
    assert got[field] == project[field]


INVALID: list[tuple[dict[str, Any], str]] = [
    ({"title": "abcd"}, "title"),
    ({"title": "t" * 201}, "title"),
    ({"description": "d" * 49}, "description"),
    ({"description": "d" * 20_001}, "description"),
    ({"tagline": "g" * 301}, "tagline"),
    ({"inspiration": "i" * 10_001}, "inspiration"),
    ({"demo_url": "ftp://x.io"}, "demo_url"),
    ({"github_url": "https://x.io/" + "a" * 2040}, "github_url"),
    ({"hackathons": [{"name": f"H{i}"} for i in range(21)]}, "hackathons"),
    ({"categories": [f"c{i}" for i in range(11)]}, "categories"),
    ({"tech_stack": ["t" * 51]}, "tech_stack.0"),
    ({"team_members": [{"name": "A"}] * 21}, "team_members"),
    ({"screenshot_urls": [f"https://i.io/{i}" for i in range(6)]}, "screenshot_urls"),
    ({"screenshot_urls": ["nope"]}, "screenshot_urls.0"),
]


@pytest.mark.parametrize(("changes", "field"), INVALID, ids=[c[1] for c in INVALID])
async def test_update_enforces_the_create_limits(
    users: UserFactory, changes: dict[str, Any], field: str
) -> None:
    owner = await users.actor()
    project = await _created(owner)
    response = await owner.client.patch(f"/api/projects/{project['id']}", json=changes)
    assert field_errors(response) == {field}
    got = (await owner.client.get(f"/api/projects/{project['id']}")).json()["data"]
    assert _without(got) == _without(project)


async def test_empty_patch_changes_nothing(users: UserFactory) -> None:
    owner = await users.actor()
    project = await _created(owner)
    response = await owner.client.patch(f"/api/projects/{project['id']}", json={})
    assert response.status_code == 200, response.text
    assert response.json()["data"] == project


async def test_owner_or_admin_only(
    users: UserFactory, client: httpx.AsyncClient, rows: ProjectRows
) -> None:
    owner = await users.actor()
    stranger = await users.actor()
    admin = await users.admin()
    project = await _created(owner)
    url = f"/api/projects/{project['id']}"

    anonymous = await client.patch(url, json={"title": "Anonymous edit"})
    assert anonymous.status_code == 401
    forbidden = await stranger.client.patch(url, json={"title": "Stranger edit"})
    assert forbidden.status_code == 403
    assert forbidden.json()["error"] == "forbidden"
    forbidden_put = await stranger.client.put(url, json={"title": "Stranger edit"})
    assert forbidden_put.status_code == 403
    assert (await client.get(url)).json()["data"]["title"] == "Editable project"

    by_admin = await admin.client.patch(
        url, json={"title": "Admin edit", "demo_url": "https://d.io"}
    )
    assert by_admin.status_code == 200, by_admin.text
    assert by_admin.json()["data"]["user_id"] == str(owner.user.id)
    assert (await client.get(url)).json()["data"]["title"] == "Admin edit"
    # the owner's karma follows the admin's edit; the admin's does not move
    assert (await rows.user(owner.user.id)).karma == 5
    assert (await rows.user(admin.user.id)).karma == 0


async def test_unknown_or_deleted_project_is_404(users: UserFactory) -> None:
    owner = await users.actor()
    project = await _created(owner)
    unknown = await owner.client.patch(f"/api/projects/{uuid.uuid4()}", json={"title": "Hello"})
    assert unknown.status_code == 404
    not_an_id = await owner.client.patch("/api/projects/not-an-id", json={"title": "Hello"})
    assert not_an_id.status_code == 422
    assert (await owner.client.delete(f"/api/projects/{project['id']}")).status_code == 200
    gone = await owner.client.patch(f"/api/projects/{project['id']}", json={"title": "Hello"})
    assert gone.status_code == 404


async def test_screenshots_are_replaced_in_order(users: UserFactory) -> None:
    owner = await users.actor()
    project = await _created(owner, screenshot_urls=SHOTS)
    old_ids = {s["id"] for s in project["screenshots"]}
    new_urls = [
        "https://img.example.com/c.png",
        SHOTS[1],
        SHOTS[0],
        "https://img.example.com/d.png",
    ]
    response = await owner.client.patch(
        f"/api/projects/{project['id']}", json={"screenshot_urls": new_urls}
    )
    shots = response.json()["data"]["screenshots"]
    assert [s["url"] for s in shots] == new_urls
    assert [s["order_index"] for s in shots] == [0, 1, 2, 3]
    assert not old_ids & {s["id"] for s in shots}
    got = (await owner.client.get(f"/api/projects/{project['id']}")).json()["data"]
    assert [s["url"] for s in got["screenshots"]] == new_urls

    emptied = await owner.client.patch(
        f"/api/projects/{project['id']}", json={"screenshot_urls": []}
    )
    assert emptied.json()["data"]["screenshots"] == []
    assert emptied.json()["data"]["score_breakdown"]["quality"]["has_screenshot"] is False


@pytest.mark.parametrize(
    ("changes", "component"),
    [
        ({"demo_url": "https://demo.example.com"}, "has_demo"),
        ({"github_url": "https://github.com/a/b"}, "has_github"),
        ({"screenshot_urls": SHOTS[:1]}, "has_screenshot"),
        ({"description": LONG_DESCRIPTION}, "description_200_plus"),
    ],
)
async def test_each_quality_input_moves_the_quality_score_by_five(
    users: UserFactory, rows: ProjectRows, changes: dict[str, Any], component: str
) -> None:
    owner = await users.actor(github_connected=True)
    project = await _created(owner, description="d" * 199)
    assert project["quality_score"] == 0
    assert project["proof_score"] == 5  # github_connected
    url = f"/api/projects/{project['id']}"

    added = (await owner.client.patch(url, json=changes)).json()["data"]
    assert added["quality_score"] == 5
    assert added["score_breakdown"]["quality"][component] is True
    assert added["proof_score"] == 10
    assert added["verification_score"] == project["verification_score"]
    assert added["community_score"] == project["community_score"]
    assert added["trending_score"] == pytest.approx(project["trending_score"] + 0.05, abs=1e-5)
    assert (await rows.user(owner.user.id)).karma == 10
    assert (await owner.client.get(url)).json()["data"]["proof_score"] == 10

    removal = dict.fromkeys(changes)
    if "description" in changes:
        removal = {"description": "d" * 199}
    removed = (await owner.client.patch(url, json=removal)).json()["data"]
    assert removed["quality_score"] == 0
    assert removed["score_breakdown"]["quality"][component] is False
    assert (await rows.user(owner.user.id)).karma == 5


async def test_edits_reach_the_lists_and_the_filters(
    users: UserFactory, client: httpx.AsyncClient, projects: ProjectFactory
) -> None:
    owner = await users.actor()
    member = await users.user()
    project = await _created(owner, categories=["DeFi"], tech_stack=["Rust"])
    url = f"/api/projects/{project['id']}"
    assert ids(await client.get("/api/projects", params={"category": "defi"})) == [project["id"]]
    assert ids(await client.get(f"/api/users/{member.id}/tagged-projects")) == []
    assert ids(await client.get(f"/api/users/{owner.user.id}/projects")) == [project["id"]]

    changes = {
        "title": "Renamed project",
        "categories": ["Gaming"],
        "tech_stack": ["Go"],
        "hackathon_name": "Hack Zurich",
        "team_members": [{"name": "Member", "user_id": str(member.id)}],
    }
    assert (await owner.client.patch(url, json=changes)).status_code == 200

    assert ids(await client.get("/api/projects", params={"category": "defi"})) == []
    assert ids(await client.get("/api/projects", params={"category": "GAMING"})) == [project["id"]]
    assert ids(await client.get("/api/projects", params={"tech": "rust"})) == []
    assert ids(await client.get("/api/projects", params={"tech": "go"})) == [project["id"]]
    hack = await client.get("/api/projects", params={"hackathon": "hack zurich"})
    assert ids(hack) == [project["id"]]
    assert ids(await client.get(f"/api/users/{member.id}/tagged-projects")) == [project["id"]]
    mine = await client.get(f"/api/users/{owner.user.id}/projects")
    assert mine.json()["data"][0]["title"] == "Renamed project"
    feed = await client.get("/api/projects")
    assert feed.json()["data"][0]["title"] == "Renamed project"
    by_category = await client.get("/api/projects/by-category/gaming")
    assert ids(by_category) == [project["id"]]
