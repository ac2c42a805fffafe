"""Wallet sign-in (EIP-4361) with real keys and signatures: nonces, checks and binding."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from oxship.kit.clock import as_utc, utcnow
from tests.factories.users import Actor, UserFactory
from tests.web3.conftest import WalletRows
from tests.web3.wallets import (
    DOMAIN,
    URI,
    message_for,
    message_from_fields,
    new_wallet,
    sign,
    signed_body,
)

NONCE = "/api/blockchain/nonce"
VERIFY = "/api/blockchain/verify-wallet"


async def issue(actor: Actor, address: str | None = None) -> dict[str, Any]:
    """GET /nonce as `actor`; the data of the answer."""
    response = await actor.client.get(NONCE, params={"address": address} if address else None)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


async def test_signed_message_binds_the_wallet(users: UserFactory, rows: WalletRows) -> None:
    actor = await users.actor()
    wallet = new_wallet()
    data = await issue(actor, wallet.address)

    response = await actor.client.post(VERIFY, json=signed_body(wallet, data["message"]))

    assert response.status_code == 200, response.text
    body = response.json()["data"]
    assert body["wallet_address"] == wallet.address
    assert body["user"]["wallet_address"] == wallet.address
    assert body["user"]["id"] == str(actor.user.id)
    assert (body["cert"], body["cert_error"]) == (None, None)
    assert await rows.wallet(actor.user.id) == wallet.address
    me = await actor.client.get("/api/auth/me")
    assert me.json()["data"]["wallet_address"] == wallet.address
    used = await rows.nonce(data["nonce"])
    assert used is not None
    assert used.used_at is not None


async def test_nonce_message_follows_the_settings_and_stores_only_a_hash(
    users: UserFactory, rows: WalletRows
) -> None:
    actor = await users.actor()
    wallet = new_wallet()

    data = await issue(actor, wallet.address.lower())

    assert data["address"] == wallet.address  # checksummed
    assert (data["domain"], data["uri"], data["chain_id"], data["version"]) == (DOMAIN, URI, 1, "1")
    lines = data["message"].split("\n")
    assert lines[0] == f"{DOMAIN} wants you to sign in with your Ethereum account:"
    assert lines[1] == wallet.address
    assert f"Nonce: {data['nonce']}" in lines
    assert data["message"].endswith(f"Expiration Time: {data['expiration_time']}")
    issued = datetime.fromisoformat(data["issued_at"])
    assert datetime.fromisoformat(data["expiration_time"]) - issued == timedelta(seconds=600)
    assert abs(utcnow() - issued) < timedelta(minutes=1)
    row = await rows.nonce(data["nonce"])
    assert row is not None
    assert row.user_id == actor.user.id
    assert row.purpose == "siwe_nonce"
    assert row.token_hash == hashlib.sha256(data["nonce"].encode()).hexdigest()
    assert data["nonce"] not in row.token_hash
    assert as_utc(row.expires_at) == datetime.fromisoformat(data["expiration_time"])


async def test_client_built_message_without_address_binds(
    users: UserFactory, rows: WalletRows
) -> None:
    actor = await users.actor()
    wallet = new_wallet()
    data = await issue(actor)
    assert (data["message"], data["address"]) == (None, None)

    text = message_from_fields(data, wallet)
    response = await actor.client.post(VERIFY, json=signed_body(wallet, text))

    assert response.status_code == 200, response.text
    assert await rows.wallet(actor.user.id) == wallet.address


async def test_signature_by_another_key_is_refused_and_binds_nothing(
    users: UserFactory, rows: WalletRows
) -> None:
    actor = await users.actor()
    wallet, intruder = new_wallet(), new_wallet()
    data = await issue(actor, wallet.address)

    response = await actor.client.post(VERIFY, json=signed_body(wallet, data["message"], intruder))

    assert response.status_code == 400
    assert response.json()["message"] == "The signature was not made by the message's address"
    assert await rows.wallet(actor.user.id) is None
    assert await rows.holders(intruder.address) == []
    row = await rows.nonce(data["nonce"])
    assert row is not None
    assert row.used_at is None  # the refusal changed nothing: the right signature still works
    retry = await actor.client.post(VERIFY, json=signed_body(wallet, data["message"]))
    assert retry.status_code == 200


async def test_an_invalid_signature_is_a_400(users: UserFactory, rows: WalletRows) -> None:
    actor = await users.actor()
    wallet = new_wallet()
    data = await issue(actor, wallet.address)
    good = sign(wallet, data["message"])

    for signature in ("0x" + "ff" * 65, good[:-2] + "05", "0x" + "00" * 65):
        response = await actor.client.post(
            VERIFY, json={"message": data["message"], "signature": signature}
        )
        assert response.status_code == 400, (signature, response.text)
    assert await rows.wallet(actor.user.id) is None


async def test_a_nonce_is_single_use(users: UserFactory) -> None:
    actor = await users.actor()
    wallet = new_wallet()
    data = await issue(actor, wallet.address)
    body = signed_body(wallet, data["message"])
    assert (await actor.client.post(VERIFY, json=body)).status_code == 200

    again = await actor.client.post(VERIFY, json=body)

    assert again.status_code == 400
    assert "nonce" in again.json()["message"]


async def test_a_nonce_issued_to_another_user_is_refused(
    users: UserFactory, rows: WalletRows
) -> None:
    alice, bob = await users.actor(), await users.actor()
    wallet = new_wallet()
    data = await issue(alice, wallet.address)
    body = signed_body(wallet, data["message"])

    response = await bob.client.post(VERIFY, json=body)

    assert response.status_code == 400
    assert "nonce" in response.json()["message"]
    assert await rows.wallet(bob.user.id) is None
    assert (await alice.client.post(VERIFY, json=body)).status_code == 200


async def test_a_nonce_nobody_issued_is_refused(users: UserFactory, rows: WalletRows) -> None:
    actor = await users.actor()
    wallet = new_wallet()

    response = await actor.client.post(
        VERIFY, json=signed_body(wallet, message_for(wallet, "abcdef0123456789"))
    )

    assert response.status_code == 400
    assert await rows.wallet(actor.user.id) is None


async def test_an_expired_nonce_is_refused(users: UserFactory, rows: WalletRows) -> None:
    actor = await users.actor()
    wallet = new_wallet()
    data = await issue(actor, wallet.address)
    await rows.expire_nonce(data["nonce"])

    response = await actor.client.post(VERIFY, json=signed_body(wallet, data["message"]))

    assert response.status_code == 400
    assert "expired" in response.json()["message"]
    assert await rows.wallet(actor.user.id) is None


async def test_an_expired_message_is_refused_even_with_a_live_nonce(
    users: UserFactory, rows: WalletRows
) -> None:
    actor = await users.actor()
    wallet = new_wallet()
    data = await issue(actor)
    past = utcnow() - timedelta(minutes=5)
    text = message_for(
        wallet, data["nonce"], issued_at=past - timedelta(minutes=1), expiration_time=past
    )

    response = await actor.client.post(VERIFY, json=signed_body(wallet, text))

    assert response.status_code == 400
    assert response.json()["message"] == "The message has expired: request a new nonce"
    assert await rows.wallet(actor.user.id) is None


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"domain": "evil.example.com"}, "another domain"),
        ({"uri": "https://evil.example.com"}, "another URI"),
        ({"chain_id": 137}, "another chain"),
        ({"scheme": "ftp"}, "another scheme"),
        ({"issued_at": utcnow() + timedelta(hours=1)}, "issued in the future"),
        ({"not_before": utcnow() + timedelta(hours=1)}, "not valid yet"),
    ],
)
async def test_a_message_for_another_site_chain_or_time_is_refused(
    users: UserFactory, rows: WalletRows, fields: dict[str, Any], reason: str
) -> None:
    actor = await users.actor()
    wallet = new_wallet()
    data = await issue(actor)
    text = message_for(wallet, data["nonce"], **fields)

    response = await actor.client.post(VERIFY, json=signed_body(wallet, text))

    assert response.status_code == 400
    assert reason in response.json()["message"]
    assert await rows.wallet(actor.user.id) is None
    row = await rows.nonce(data["nonce"])
    assert row is not None
    assert row.used_at is None


@pytest.mark.parametrize(
    "settings_overrides",
    [
        {
            "siwe_domain": "app.example.com",
            "siwe_uri": "https://app.example.com",
            "siwe_chain_id": 10,
        }
    ],
)
async def test_siwe_settings_name_the_domain_uri_and_chain(
    users: UserFactory, rows: WalletRows
) -> None:
    actor = await users.actor()
    wallet = new_wallet()
    data = await issue(actor, wallet.address)
    assert (data["domain"], data["uri"], data["chain_id"]) == (
        "app.example.com",
        "https://app.example.com",
        10,
    )
    stale = message_for(wallet, data["nonce"])  # the default domain, URI and chain
    assert (await actor.client.post(VERIFY, json=signed_body(wallet, stale))).status_code == 400

    response = await actor.client.post(VERIFY, json=signed_body(wallet, data["message"]))

    assert response.status_code == 200, response.text
    assert await rows.wallet(actor.user.id) == wallet.address


def _replace_line(text: str, index: int, line: str) -> str:
    lines = text.split("\n")
    lines[index] = line
    return "\n".join(lines)


MALFORMED = {
    "not siwe": lambda text: "hello world",
    "crlf": lambda text: text.replace("\n", "\r\n"),
    "trailing newline": lambda text: text + "\n",
    "lower-case address": lambda text: _replace_line(text, 1, text.split("\n")[1].lower()),
    "bad checksum": lambda text: _replace_line(text, 1, text.split("\n")[1].swapcase()),
    "version 2": lambda text: text.replace("Version: 1", "Version: 2"),
    "short nonce": lambda text: _replace_line(text, 8, "Nonce: abc"),
    "bad date": lambda text: _replace_line(text, 9, "Issued At: yesterday"),
    "fields out of order": lambda text: text.replace("URI: ", "URL: "),
    "extra line": lambda text: text + "\nHello: there",
    "nul": lambda text: text.replace("Link this", "Link\x00this"),
}


@pytest.mark.parametrize("mangle", list(MALFORMED.values()), ids=list(MALFORMED))
async def test_a_malformed_message_is_a_422(
    users: UserFactory, rows: WalletRows, mangle: Any
) -> None:
    actor = await users.actor()
    wallet = new_wallet()
    data = await issue(actor, wallet.address)
    text = mangle(data["message"])

    response = await actor.client.post(VERIFY, json=signed_body(wallet, text))

    assert response.status_code == 422, response.text
    assert response.json()["error"] == "validation_error"
    assert await rows.wallet(actor.user.id) is None


@pytest.mark.parametrize(
    "body",
    [
        {"message": "x" * 2001, "signature": "0x" + "ab" * 65},
        {"message": "", "signature": "0x" + "ab" * 65},
        {"message": "hi", "signature": "0x" + "ab" * 64},
        {"message": "hi", "signature": "ab" * 65},
        {"message": "hi", "signature": "0x" + "zz" * 65},
        {"message": "hi"},
        {"signature": "0x" + "ab" * 65},
        {"message": 12, "signature": "0x" + "ab" * 65},
        [],
    ],
)
async def test_a_malformed_body_is_a_422(users: UserFactory, body: Any) -> None:
    actor = await users.actor()

    response = await actor.client.post(VERIFY, json=body)

    assert response.status_code == 422, response.text
    assert response.json()["error"] == "validation_error"


@pytest.mark.parametrize(
    "address",
    ["0x123", "0x" + "g" * 40, "not-an-address", "0x" + "ab" * 21, "0xAbCdEf" + "0" * 34],
)
async def test_a_malformed_address_is_a_422(
    users: UserFactory, rows: WalletRows, address: str
) -> None:
    actor = await users.actor()

    response = await actor.client.get(NONCE, params={"address": address})

    assert response.status_code == 422, response.text
    assert response.json()["error"] == "validation_error"
    assert await rows.nonce_purposes(actor.user.id) == []


async def test_a_wallet_bound_to_another_user_is_a_409(
    users: UserFactory, rows: WalletRows
) -> None:
    alice, bob = await users.actor(), await users.actor()
    wallet = new_wallet()
    first = await issue(alice, wallet.address)
    assert (await alice.client.post(VERIFY, json=signed_body(wallet, first["message"]))).is_success
    second = await issue(bob, wallet.address)

    response = await bob.client.post(VERIFY, json=signed_body(wallet, second["message"]))

    assert response.status_code == 409
    assert response.json()["message"] == "This wallet is already linked to another account"
    assert await rows.holders(wallet.address) == [alice.user.id]
    assert await rows.wallet(bob.user.id) is None
    row = await rows.nonce(second["nonce"])
    assert row is not None
    assert row.used_at is None


async def test_rebinding_ones_own_wallet_is_fine_and_a_new_wallet_replaces_it(
    users: UserFactory, rows: WalletRows
) -> None:
    actor = await users.actor()
    wallet, other = new_wallet(), new_wallet()
    for _ in range(2):
        data = await issue(actor, wallet.address)
        response = await actor.client.post(VERIFY, json=signed_body(wallet, data["message"]))
        assert response.status_code == 200, response.text
        assert await rows.wallet(actor.user.id) == wallet.address

    data = await issue(actor, other.address)
    response = await actor.client.post(VERIFY, json=signed_body(other, data["message"]))

    assert response.status_code == 200
    assert await rows.wallet(actor.user.id) == other.address
    assert await rows.holders(wallet.address) == []


async def test_binding_refreshes_the_cached_public_profile(
    users: UserFactory, client: httpx.AsyncClient
) -> None:
    actor = await users.actor()
    wallet = new_wallet()
    profile = f"/api/users/{actor.user.username}"
    assert (await client.get(profile)).json()["data"]["wallet_address"] is None
    data = await issue(actor, wallet.address)

    assert (await actor.client.post(VERIFY, json=signed_body(wallet, data["message"]))).is_success

    assert (await client.get(profile)).json()["data"]["wallet_address"] == wallet.address


async def test_anonymous_callers_get_no_nonce(client: httpx.AsyncClient) -> None:
    response = await client.get(NONCE)

    assert response.status_code == 401


async def test_nonces_are_rate_limited_per_user(users: UserFactory) -> None:
    actor, other = await users.actor(), await users.actor()
    for _ in range(60):
        assert (await actor.client.get(NONCE)).status_code == 200

    refused = await actor.client.get(NONCE)

    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert (await other.client.get(NONCE)).status_code == 200
