"""Direct-message test helpers; the live-server fixtures come from tests/realtime."""

from __future__ import annotations

from typing import Any

import httpx

from oxship.kit.outbox import Event
from oxship.runtime import Runtime
from tests.realtime.conftest import listeners, live_url

__all__ = ["events", "listeners", "live_url", "send"]


async def send(client: httpx.AsyncClient, recipient_id: object, text: str) -> dict[str, Any]:
    """Send a message through the API; its JSON."""
    response = await client.post(
        "/api/messages/send", json={"recipient_id": str(recipient_id), "message": text}
    )
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


def events(runtime: Runtime, name: str) -> list[Event]:
    """Committed real-time events of this name, in order."""
    return [e for e in runtime.publisher.recent if e.name == name]
