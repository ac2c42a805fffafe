"""The per-process tier: a small LRU of response bodies with per-entry expiry."""

from __future__ import annotations

import time
from collections import OrderedDict


class LocalTier:
    """LRU mapping key → (body, expires_at); not thread-safe (one event loop per process)."""

    __slots__ = ("_entries", "max_entries", "max_ttl")

    def __init__(self, max_entries: int, max_ttl: float) -> None:
        self.max_entries = max_entries
        self.max_ttl = max_ttl
        self._entries: OrderedDict[str, tuple[bytes, float]] = OrderedDict()

    def get(self, key: str) -> bytes | None:
        """The fresh body stored under `key`, or None."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        body, expires_at = entry
        if expires_at <= time.monotonic():
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return body

    def set(self, key: str, body: bytes, ttl: float) -> None:
        """Store `body` for at most min(ttl, max_ttl) seconds."""
        if self.max_entries <= 0:
            return
        self._entries[key] = (body, time.monotonic() + min(ttl, self.max_ttl))
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        """Drop every entry."""
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
