"""`check_user_wallet`: the hook wallet sign-in calls right after binding a wallet."""

from __future__ import annotations

from typing import Any

import pytest

from oxship.certs import service as certs
from oxship.db import transaction
from oxship.errors import Unavailable
from oxship.models import User
from oxship.runtime import Runtime
from tests.certs.conftest import NOT_CONFIGURED, Rows
from tests.certs.node import FakeNode
from tests.factories.users import UserFactory

HOLDER = "0x" + "34" * 20


async def check(runtime: Runtime, user: User) -> dict[str, Any] | None:
    """Run the hook in its own unit of work, as a request would."""
    async with transaction(runtime) as session:
        loaded = await session.get(User, user.id)
        assert loaded is not None
        return await certs.check_user_wallet(session, runtime, loaded)


async def test_the_hook_stores_the_flag_of_a_holder(
    runtime: Runtime, users: UserFactory, node: FakeNode, rows: Rows
) -> None:
    user = await users.user(wallet_address=HOLDER)
    node.holders[HOLDER] = [9]

    info = await check(runtime, user)

    assert info == {"wallet_address": HOLDER, "has_cert": True, "balance": 1, "token_id": "9"}
    assert (await rows.user(user.id)).has_oxcert is True


async def test_the_hook_without_a_wallet_returns_none(
    runtime: Runtime, users: UserFactory, node: FakeNode
) -> None:
    user = await users.user()

    assert await check(runtime, user) is None
    assert node.calls == []


@pytest.mark.parametrize("extra_settings", [NOT_CONFIGURED])
async def test_the_hook_when_not_configured_returns_none(
    runtime: Runtime, users: UserFactory, node: FakeNode, rows: Rows
) -> None:
    user = await users.user(wallet_address=HOLDER, has_oxcert=True)

    assert await check(runtime, user) is None
    assert node.calls == []
    assert (await rows.user(user.id)).has_oxcert is True


async def test_the_hook_raises_unavailable_and_keeps_the_flag(
    runtime: Runtime, users: UserFactory, node: FakeNode, rows: Rows
) -> None:
    user = await users.user(wallet_address=HOLDER, has_oxcert=True)
    node.mode = "error"

    with pytest.raises(Unavailable, match="The 0xCert lookup failed"):
        await check(runtime, user)

    assert (await rows.user(user.id)).has_oxcert is True
