"""Real wallets for the wallet sign-in tests: fresh keys, EIP-4361 messages, personal_sign."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from eth_account import Account
from eth_account.messages import encode_defunct
from eth_account.signers.local import LocalAccount

from oxship.kit.clock import utcnow
from oxship.web3.siwe import SiweMessage

DOMAIN = "127.0.0.1:8000"
"""The host[:port] of the default PUBLIC_URL, which the tests' settings keep."""
URI = "http://127.0.0.1:8000"


def new_wallet() -> LocalAccount:
    """A freshly generated key."""
    return Account.create()


def sign(wallet: LocalAccount, text: str) -> str:
    """The EIP-191 personal_sign signature of `text`, as 0x + 130 hex."""
    signature = wallet.sign_message(encode_defunct(text=text)).signature
    return "0x" + bytes(signature).hex()


def message_for(
    wallet: LocalAccount,
    nonce: str,
    *,
    issued_at: datetime | None = None,
    expiration_time: datetime | None = None,
    **fields: Any,
) -> str:
    """An EIP-4361 message for this server, as a client library would build it."""
    now = utcnow()
    message = SiweMessage(
        domain=DOMAIN,
        address=wallet.address,
        statement="Link this wallet to your oxship account.",
        uri=URI,
        chain_id=1,
        nonce=nonce,
        issued_at=issued_at or now,
        expiration_time=expiration_time or now + timedelta(minutes=10),
    )
    return replace(message, **fields).to_text()


def signed_body(
    wallet: LocalAccount, text: str, signer: LocalAccount | None = None
) -> dict[str, str]:
    """The verify-wallet body: `text` signed by `signer` (the wallet itself by default)."""
    return {"message": text, "signature": sign(signer or wallet, text)}


def message_from_fields(data: dict[str, Any], wallet: LocalAccount) -> str:
    """The message a client builds from a `GET /nonce` answer (without ?address) and its wallet."""
    return SiweMessage(
        domain=data["domain"],
        address=wallet.address,
        statement=data["statement"],
        uri=data["uri"],
        version=data["version"],
        chain_id=data["chain_id"],
        nonce=data["nonce"],
        issued_at=datetime.fromisoformat(data["issued_at"]),
        expiration_time=datetime.fromisoformat(data["expiration_time"]),
    ).to_text()
