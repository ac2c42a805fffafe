"""Cache namespaces of chain posts."""

from __future__ import annotations

import uuid

POSTS_TTL = 5 * 60


def posts_ns(chain_id: uuid.UUID | str) -> str:
    """Every cached forum view of one chain (bumped by every post write in the chain)."""
    return f"chain_posts:{chain_id}"
