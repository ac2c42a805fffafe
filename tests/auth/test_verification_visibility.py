"""Issue 9 point 5 for the email verification: verifying moves the verification component of every
project the user owns by 5, and the feed, every leaderboard, the profile and karma show it on the
very next read (warm caches included), on both backends."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.auth.rows import Rows
from tests.factories.projects import ProjectFactory
from tests.factories.users import UserFactory
from tests.support.visibility import KARMA_READS, PROJECT_READS, snapshot


async def test_verifying_the_email_shows_everywhere_at_once(
    users: UserFactory, projects: ProjectFactory, client: httpx.AsyncClient, runtime: Any
) -> None:
    actor = await users.actor()
    ids = [
        (await projects.project(actor.user))["id"],
        (await projects.project(actor.user, demo_url="https://demo.example.com"))["id"],
    ]
    before = await snapshot(client, actor.user.id, actor.user.username, ids)
    assert before["verification"] == dict.fromkeys(ids, 0)
    for key in PROJECT_READS:
        assert before[key] == before["detail"], key
    assert (await actor.client.post("/api/auth/verify-email/request")).status_code == 200
    token = await Rows(runtime).mailed_token(actor.user.email, "Verify")

    assert (await client.post("/api/auth/verify-email", json={"token": token})).status_code == 200

    after = await snapshot(client, actor.user.id, actor.user.username, ids)
    assert after["verification"] == dict.fromkeys(ids, 5)
    expected = {pid: pytest.approx(proof + 5) for pid, proof in before["detail"].items()}
    for key in PROJECT_READS:
        assert after[key] == expected, key
    for pid in ids:
        assert after["trending_score"][pid] == pytest.approx(
            before["trending_score"][pid] + 0.05, abs=1e-5
        )
    for key in KARMA_READS:
        assert after[key] == pytest.approx(before[key] + 10), key
