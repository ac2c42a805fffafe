"""subscribe_chain through a live server."""

from __future__ import annotations

from typing import Any

import pytest

from tests.chains.conftest import make_chain
from tests.factories.users import UserFactory

pytestmark = pytest.mark.committed


async def test_subscribe_chain_honours_privacy(
    live_url: str, listeners: Any, users: UserFactory
) -> None:
    owner = await users.actor()
    outsider = await users.actor()
    public = await make_chain(owner.client, "Live public")
    private = await make_chain(owner.client, "Live private", is_public=False)

    anonymous = await listeners(live_url)
    ack = await anonymous.client.call("subscribe_chain", {"slug": public["slug"]})
    assert ack == {"ok": True, "room": f"chain:{public['id']}"}
    for socket in (anonymous, await listeners(live_url, outsider.access)):
        assert await socket.client.call("subscribe_chain", {"slug": private["slug"]}) == {
            "ok": False,
            "error": "not_found",
        }
    mine = await listeners(live_url, owner.access)
    ack = await mine.client.call("subscribe_chain", {"slug": private["slug"]})
    assert ack == {"ok": True, "room": f"chain:{private['id']}"}
