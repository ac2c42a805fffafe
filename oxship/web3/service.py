"""Wallet sign-in rules (EIP-4361): issuing nonces, verifying signed messages, binding wallets."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from sqlalchemy.ext.asyncio import AsyncSession

from oxship.auth import service as auth
from oxship.certs import service as certs
from oxship.config import Settings
from oxship.errors import BadRequest, Conflict, Unavailable, ValidationFailed
from oxship.kit.clock import utcnow
from oxship.kit.outbox import outbox_of
from oxship.models import User
from oxship.users.cache import profile_ns
from oxship.web3 import repository
from oxship.web3.siwe import SiweError, SiweMessage, checksum_address, new_nonce, parse

if TYPE_CHECKING:
    from oxship.runtime import Runtime

log = logging.getLogger(__name__)

STATEMENT = "Link this wallet to your oxship account."
NONCE_PURPOSE = "siwe_nonce"  # of the one-time token rows holding sign-in nonces
CLOCK_SKEW = timedelta(seconds=60)
"""How far ahead of the server's clock a client's `Issued At` / `Not Before` may be."""
NONCE_LIMIT = "60/hour"
"""Nonces one user may request (each is a stored row)."""
RECOVERY_IDS = frozenset({0, 1, 27, 28})
"""Accepted `v` bytes of a personal_sign (EIP-191) signature."""


def siwe_domain(settings: Settings) -> str:
    """The domain every message must name: SIWE_DOMAIN, else the host[:port] of PUBLIC_URL."""
    return settings.siwe_domain or urlsplit(settings.public_url).netloc


def siwe_uri(settings: Settings) -> str:
    """The URI every message must name: SIWE_URI, else PUBLIC_URL."""
    return settings.siwe_uri or settings.public_url


async def issue_nonce(
    session: AsyncSession, runtime: Runtime, *, user: User, address: str | None
) -> dict[str, Any]:
    """Store a single-use nonce for the caller; the fields (and text) of the message to sign."""
    wallet = None
    if address is not None:
        try:
            wallet = checksum_address(address)
        except SiweError as exc:
            raise ValidationFailed.field("address", str(exc)) from exc
    await runtime.limiter.hit(
        NONCE_LIMIT, "siwe-nonce", str(user.id), message="Too many sign-in nonces, try later"
    )
    settings = runtime.settings
    now = utcnow().replace(microsecond=0)
    expires = now + timedelta(seconds=settings.siwe_nonce_ttl)
    nonce = new_nonce()
    auth.store_one_time_token(
        session, user_id=user.id, purpose=NONCE_PURPOSE, secret=nonce, expires_at=expires
    )
    fields = SiweMessage(
        domain=siwe_domain(settings),
        address=wallet or "",
        statement=STATEMENT,
        uri=siwe_uri(settings),
        chain_id=settings.siwe_chain_id,
        nonce=nonce,
        issued_at=now,
        expiration_time=expires,
    )
    return {
        "nonce": nonce,
        "domain": fields.domain,
        "uri": fields.uri,
        "version": fields.version,
        "chain_id": fields.chain_id,
        "statement": STATEMENT,
        "issued_at": now,
        "expiration_time": expires,
        "address": wallet,
        "message": fields.to_text() if wallet else None,
    }


@dataclass(frozen=True, slots=True)
class WalletBinding:
    """The outcome of verify-wallet: the bound address and the 0xCert lookup."""

    address: str
    cert: dict[str, Any] | None
    cert_error: str | None


def _check_fields(message: SiweMessage, settings: Settings) -> None:
    """Refuse a message not meant for this server, or outside its validity window (400)."""
    now = utcnow()
    if message.domain != siwe_domain(settings):
        raise BadRequest(f"The message is for another domain (expected {siwe_domain(settings)})")
    if message.scheme is not None and message.scheme != urlsplit(siwe_uri(settings)).scheme:
        raise BadRequest("The message names another scheme than this site's")
    if message.uri != siwe_uri(settings):
        raise BadRequest(f"The message is for another URI (expected {siwe_uri(settings)})")
    if message.chain_id != settings.siwe_chain_id:
        raise BadRequest(f"The message is for another chain (expected {settings.siwe_chain_id})")
    if message.issued_at > now + CLOCK_SKEW:
        raise BadRequest("The message is issued in the future")
    if message.expiration_time is not None and message.expiration_time <= now:
        raise BadRequest("The message has expired: request a new nonce")
    if message.not_before is not None and message.not_before > now + CLOCK_SKEW:
        raise BadRequest("The message is not valid yet")


def _recover(text: str, signature: str) -> str:
    """The address that signed `text` (EIP-191 personal_sign); 400 if the signature is invalid."""
    raw = bytes.fromhex(signature[2:])
    if raw[-1] not in RECOVERY_IDS:
        raise BadRequest("The signature is not a valid Ethereum signature")
    # eth-account takes over a second to import: loaded on first use, not at every process start.
    from eth_account import Account
    from eth_account.messages import encode_defunct
    from eth_keys.exceptions import BadSignature

    try:
        signer: str = Account.recover_message(encode_defunct(text=text), signature=raw)
    except (BadSignature, ValueError) as exc:
        raise BadRequest("The signature is not a valid Ethereum signature") from exc
    return signer


async def verify_wallet(
    session: AsyncSession, runtime: Runtime, *, user: User, text: str, signature: str
) -> WalletBinding:
    """Verify a signed EIP-4361 message, consume its nonce, bind its address, look up the 0xCert."""
    try:
        message = parse(text)
    except SiweError as exc:
        raise ValidationFailed.field("message", str(exc)) from exc
    _check_fields(message, runtime.settings)
    # In a thread: the first call imports eth-account (over a second), which must not stall the loop.
    if await asyncio.to_thread(_recover, text, signature) != message.address:
        raise BadRequest("The signature was not made by the message's address")
    consumed = await auth.spend_one_time_token(
        session, purpose=NONCE_PURPOSE, secret=message.nonce, user_id=user.id
    )
    if consumed is None:
        raise BadRequest("The nonce is unknown, already used, expired or issued to someone else")
    await _bind(session, user, message.address)
    cert, cert_error = await _look_up_cert(session, runtime, user)
    return WalletBinding(address=message.address, cert=cert, cert_error=cert_error)


WALLET_TAKEN = "This wallet is already linked to another account"


async def _bind(session: AsyncSession, user: User, address: str) -> None:
    """Bind `address` to the user (replacing any other); 409 if another user holds it."""
    if user.wallet_address == address:
        return
    holder = await repository.wallet_holder(session, address)
    if holder is not None and holder != user.id:
        raise Conflict(WALLET_TAKEN)
    # The unique constraint decides a race between two users binding one wallet.
    if not await repository.bind_wallet(session, user_id=user.id, address=address):
        raise Conflict(WALLET_TAKEN)
    user.wallet_address = address
    outbox_of(session).bump(profile_ns(user.username))


async def _look_up_cert(
    session: AsyncSession, runtime: Runtime, user: User
) -> tuple[dict[str, Any] | None, str | None]:
    """The 0xCert of the newly bound wallet; (None, reason) when the chain is unavailable.

    The binding stands either way: a failed lookup is rolled back to its savepoint and leaves
    `has_oxcert` as it was.
    """
    settings = runtime.settings
    if not (settings.chain_rpc_url and settings.oxcert_contract_address):
        return None, None
    try:
        async with session.begin_nested():
            cert = await certs.check_user_wallet(session, runtime, user)
    except Unavailable as exc:
        log.info("wallet %s bound; its 0xCert lookup failed: %s", user.id, exc.message)
        return None, exc.message
    await session.refresh(user)
    return cert, None
