"""Decisions reach the applicant's socket, after commit, and nobody else's."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.factories.users import UserFactory
from tests.investors.conftest import ADMIN_LIST, APPLY, application

pytestmark = pytest.mark.committed


async def test_approval_and_rejection_notify_the_applicant_live(
    live_url: str, listeners: Any, users: UserFactory
) -> None:
    admin = await users.admin()
    approved, rejected, bystander = [await users.actor() for _ in range(3)]
    sockets = {
        name: await listeners(live_url, actor.access)
        for name, actor in (("approved", approved), ("rejected", rejected), ("other", bystander))
    }
    first = (await approved.client.post(APPLY, json=application())).json()["data"]
    second = (await rejected.client.post(APPLY, json=application())).json()["data"]

    ok = await admin.client.post(f"{ADMIN_LIST}/{first['id']}/approve", json={})
    no = await admin.client.post(f"{ADMIN_LIST}/{second['id']}/reject", json={"reason": "Later"})

    assert ok.status_code == no.status_code == 200
    (yes_event,) = await sockets["approved"].wait_for("new_notification")
    assert yes_event["type"] == "investor_request_approved"
    assert yes_event["data"] == {"request_id": first["id"]}
    (no_event,) = await sockets["rejected"].wait_for("new_notification")
    assert no_event["type"] == "investor_request_rejected"
    assert no_event["data"]["reason"] == "Later"
    await asyncio.sleep(0.2)
    assert sockets["other"].named("new_notification") == []
