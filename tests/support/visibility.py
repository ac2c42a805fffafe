"""What every public read says about a user's projects and karma: detail, feed, leaderboards, profile.

Issue 9 point 5: a verification change must show in all of them on the very next read.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx

PROJECT_READS = ("detail", "feed", "top_rated", "board_projects", "trending_projects")
KARMA_READS = ("board_users", "trending_users", "profile_karma")


async def snapshot(
    client: httpx.AsyncClient, user_id: uuid.UUID, username: str, project_ids: list[str]
) -> dict[str, Any]:
    """What every public read says about the user's projects and karma (this warms each cache)."""

    async def data(path: str, **params: Any) -> Any:
        response = await client.get(path, params=params)
        assert response.status_code == 200, response.text
        return response.json()["data"]

    def proofs(items: list[dict[str, Any]]) -> dict[str, float]:
        return {p["id"]: p["proof_score"] for p in items if p["id"] in project_ids}

    def karma(items: list[dict[str, Any]]) -> float:
        [entry] = [u for u in items if u["id"] == str(user_id)]
        value: float = entry["karma"]
        return value

    details = {pid: await data(f"/api/projects/{pid}") for pid in project_ids}
    trending = await data("/api/leaderboard/trending")
    return {
        "verification": {pid: d["verification_score"] for pid, d in details.items()},
        "detail": {pid: d["proof_score"] for pid, d in details.items()},
        "trending_score": {pid: d["trending_score"] for pid, d in details.items()},
        "feed": proofs(await data("/api/projects", sort="newest")),
        "top_rated": proofs(await data("/api/projects", sort="top_rated")),
        "board_projects": proofs(await data("/api/leaderboard/projects", limit=100)),
        "trending_projects": proofs(trending["projects"]),
        "board_users": karma(await data("/api/leaderboard/users", limit=100)),
        "trending_users": karma(trending["users"]),
        "profile_karma": (await data(f"/api/users/{username}"))["karma"],
    }
