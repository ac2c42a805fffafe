"""Small helpers of the comments tests."""

from __future__ import annotations

from typing import Any

import httpx


async def post_comment(
    client: httpx.AsyncClient, project_id: str, content: str = "Great work", **extra: Any
) -> dict[str, Any]:
    """POST /api/comments, expecting 201; the comment."""
    body = {"project_id": project_id, "content": content, **extra}
    response = await client.post("/api/comments", json=body)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


async def reply(
    client: httpx.AsyncClient, parent: dict[str, Any], content: str = "Agreed"
) -> dict[str, Any]:
    """Reply to `parent`, expecting 201; the reply."""
    return await post_comment(client, parent["project_id"], content, parent_id=parent["id"])


def field_errors(response: httpx.Response) -> set[str]:
    """The fields a 422 names."""
    assert response.status_code == 422, response.text
    return {d["field"] for d in response.json()["details"]}
