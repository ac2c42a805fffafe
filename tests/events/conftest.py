"""Event test helpers."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from oxship.kit.clock import iso, utcnow

__all__ = ["event_body", "make_event", "when"]


def when(days: float) -> str:
    """An ISO timestamp `days` from now (negative: in the past)."""
    value = iso(utcnow() + timedelta(days=days))
    assert value is not None
    return value


def event_body(name: str, **fields: Any) -> dict[str, Any]:
    """A valid create body: a hackathon starting in 10 days, lasting 2 days."""
    return {
        "name": name,
        "description": "A weekend of building things together.",
        "event_type": "hackathon",
        "start_date": when(10),
        "end_date": when(12),
        **fields,
    }


async def make_event(client: httpx.AsyncClient, name: str, **fields: Any) -> dict[str, Any]:
    """Create an event through the API; its JSON."""
    response = await client.post("/api/events", json=event_body(name, **fields))
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()["data"]
    return data
