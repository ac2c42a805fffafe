"""Wallet sign-in request and response models."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, StringConstraints

from oxship.certs.schemas import CertInfoOut
from oxship.kit.envelope import OutModel
from oxship.users.schemas import MeOut

MESSAGE_MAX = 2000

SignedMessage = Annotated[str, StringConstraints(min_length=1, max_length=MESSAGE_MAX)]
Signature = Annotated[str, StringConstraints(pattern=r"^0x[0-9a-fA-F]{130}$")]


class VerifyWalletIn(BaseModel):
    """`POST /api/blockchain/verify-wallet`: the EIP-4361 message as signed, and its signature."""

    message: SignedMessage
    signature: Signature


class NonceOut(OutModel):
    """A single-use sign-in nonce and the fields of the message to sign.

    `message` is the complete EIP-4361 text when `?address=` was given, else null: the client
    builds it from these fields and the wallet's address.
    """

    nonce: str
    domain: str
    uri: str
    version: str
    chain_id: int
    statement: str
    issued_at: datetime
    expiration_time: datetime
    address: str | None
    message: str | None


class WalletOut(OutModel):
    """The caller after binding: their account, the bound wallet and its 0xCert lookup.

    `cert` is null when no chain is configured or the lookup failed; `cert_error` then says why
    when it failed (the wallet stays bound: `POST /verify-cert` retries the lookup).
    """

    user: MeOut
    wallet_address: str
    cert: CertInfoOut | None
    cert_error: str | None
