"""Response models of /api/blockchain cert lookups and chain health."""

from __future__ import annotations

from pydantic import Field

from oxship.kit.envelope import OutModel


class CertInfoOut(OutModel):
    """A wallet's 0xCert holding."""

    wallet_address: str = Field(description="EIP-55 checksummed address")
    has_cert: bool
    balance: int = Field(description="0xCert tokens held (ERC-721 balanceOf)")
    token_id: str | None = Field(
        description="tokenOfOwnerByIndex(wallet, 0) as a decimal string (uint256 exceeds JS "
        "numbers); null when the wallet holds none"
    )


class VerifyCertOut(CertInfoOut):
    """The caller's re-checked cert and the stored flag."""

    has_oxcert: bool


class ChainHealthOut(OutModel):
    """Whether the JSON-RPC node answers, and where the chain is."""

    connected: bool
    block_number: int | None
    network: str | None = Field(description="well-known name of the chain id, else chain-<id>")
    chain_id: int | None
    error: str | None = Field(description="why connected is false (never the RPC URL)")
