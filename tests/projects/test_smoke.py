"""First end-to-end checks of projects (fuller suites live beside this file)."""

from __future__ import annotations

import httpx

from tests.factories.projects import ProjectFactory
from tests.factories.users import UserFactory


async def test_create_then_read_and_list(users: UserFactory, client: httpx.AsyncClient) -> None:
    owner = await users.actor()
    body = {
        "title": "Proof of hack",
        "description": "x" * 250,
        "demo_url": "https://demo.example.com",
        "github_url": "https://github.com/a/b",
        "screenshot_urls": ["https://img.example.com/1.png", "https://img.example.com/2.png"],
        "categories": ["DeFi", "defi", "AI"],
        "tech_stack": ["Rust"],
        "team_members": [{"name": "Ada", "user_id": str(owner.user.id)}],
        "hackathons": [{"name": "ETHGlobal", "date": "2026-01-02", "is_winner": True}],
    }
    created = await owner.client.post("/api/projects", json=body)
    assert created.status_code == 201, created.text
    project = created.json()["data"]
    assert project["quality_score"] == 20
    assert project["categories"] == ["DeFi", "AI"]
    assert [s["order_index"] for s in project["screenshots"]] == [0, 1]
    assert project["proof_score"] == 20

    got = await client.get(f"/api/projects/{project['id']}")
    assert got.status_code == 200
    assert got.json()["data"]["title"] == "Proof of hack"

    feed = await client.get("/api/projects", params={"category": "defi", "tech": "rust"})
    assert feed.status_code == 200
    assert [p["id"] for p in feed.json()["data"]] == [project["id"]]
    tagged = await client.get(f"/api/users/{owner.user.id}/tagged-projects")
    assert tagged.json()["pagination"]["total"] == 1


async def test_factory_projects_show_in_leaderboard(
    users: UserFactory, projects: ProjectFactory, client: httpx.AsyncClient
) -> None:
    owner = await users.user()
    await projects.project(owner, title="Leader project", demo_url="https://d.example.com")
    board = await client.get("/api/projects/leaderboard", params={"timeframe": "week"})
    assert board.status_code == 200, board.text
    data = board.json()["data"]
    assert data["top_projects"][0]["title"] == "Leader project"
    assert data["top_builders"][0]["username"] == owner.username
