"""HTTP routes of 0xCert lookups and chain health."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request

from oxship.auth.dependencies import CurrentUser, RuntimeDep
from oxship.certs import service
from oxship.certs.schemas import CertInfoOut, ChainHealthOut, VerifyCertOut
from oxship.db import SessionDep
from oxship.kit.cache import CacheDep, cached_json
from oxship.kit.envelope import ERROR_RESPONSES, Envelope, JSONBody, ok, success

router = APIRouter(prefix="/api/blockchain", tags=["blockchain"], responses=ERROR_RESPONSES)

WalletAddress = Annotated[
    str,
    Path(
        pattern=r"^0x[0-9a-fA-F]{40}$",
        description="0x + 40 hex digits; a mixed-case address must be EIP-55 checksummed",
    ),
]


@router.post("/verify-cert", response_model=Envelope[VerifyCertOut])
async def verify_cert(session: SessionDep, runtime: RuntimeDep, user: CurrentUser) -> JSONBody:
    """Re-check the 0xCert of the caller's bound wallet and store `has_oxcert`."""
    return ok(await service.verify_cert(session, runtime, user))


@router.get("/cert-info/{wallet_address}", response_model=Envelope[CertInfoOut])
async def cert_info(
    request: Request, wallet_address: WalletAddress, runtime: RuntimeDep, cache: CacheDep
) -> Any:
    """A wallet's 0xCert (cached 30 minutes; re-verifying the wallet refreshes it)."""
    address = service.parse_address(wallet_address)

    async def load() -> dict[str, Any]:
        return success(await service.cert_info(runtime, address))

    return await cached_json(
        request, cache, namespaces=[service.cert_ns(address)], ttl=service.CERT_TTL, load=load
    )


@router.get("/health", response_model=Envelope[ChainHealthOut])
async def chain_health(runtime: RuntimeDep) -> JSONBody:
    """Whether the JSON-RPC node answers: always 200, `connected: false` when it does not."""
    return ok(await service.chain_health(runtime))
