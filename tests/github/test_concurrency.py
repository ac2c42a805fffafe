"""One GitHub login, one account, under real concurrency (committed transactions): of several users
finishing the flow with the same GitHub account at once, exactly one is linked, the others get 409."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from oxship.models import User
from oxship.runtime import Runtime
from tests.factories.users import UserFactory
from tests.github.conftest import CALLBACK, CONNECT, authorize

pytestmark = pytest.mark.committed


async def test_concurrent_links_of_one_login_link_exactly_one_account(
    users: UserFactory, runtime: Runtime
) -> None:
    actors = [await users.actor() for _ in range(6)]
    grants = []
    for actor in actors:
        auth_url = (await actor.client.get(CONNECT)).json()["data"]["auth_url"]
        grants.append(await authorize(auth_url, "shared-login"))

    responses = await asyncio.gather(
        *(
            actor.client.get(CALLBACK, params={"code": code, "state": state})
            for actor, (code, state) in zip(actors, grants, strict=True)
        )
    )

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [409] * 5, [r.text for r in responses]
    async with runtime.sessionmaker() as session:
        linked = await session.scalar(
            select(func.count()).select_from(User).where(User.github_username == "shared-login")
        )
    assert linked == 1
