"""Concurrent binds of one wallet (committed transactions): exactly one user gets it."""

from __future__ import annotations

import asyncio

import pytest

from tests.factories.users import UserFactory
from tests.web3.conftest import WalletRows
from tests.web3.wallets import new_wallet, signed_body

pytestmark = pytest.mark.committed

NONCE = "/api/blockchain/nonce"
VERIFY = "/api/blockchain/verify-wallet"


async def test_users_binding_one_wallet_at_once_leave_exactly_one_holder(
    users: UserFactory, rows: WalletRows
) -> None:
    racers = [await users.actor() for _ in range(4)]
    for _ in range(3):  # a few rounds, each with a fresh wallet
        wallet = new_wallet()
        bodies = []
        for racer in racers:
            issued = await racer.client.get(NONCE, params={"address": wallet.address})
            bodies.append(signed_body(wallet, issued.json()["data"]["message"]))

        responses = await asyncio.gather(
            *(
                racer.client.post(VERIFY, json=body)
                for racer, body in zip(racers, bodies, strict=True)
            )
        )

        statuses = sorted(r.status_code for r in responses)
        assert statuses == [200, 409, 409, 409], [r.text for r in responses]
        [winner] = [
            racer for racer, r in zip(racers, responses, strict=True) if r.status_code == 200
        ]
        assert await rows.holders(wallet.address) == [winner.user.id]
        for racer in racers:
            if racer is not winner:  # a loser keeps what it had (a wallet won in an earlier round)
                assert await rows.wallet(racer.user.id) != wallet.address


async def test_one_nonce_sent_twice_at_once_binds_once(
    users: UserFactory, rows: WalletRows
) -> None:
    actor = await users.actor()
    wallet = new_wallet()
    issued = await actor.client.get(NONCE, params={"address": wallet.address})
    body = signed_body(wallet, issued.json()["data"]["message"])

    responses = await asyncio.gather(*(actor.client.post(VERIFY, json=body) for _ in range(3)))

    assert sorted(r.status_code for r in responses) == [200, 400, 400], [r.text for r in responses]
    assert await rows.holders(wallet.address) == [actor.user.id]
