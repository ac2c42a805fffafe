"""Chain test helpers; the live-server fixtures come from tests/realtime."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.realtime.conftest import listeners, live_url

__all__ = ["listeners", "live_url", "make_chain", "new_chain"]


def chain_body(name: str, **fields: Any) -> dict[str, Any]:
    """A valid create body."""
    return {"name": name, "description": "A community of builders.", **fields}


async def make_chain(client: httpx.AsyncClient, name: str, **fields: Any) -> dict[str, Any]:
    """Create a chain through the API; its JSON."""
    response = await client.post("/api/chains", json=chain_body(name, **fields))
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


@pytest.fixture
def new_chain() -> Any:
    """`await new_chain(client, name, **fields)`."""
    return make_chain
