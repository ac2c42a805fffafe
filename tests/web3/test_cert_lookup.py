"""verify-wallet looks up the 0xCert of the wallet it binds; a failed lookup keeps the binding."""

from __future__ import annotations

from typing import Any

import pytest

from oxship.certs import service as certs
from oxship.errors import Unavailable
from oxship.models import User
from oxship.runtime import Runtime
from tests.certs.conftest import node, served_node
from tests.certs.node import CONTRACT, FakeNode
from tests.factories.users import Actor, UserFactory
from tests.web3.conftest import WalletRows
from tests.web3.wallets import new_wallet, signed_body

__all__ = ["node", "served_node"]  # tests/certs' local node fixtures, found by pytest here

NONCE = "/api/blockchain/nonce"
VERIFY = "/api/blockchain/verify-wallet"


@pytest.fixture
def settings_overrides(node: FakeNode) -> dict[str, Any]:
    """The app's chain settings point at the local node."""
    return {"chain_rpc_url": node.base_url, "oxcert_contract_address": CONTRACT}


async def link(actor: Actor, wallet: Any) -> dict[str, Any]:
    """Issue a nonce, sign its message with `wallet` and verify it; the response JSON."""
    issued = await actor.client.get(NONCE, params={"address": wallet.address})
    response = await actor.client.post(
        VERIFY, json=signed_body(wallet, issued.json()["data"]["message"])
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_the_lookup_gets_the_bound_user_and_its_answer_is_returned(
    users: UserFactory, rows: WalletRows, monkeypatch: pytest.MonkeyPatch
) -> None:
    actor = await users.actor()
    wallet = new_wallet()
    seen: list[tuple[Any, str | None]] = []
    answer = {
        "wallet_address": wallet.address,
        "has_cert": True,
        "balance": 1,
        "token_id": "7",
    }

    async def check(session: Any, runtime: Runtime, user: User) -> dict[str, Any]:
        seen.append((user.id, user.wallet_address))
        return answer

    monkeypatch.setattr(certs, "check_user_wallet", check)

    body = await link(actor, wallet)

    assert seen == [(actor.user.id, wallet.address)]  # called once, after the binding
    assert body["data"]["cert"] == answer
    assert body["data"]["cert_error"] is None
    assert body["message"] == "Wallet linked"


async def test_an_unavailable_lookup_keeps_the_binding_and_says_why(
    users: UserFactory, rows: WalletRows, monkeypatch: pytest.MonkeyPatch
) -> None:
    actor = await users.actor()
    wallet = new_wallet()

    async def check(session: Any, runtime: Runtime, user: User) -> dict[str, Any]:
        raise Unavailable("The 0xCert lookup timed out. Try again later.")

    monkeypatch.setattr(certs, "check_user_wallet", check)

    body = await link(actor, wallet)

    assert body["data"]["cert"] is None
    assert body["data"]["cert_error"] == "The 0xCert lookup timed out. Try again later."
    assert "verify-cert" in body["message"]
    assert body["data"]["wallet_address"] == wallet.address
    assert await rows.wallet(actor.user.id) == wallet.address


async def test_a_wallet_holding_a_cert_sets_has_oxcert(
    users: UserFactory, rows: WalletRows, node: FakeNode
) -> None:
    actor = await users.actor()
    wallet = new_wallet()
    node.holders[wallet.address.lower()] = [42]

    body = await link(actor, wallet)

    assert body["data"]["cert"] == {
        "wallet_address": wallet.address,
        "has_cert": True,
        "balance": 1,
        "token_id": "42",
    }
    assert body["data"]["user"]["has_oxcert"] is True
    me = await actor.client.get("/api/auth/me")
    assert me.json()["data"]["has_oxcert"] is True


async def test_a_new_wallet_without_a_cert_clears_the_old_wallets_flag(
    users: UserFactory, rows: WalletRows, node: FakeNode
) -> None:
    actor = await users.actor(has_oxcert=True)
    old, new = new_wallet(), new_wallet()
    await rows.set_wallet(actor.user.id, old.address)
    node.holders[old.address.lower()] = [1]

    body = await link(actor, new)

    assert body["data"]["cert"]["has_cert"] is False
    assert body["data"]["user"]["has_oxcert"] is False
    assert body["data"]["user"]["wallet_address"] == new.address


async def test_a_failing_node_keeps_the_binding_and_the_flag(
    users: UserFactory, rows: WalletRows, node: FakeNode
) -> None:
    actor = await users.actor(has_oxcert=True)
    wallet = new_wallet()
    node.mode = "error"

    body = await link(actor, wallet)

    assert body["data"]["cert"] is None
    assert body["data"]["cert_error"]
    assert body["data"]["user"]["has_oxcert"] is True  # a failure never flips the flag
    assert await rows.wallet(actor.user.id) == wallet.address
    assert [c.method for c in node.calls] == ["eth_call"]  # the lookup was tried
