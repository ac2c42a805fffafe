"""Cache namespaces of chains, and the bumps a chain change implies."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from oxship.kit.outbox import outbox_of

CHAINS = "chains"
# Lists also show view counts, which do not bump them (a view would empty the list cache):
# they catch up within this time.
LIST_TTL = 300
# A chain's stats aggregate its projects' votes and views, which do not bump it.
DETAIL_TTL = 60


def chain_ns(chain_id: uuid.UUID | str) -> str:
    """One chain's detail."""
    return f"chain:{chain_id}"


def chain_changed(session: AsyncSession, chain_id: uuid.UUID) -> None:
    """Invalidate what shows this chain: its detail and the chain lists."""
    outbox_of(session).bump(chain_ns(chain_id), CHAINS)
