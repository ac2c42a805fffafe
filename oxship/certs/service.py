"""0xCert lookups: ERC-721 balanceOf / tokenOfOwnerByIndex over JSON-RPC, cached; chain health."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from oxship.certs import abi
from oxship.certs.rpc import RpcClient, RpcError
from oxship.errors import Conflict, Unavailable, ValidationFailed
from oxship.kit.outbox import outbox_of
from oxship.models import User
from oxship.projects import service as projects
from oxship.runtime import Runtime
from oxship.users import service as users

log = logging.getLogger(__name__)

CERT_TTL = 30 * 60
"""Seconds a `GET /cert-info/{address}` answer is cached (re-verification invalidates it)."""

NOT_CONFIGURED = "blockchain lookups are not configured"

NETWORKS: dict[int, str] = {
    1: "mainnet",
    10: "optimism",
    56: "bsc",
    100: "gnosis",
    137: "polygon",
    8453: "base",
    42161: "arbitrum",
    43114: "avalanche",
    59144: "linea",
    80002: "polygon-amoy",
    84532: "base-sepolia",
    11155111: "sepolia",
    17000: "holesky",
    1337: "localhost",
    31337: "hardhat",
}
"""Names of well-known chain ids; any other is reported as `chain-<id>`."""


@dataclass(frozen=True, slots=True)
class ChainConfig:
    """Where lookups go."""

    rpc_url: str
    contract: str
    timeout: float


def cert_ns(address: str) -> str:
    """The cache namespace of one address's cert info (lowercase: any spelling shares it)."""
    return f"cert:{address.lower()}"


def parse_address(raw: str, *, field: str = "wallet_address") -> str:
    """The lowercase address of `raw`; 422 unless 0x + 40 hex with a valid EIP-55 case (if mixed)."""
    if not abi.is_address(raw):
        raise ValidationFailed.field(field, "must be 0x followed by 40 hex digits")
    if not abi.has_valid_checksum(raw):
        raise ValidationFailed.field(field, "mixed-case address with an invalid EIP-55 checksum")
    return raw.lower()


def chain_config(runtime: Runtime) -> ChainConfig | None:
    """The configured RPC endpoint and contract, or None when either is unset."""
    settings = runtime.settings
    if not settings.chain_rpc_url or not settings.oxcert_contract_address:
        return None
    return ChainConfig(
        rpc_url=settings.chain_rpc_url,
        contract=settings.oxcert_contract_address.lower(),
        timeout=settings.chain_rpc_timeout,
    )


def _unavailable(exc: RpcError) -> Unavailable:
    log.warning("certs: JSON-RPC lookup failed: %s", exc.reason)
    what = "timed out" if exc.timeout else "failed"
    return Unavailable(f"The 0xCert lookup {what}: {exc.reason}. Try again later.")


async def lookup(config: ChainConfig, address: str) -> dict[str, Any]:
    """One live lookup: `balanceOf`, then `tokenOfOwnerByIndex(address, 0)` when it is > 0.

    Raises RpcError (timeout included: the whole lookup shares `config.timeout`).
    """
    async with RpcClient.open(config.rpc_url, config.timeout) as rpc:
        balance = await rpc.uint256_call(config.contract, abi.balance_of_data(address), "balanceOf")
        token_id = None
        if balance > 0:
            token_id = await rpc.uint256_call(
                config.contract,
                abi.token_of_owner_by_index_data(address, 0),
                "tokenOfOwnerByIndex",
            )
    return {
        "wallet_address": abi.to_checksum_address(address),
        "has_cert": balance > 0,
        "balance": balance,
        "token_id": None if token_id is None else str(token_id),
    }


async def cert_info(runtime: Runtime, address: str) -> dict[str, Any]:
    """The cert info of an address (live, uncached): 422 malformed, 503 not configured or RPC down."""
    address = parse_address(address)
    config = chain_config(runtime)
    if config is None:
        raise Unavailable(NOT_CONFIGURED)
    try:
        return await lookup(config, address)
    except RpcError as exc:
        raise _unavailable(exc) from exc


async def check_user_wallet(
    session: AsyncSession, runtime: Runtime, user: User
) -> dict[str, Any] | None:
    """Look up the 0xCert of the user's bound wallet and store `has_oxcert`.

    Returns the cert info `{wallet_address, has_cert, balance, token_id}`, or None when no RPC is
    configured (CHAIN_RPC_URL / OXCERT_CONTRACT_ADDRESS unset) or the user has no wallet. When the
    flag changes, the verification score of every project the user owns is recomputed (proof,
    trending, karma) in this transaction and the cert-info cache entry is invalidated. An RPC error
    or timeout raises `Unavailable` (503) and leaves `has_oxcert` as it was.
    """
    config = chain_config(runtime)
    if config is None or not user.wallet_address or not abi.is_address(user.wallet_address):
        return None
    address = user.wallet_address.lower()
    try:
        info = await lookup(config, address)
    except RpcError as exc:
        raise _unavailable(exc) from exc
    if info["has_cert"] != user.has_oxcert:
        await users.set_fields(session, user, has_oxcert=info["has_cert"])  # bumps the profile
        await projects.recompute_owner_projects(session, user.id)  # verification points (§2.1)
    # Re-verification refreshes the public answer too, whether or not the flag moved.
    outbox_of(session).bump(cert_ns(address))
    return info


async def verify_cert(session: AsyncSession, runtime: Runtime, user: User) -> dict[str, Any]:
    """`POST /verify-cert`: re-check the caller's bound wallet → cert info plus `has_oxcert`.

    409 without a bound wallet, then 503 when not configured or the node fails, 429 past
    RATE_LIMIT_CERT_CHECKS.
    """
    if not user.wallet_address:
        raise Conflict(
            "No wallet is bound to this account: sign in with your wallet first "
            "(POST /api/blockchain/verify-wallet)"
        )
    if chain_config(runtime) is None:
        raise Unavailable(NOT_CONFIGURED)
    spec = runtime.settings.rate_limit_cert_checks
    if spec:
        await runtime.limiter.hit(
            spec, "cert-check", str(user.id), message="Too many certificate checks, try later"
        )
    info = await check_user_wallet(session, runtime, user)
    if info is None:  # a stored wallet that is not an address: nothing can be looked up
        raise Conflict("The wallet bound to this account is not a valid address")
    return {**info, "has_oxcert": user.has_oxcert}


async def chain_health(runtime: Runtime) -> dict[str, Any]:
    """`{connected, block_number, network, chain_id, error}`: a report, never an error itself."""
    settings = runtime.settings
    report: dict[str, Any] = {
        "connected": False,
        "block_number": None,
        "network": None,
        "chain_id": None,
        "error": None,
    }
    if not settings.chain_rpc_url:
        return {**report, "error": NOT_CONFIGURED}
    try:
        async with RpcClient.open(settings.chain_rpc_url, settings.chain_rpc_timeout) as rpc:
            block = await rpc.block_number()
            chain_id = await rpc.chain_id()
    except RpcError as exc:
        log.warning("certs: chain health check failed: %s", exc.reason)
        return {**report, "error": exc.reason}
    return {
        "connected": True,
        "block_number": block,
        "network": NETWORKS.get(chain_id, f"chain-{chain_id}"),
        "chain_id": chain_id,
        "error": None,
    }
