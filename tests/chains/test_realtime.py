"""subscribe_chain through a live server."""

from __future__ import annotations

from typing import Any

import pytest

from tests.chains.conftest import make_chain
from tests.factories.projects import ProjectFactory
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


async def test_project_added_and_removed_reach_the_chain_room(
    live_url: str, listeners: Any, users: UserFactory, projects: ProjectFactory
) -> None:
    owner = await users.actor()
    chain = await make_chain(owner.client, "Live adds")
    socket = await listeners(live_url)
    ack = await socket.client.call("subscribe_chain", {"slug": chain["slug"]})
    assert ack["ok"] is True
    maker = await users.actor()
    project_id = await projects.project_id(maker.user)
    added = await maker.client.post(
        f"/api/chains/{chain['slug']}/projects", json={"project_id": str(project_id)}
    )
    assert added.status_code == 201, added.text
    (event,) = await socket.wait_for("chain:project_added")
    assert event["project_id"] == str(project_id)
    assert event["chain_id"] == chain["id"]
    assert event["project_count"] == 1
    removed = await owner.client.delete(f"/api/chains/{chain['slug']}/projects/{project_id}")
    assert removed.status_code == 200, removed.text
    (gone,) = await socket.wait_for("chain:project_removed")
    assert gone["project_id"] == str(project_id)
    assert gone["project_count"] == 0
