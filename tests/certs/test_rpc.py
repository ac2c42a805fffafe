"""The JSON-RPC client over real HTTP to the local node: request shape, results, every failure."""

from __future__ import annotations

import time

import pytest

from oxship.certs import service
from oxship.certs.rpc import RpcClient, RpcError
from oxship.certs.service import ChainConfig
from tests.certs.node import CONTRACT, FakeNode
from tests.support.servers import free_port

HOLDER = "0x" + "12" * 20  # digits only: its EIP-55 form is itself
TOKEN = 2**200 + 7  # far past 2**53: only a decimal string keeps it exact in JavaScript


def config(node: FakeNode, timeout: float = 5.0) -> ChainConfig:
    return ChainConfig(rpc_url=node.base_url, contract=CONTRACT, timeout=timeout)


async def test_lookup_of_a_holder_calls_balance_of_then_token_of_owner_by_index(
    node: FakeNode,
) -> None:
    node.holders[HOLDER] = [TOKEN, 5]

    info = await service.lookup(config(node), HOLDER)

    assert info == {
        "wallet_address": HOLDER,
        "has_cert": True,
        "balance": 2,
        "token_id": str(TOKEN),
    }
    assert node.functions() == ["balanceOf", "tokenOfOwnerByIndex"]


async def test_lookup_of_a_non_holder_makes_one_call(node: FakeNode) -> None:
    info = await service.lookup(config(node), "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")

    assert info == {
        "wallet_address": "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        "has_cert": False,
        "balance": 0,
        "token_id": None,
    }
    assert node.functions() == ["balanceOf"]


async def test_block_number_and_chain_id(node: FakeNode) -> None:
    node.block_number = 19_000_000

    async with RpcClient.open(node.base_url, 5.0) as rpc:
        assert await rpc.block_number() == 19_000_000
        assert await rpc.chain_id() == 11_155_111

    assert [c.method for c in node.calls] == ["eth_blockNumber", "eth_chainId"]


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("error", "the node refused eth_call: header not found (code -32000)"),
        ("http_500", "the node answered HTTP 500 to eth_call"),
        ("not_json", "the node's answer to eth_call is not JSON"),
        ("wrong_id", "is not a JSON-RPC response to it"),
        ("bad_result", "balanceOf returned a malformed result"),
    ],
)
async def test_every_bad_answer_is_an_rpc_error(node: FakeNode, mode: str, reason: str) -> None:
    node.holders[HOLDER] = [1]
    node.mode = mode  # type: ignore[assignment]

    with pytest.raises(RpcError) as caught:
        await service.lookup(config(node), HOLDER)

    assert reason in caught.value.reason
    assert not caught.value.timeout
    assert len(node.calls) == 1  # the first failure ends the lookup


async def test_a_revert_of_token_of_owner_by_index_is_an_rpc_error(node: FakeNode) -> None:
    node.holders[HOLDER] = []  # balance 0: no second call
    assert (await service.lookup(config(node), HOLDER))["has_cert"] is False

    with pytest.raises(RpcError) as caught:
        async with RpcClient.open(node.base_url, 5.0) as rpc:
            await rpc.eth_call(CONTRACT, "0x2f745c59" + "00" * 64)

    assert "execution reverted" in caught.value.reason


async def test_a_contract_that_is_not_deployed_is_named(node: FakeNode) -> None:
    elsewhere = ChainConfig(rpc_url=node.base_url, contract="0x" + "0d" * 20, timeout=5.0)

    with pytest.raises(RpcError) as caught:
        await service.lookup(elsewhere, HOLDER)

    assert "balanceOf returned no data: is the contract deployed?" in caught.value.reason


async def test_an_unreachable_node_is_an_rpc_error() -> None:
    dead = ChainConfig(rpc_url=f"http://127.0.0.1:{free_port()}", contract=CONTRACT, timeout=2.0)

    with pytest.raises(RpcError) as caught:
        await service.lookup(dead, HOLDER)

    assert "could not be reached" in caught.value.reason


async def test_a_slow_node_times_out_within_the_deadline(node: FakeNode) -> None:
    node.mode = "slow"
    started = time.monotonic()

    with pytest.raises(RpcError) as caught:
        await service.lookup(config(node, timeout=0.3), HOLDER)

    elapsed = time.monotonic() - started
    assert caught.value.timeout
    assert 0.25 <= elapsed < 1.3
    assert "did not answer" in caught.value.reason
