"""badge:awarded / badge:updated / badge:removed reach the project's room and the owner."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.factories.projects import ProjectFactory
from tests.factories.users import UserFactory
from tests.validation.conftest import award, make_validator

pytestmark = pytest.mark.committed


async def test_badge_events_reach_project_subscribers_and_the_owner(
    live_url: str, listeners: Any, users: UserFactory, projects: ProjectFactory
) -> None:
    owner = await users.actor()
    project_id = str(await projects.project_id(owner.user))
    watcher = await listeners(live_url)
    ack = await watcher.client.call("subscribe", {"project_id": project_id})
    assert ack["ok"] is True
    owner_socket = await listeners(live_url, owner.access)
    bystander = await listeners(live_url, (await users.actor()).access)
    validator = await make_validator(users, can_validate_all=True)

    response = await award(validator.client, project_id, "gold")
    assert response.status_code == 201, response.text
    badge_id = response.json()["data"]["id"]

    (event,) = await watcher.wait_for("badge:awarded")
    assert event["project_id"] == project_id
    assert event["data"]["id"] == badge_id
    assert event["data"]["badge_type"] == "gold"
    (mine,) = await owner_socket.wait_for("badge:awarded")
    assert mine["data"]["id"] == badge_id

    admin = await users.admin()
    patched = await admin.client.patch(
        f"/api/admin/badges/{badge_id}", json={"badge_type": "stone"}
    )
    assert patched.status_code == 200
    (updated,) = await watcher.wait_for("badge:updated")
    assert updated["data"]["badge_type"] == "stone"
    removed = await admin.client.delete(f"/api/admin/badges/{badge_id}")
    assert removed.status_code == 200
    (gone,) = await watcher.wait_for("badge:removed")
    assert gone == {
        "project_id": project_id,
        "data": {"id": badge_id, "badge_type": "stone", "points": 5},
    }
    await owner_socket.wait_for("badge:removed")
    assert bystander.named("badge:awarded") == []


async def test_a_refused_award_emits_nothing(
    live_url: str, listeners: Any, users: UserFactory, projects: ProjectFactory
) -> None:
    owner = await users.actor()
    project_id = str(await projects.project_id(owner.user))
    owner_socket = await listeners(live_url, owner.access)
    validator = await make_validator(users, can_validate_all=True)
    assert (await award(validator.client, project_id, "gold")).status_code == 201
    await owner_socket.wait_for("badge:awarded")
    assert (await award(validator.client, project_id, "gold")).status_code == 409
    outsider = await make_validator(users, categories=["web"])
    assert (await award(outsider.client, project_id, "gold")).status_code == 403
    await asyncio.sleep(0.3)  # time for a wrongly emitted event to arrive
    assert len(owner_socket.named("badge:awarded")) == 1
