"""HTTP routes of wallet sign-in: the SIWE nonce and wallet verification."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from oxship.auth.dependencies import CurrentUser, RuntimeDep
from oxship.db import SessionDep, WriteSessionDep
from oxship.kit.envelope import ERROR_RESPONSES, Envelope, JSONBody, ok
from oxship.users.schemas import own_user
from oxship.web3 import service
from oxship.web3.schemas import NonceOut, VerifyWalletIn, WalletOut

router = APIRouter(prefix="/api/blockchain", tags=["blockchain"], responses=ERROR_RESPONSES)

PRIVATE = {"Cache-Control": "private, no-store"}
CERT_PENDING = (
    "Wallet linked; the 0xCert lookup failed: retry with POST /api/blockchain/verify-cert"
)

Address = Annotated[
    str | None,
    Query(max_length=42, description="the wallet to sign with: 0x + 40 hex (checksummed or lower)"),
]


@router.get("/nonce", response_model=Envelope[NonceOut])
async def nonce(
    session: WriteSessionDep, runtime: RuntimeDep, user: CurrentUser, address: Address = None
) -> JSONBody:
    """A single-use EIP-4361 nonce for the caller and the message to sign (with `?address=`)."""
    data = await service.issue_nonce(session, runtime, user=user, address=address)
    return ok(data, headers=PRIVATE)


@router.post("/verify-wallet", response_model=Envelope[WalletOut])
async def verify_wallet(
    body: VerifyWalletIn, session: SessionDep, runtime: RuntimeDep, user: CurrentUser
) -> JSONBody:
    """Verify a signed EIP-4361 message, bind its wallet to the caller, then look up the 0xCert."""
    result = await service.verify_wallet(
        session, runtime, user=user, text=body.message, signature=body.signature
    )
    message = "Wallet linked" if result.cert_error is None else CERT_PENDING
    data = {
        "user": own_user(user),
        "wallet_address": result.address,
        "cert": result.cert,
        "cert_error": result.cert_error,
    }
    return ok(data, message=message, headers=PRIVATE)
