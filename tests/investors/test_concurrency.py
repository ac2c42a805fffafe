"""Applications and decisions under concurrency: the partial unique index keeps one open row."""

from __future__ import annotations

import asyncio

import pytest

from oxship.runtime import Runtime
from tests.factories.users import UserFactory
from tests.investors.conftest import ADMIN_LIST, APPLY, Rows, application

pytestmark = pytest.mark.committed


async def test_concurrent_duplicate_applications_make_one_row(
    users: UserFactory, runtime: Runtime
) -> None:
    actor = await users.actor()
    rows = Rows(runtime)

    responses = await asyncio.gather(
        *(actor.client.post(APPLY, json=application()) for _ in range(8))
    )

    assert sorted(r.status_code for r in responses) == [201] + [409] * 7, [
        r.text for r in responses
    ]
    (profile,) = await rows.profiles_of(actor.user.id)
    assert profile.status == "pending"
    assert len(await rows.tags_of(profile.id)) == 5


async def test_concurrent_approve_and_reject_decide_once(
    users: UserFactory, runtime: Runtime
) -> None:
    applicant = await users.actor()
    admin = await users.admin()
    rows = Rows(runtime)
    request = (await applicant.client.post(APPLY, json=application())).json()["data"]
    path = f"{ADMIN_LIST}/{request['id']}"

    responses = await asyncio.gather(
        *(
            admin.client.post(f"{path}/approve", json={})
            if i % 2 == 0
            else admin.client.post(f"{path}/reject", json={"reason": "no"})
            for i in range(6)
        )
    )

    assert sorted(r.status_code for r in responses) == [200] + [409] * 5, [
        r.text for r in responses
    ]
    (profile,) = await rows.profiles_of(applicant.user.id)
    winner = next(r for r in responses if r.status_code == 200).json()["data"]["status"]
    assert profile.status == winner
    assert (await rows.user(applicant.user.id)).is_investor is (winner == "approved")
    assert len(await rows.notifications_of(applicant.user.id)) == 1
