"""The /api/blockchain cert routes over the app, with real HTTP round trips to the local node."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from oxship.models import User
from tests.certs.conftest import NOT_CONFIGURED, RawClient, Rows, assert_unavailable
from tests.certs.node import FakeNode
from tests.factories.projects import ProjectFactory
from tests.factories.users import UserFactory

HOLDER = "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"
HOLDER_CHECKSUM = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
OTHER = "0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359"
TOKEN = 2**160 + 42  # past JavaScript's safe integers
INFO = "/api/blockchain/cert-info/"
VERIFY = "/api/blockchain/verify-cert"
HEALTH = "/api/blockchain/health"


async def wallet_user(users: UserFactory, address: str, **overrides: Any) -> User:
    """A user whose wallet is bound (as wallet sign-in leaves it)."""
    return await users.user(wallet_address=address, **overrides)


# --- GET /cert-info/{wallet_address} ---------------------------------------------------------


async def test_cert_info_of_a_holder(client: httpx.AsyncClient, node: FakeNode) -> None:
    node.holders[HOLDER] = [TOKEN]

    response = await client.get(INFO + HOLDER)

    assert response.status_code == 200
    assert response.json()["data"] == {
        "wallet_address": HOLDER_CHECKSUM,
        "has_cert": True,
        "balance": 1,
        "token_id": str(TOKEN),
    }
    assert node.functions() == ["balanceOf", "tokenOfOwnerByIndex"]
    assert {c.path for c in node.calls} == {"/v3/secret-provider-key-0123"}


async def test_cert_info_of_a_non_holder_skips_token_of_owner_by_index(
    client: httpx.AsyncClient, node: FakeNode
) -> None:
    response = await client.get(INFO + HOLDER_CHECKSUM)

    assert response.status_code == 200
    assert response.json()["data"] == {
        "wallet_address": HOLDER_CHECKSUM,
        "has_cert": False,
        "balance": 0,
        "token_id": None,
    }
    assert node.functions() == ["balanceOf"]


@pytest.mark.parametrize(
    "address",
    [
        "0x123",
        HOLDER[2:] + "00",  # 42 characters, no 0x
        "0x" + "g" * 40,
        HOLDER + "0",
        HOLDER_CHECKSUM[:-1] + "D",  # mixed case, wrong EIP-55 checksum
        "0x" + "%20" * 40,
        HOLDER + "%0A",  # a trailing newline must not slip past `$`
    ],
)
async def test_a_malformed_address_is_422_without_any_rpc_call(
    client: httpx.AsyncClient, node: FakeNode, address: str
) -> None:
    response = await client.get(INFO + address)

    assert response.status_code == 422
    assert response.json()["error"] == "validation_error"
    assert response.json()["details"][0]["field"] == "wallet_address"
    assert node.calls == []


async def test_cert_info_is_cached(client: httpx.AsyncClient, node: FakeNode) -> None:
    node.holders[HOLDER] = [TOKEN]
    first = await client.get(INFO + HOLDER)
    node.holders[HOLDER] = []  # the chain moved on: the cached answer stands for 30 minutes
    calls = len(node.calls)

    second = await client.get(INFO + HOLDER)

    assert second.status_code == 200
    assert second.json() == first.json()
    assert second.json()["data"]["has_cert"] is True
    assert len(node.calls) == calls == 2


async def test_an_rpc_error_is_a_503_and_is_not_cached(
    raw_client: RawClient, node: FakeNode
) -> None:
    node.mode = "error"

    failed = await raw_client().get(INFO + HOLDER)

    assert_unavailable(failed, "0xCert lookup failed", "header not found")
    node.mode = "ok"
    node.holders[HOLDER] = [TOKEN]
    recovered = await raw_client().get(INFO + HOLDER)
    assert recovered.status_code == 200
    assert recovered.json()["data"]["has_cert"] is True


@pytest.mark.parametrize("extra_settings", [NOT_CONFIGURED])
async def test_lookups_answer_503_when_not_configured(
    raw_client: RawClient, users: UserFactory, node: FakeNode
) -> None:
    user = await wallet_user(users, HOLDER, has_oxcert=True)
    actor = await users.actor(user)

    info = await raw_client().get(INFO + HOLDER)
    verify = await raw_client(actor.access).post(VERIFY)

    assert_unavailable(info, "blockchain lookups are not configured")
    assert_unavailable(verify, "blockchain lookups are not configured")
    assert node.calls == []


# --- POST /verify-cert ---------------------------------------------------------------------


async def test_verify_cert_of_a_holder_moves_every_project_by_ten_points(
    users: UserFactory,
    projects: ProjectFactory,
    client: httpx.AsyncClient,
    node: FakeNode,
    rows: Rows,
) -> None:
    user = await wallet_user(users, HOLDER)
    actor = await users.actor(user)
    ids = [await projects.project_id(user) for _ in range(2)]
    before = {pid: await rows.project(pid) for pid in ids}
    karma_before = (await rows.user(user.id)).karma
    node.holders[HOLDER] = [TOKEN]

    response = await actor.client.post(VERIFY)

    assert response.status_code == 200
    assert response.json()["data"] == {
        "wallet_address": HOLDER_CHECKSUM,
        "has_cert": True,
        "balance": 1,
        "token_id": str(TOKEN),
        "has_oxcert": True,
    }
    stored = await rows.user(user.id)
    assert stored.has_oxcert is True
    assert stored.karma == pytest.approx(karma_before + 20)
    for pid in ids:
        after, old = await rows.project(pid), before[pid]
        assert after.verification_score == old.verification_score + 10
        assert after.proof_score == pytest.approx(old.proof_score + 10)
        assert after.trending_score == pytest.approx(old.trending_score + 0.1)
        assert after.score_breakdown["verification"]["has_oxcert"] is True
    # Visible at once through the (cached) public reads.
    feed = {p["id"]: p for p in (await client.get("/api/projects?sort=newest")).json()["data"]}
    for pid in ids:
        assert feed[str(pid)]["proof_score"] == pytest.approx(before[pid].proof_score + 10)
    board = (await client.get("/api/leaderboard/users")).json()["data"]
    mine = next(u for u in board if u["id"] == str(user.id))
    assert mine["karma"] == pytest.approx(karma_before + 20)
    assert mine["has_oxcert"] is True
    profile = await client.get(f"/api/users/{user.username}")
    assert profile.json()["data"]["has_oxcert"] is True


async def test_reads_cached_before_the_verification_show_it_after(
    users: UserFactory, projects: ProjectFactory, client: httpx.AsyncClient, node: FakeNode
) -> None:
    user = await wallet_user(users, HOLDER)
    actor = await users.actor(user)
    pid = await projects.project_id(user)
    feed_before = (await client.get("/api/projects?sort=newest")).json()["data"]
    board_before = (await client.get("/api/leaderboard/users")).json()["data"]
    profile_before = (await client.get(f"/api/users/{user.username}")).json()["data"]
    node.holders[HOLDER] = [TOKEN]

    assert (await actor.client.post(VERIFY)).status_code == 200

    feed = (await client.get("/api/projects?sort=newest")).json()["data"]
    board = (await client.get("/api/leaderboard/users")).json()["data"]
    profile = (await client.get(f"/api/users/{user.username}")).json()["data"]
    old = next(p for p in feed_before if p["id"] == str(pid))
    new = next(p for p in feed if p["id"] == str(pid))
    assert new["proof_score"] == pytest.approx(old["proof_score"] + 10)
    old_karma = next(u["karma"] for u in board_before if u["id"] == str(user.id))
    assert next(u["karma"] for u in board if u["id"] == str(user.id)) == old_karma + 10
    assert (profile_before["has_oxcert"], profile["has_oxcert"]) == (False, True)


async def test_verify_cert_refreshes_the_cached_cert_info(
    users: UserFactory, client: httpx.AsyncClient, node: FakeNode
) -> None:
    actor = await users.actor(await wallet_user(users, HOLDER))
    assert (await client.get(INFO + HOLDER)).json()["data"]["has_cert"] is False
    node.holders[HOLDER] = [TOKEN]
    assert (await client.get(INFO + HOLDER)).json()["data"]["has_cert"] is False  # cached

    assert (await actor.client.post(VERIFY)).json()["data"]["has_cert"] is True

    calls = len(node.calls)
    fresh = await client.get(INFO + HOLDER)
    assert fresh.json()["data"]["has_cert"] is True
    assert fresh.json()["data"]["token_id"] == str(TOKEN)
    assert len(node.calls) == calls + 2  # looked up again, once


async def test_a_wallet_that_lost_its_cert_loses_the_points(
    users: UserFactory, projects: ProjectFactory, node: FakeNode, rows: Rows
) -> None:
    user = await wallet_user(users, HOLDER, has_oxcert=True)
    actor = await users.actor(user)
    pid = await projects.project_id(user)
    before = await rows.project(pid)
    assert before.score_breakdown["verification"]["has_oxcert"] is True

    response = await actor.client.post(VERIFY)

    assert response.status_code == 200
    assert response.json()["data"]["has_oxcert"] is False
    assert (await rows.user(user.id)).has_oxcert is False
    assert (await rows.project(pid)).verification_score == before.verification_score - 10


async def test_an_unchanged_flag_recomputes_nothing(
    users: UserFactory, projects: ProjectFactory, node: FakeNode, rows: Rows
) -> None:
    user = await wallet_user(users, HOLDER, has_oxcert=True)
    actor = await users.actor(user)
    pid = await projects.project_id(user)
    before = await rows.project(pid)
    node.holders[HOLDER] = [TOKEN]

    response = await actor.client.post(VERIFY)

    assert response.json()["data"]["has_oxcert"] is True
    after = await rows.project(pid)
    assert (after.proof_score, after.updated_at) == (before.proof_score, before.updated_at)


@pytest.mark.parametrize("mode", ["error", "http_500", "bad_result"])
async def test_an_rpc_failure_is_503_and_keeps_has_oxcert(
    users: UserFactory,
    projects: ProjectFactory,
    raw_client: RawClient,
    node: FakeNode,
    rows: Rows,
    mode: str,
) -> None:
    user = await wallet_user(users, HOLDER, has_oxcert=True)
    actor = await users.actor(user)
    pid = await projects.project_id(user)
    before = await rows.project(pid)
    node.mode = mode  # type: ignore[assignment]

    response = await raw_client(actor.access).post(VERIFY)

    assert_unavailable(response, "The 0xCert lookup failed")
    assert (await rows.user(user.id)).has_oxcert is True
    assert (await rows.project(pid)).proof_score == before.proof_score


@pytest.mark.parametrize("rpc_timeout", [0.3])
async def test_an_rpc_timeout_is_503_within_the_deadline_and_keeps_has_oxcert(
    users: UserFactory, raw_client: RawClient, node: FakeNode, rows: Rows
) -> None:
    user = await wallet_user(users, HOLDER, has_oxcert=True)
    actor = await users.actor(user)
    node.mode = "slow"
    started = time.monotonic()

    response = await raw_client(actor.access).post(VERIFY)

    elapsed = time.monotonic() - started
    assert_unavailable(response, "The 0xCert lookup timed out", "0.3 s")
    assert elapsed < 0.3 + 1.0
    assert (await rows.user(user.id)).has_oxcert is True
    timed_out = await raw_client().get(INFO + OTHER)
    assert_unavailable(timed_out, "timed out")


async def test_verify_cert_without_a_wallet_is_409(users: UserFactory, node: FakeNode) -> None:
    actor = await users.actor()

    response = await actor.client.post(VERIFY)

    assert response.status_code == 409
    assert "No wallet is bound" in response.json()["message"]
    assert node.calls == []


async def test_verify_cert_needs_a_signed_in_user(client: httpx.AsyncClient) -> None:
    response = await client.post(VERIFY)

    assert response.status_code == 401


@pytest.mark.parametrize("extra_settings", [{"rate_limit_cert_checks": "2/minute"}])
async def test_verify_cert_is_rate_limited_per_user(
    users: UserFactory, node: FakeNode, rows: Rows
) -> None:
    actor = await users.actor(await wallet_user(users, HOLDER))
    other = await users.actor(await wallet_user(users, OTHER))
    node.holders[HOLDER] = [TOKEN]

    statuses = [(await actor.client.post(VERIFY)).status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
    assert len(node.calls) == 4  # the refused check made no RPC call
    assert (await other.client.post(VERIFY)).status_code == 200  # per user


# --- GET /health ---------------------------------------------------------------------------


async def test_health_reports_the_block_number_and_network(
    client: httpx.AsyncClient, node: FakeNode
) -> None:
    node.block_number = 20_123_456

    response = await client.get(HEALTH)

    assert response.status_code == 200
    assert response.json()["data"] == {
        "connected": True,
        "block_number": 20_123_456,
        "network": "sepolia",
        "chain_id": 11_155_111,
        "error": None,
    }
    assert [c.method for c in node.calls] == ["eth_blockNumber", "eth_chainId"]


async def test_health_of_a_failing_node_is_a_200_report(
    client: httpx.AsyncClient, node: FakeNode
) -> None:
    node.mode = "error"

    response = await client.get(HEALTH)

    assert response.status_code == 200
    data = response.json()["data"]
    assert (data["connected"], data["block_number"], data["network"]) == (False, None, None)
    assert "header not found" in data["error"]
    assert "secret-provider-key" not in response.text


@pytest.mark.parametrize("extra_settings", [NOT_CONFIGURED])
async def test_health_when_not_configured(client: httpx.AsyncClient) -> None:
    response = await client.get(HEALTH)

    assert response.status_code == 200
    assert response.json()["data"]["connected"] is False
    assert response.json()["data"]["error"] == "blockchain lookups are not configured"
