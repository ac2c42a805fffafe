"""The per-process tier: a small LRU of response bodies (with their ETags), per-entry expiry and a
byte budget."""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from typing import NamedTuple

# What an entry costs beyond its body and key: the tuples, ETag, float, the OrderedDict's node.
ENTRY_OVERHEAD = 200


def etag_of(body: bytes) -> str:
    """A strong ETag for a response body."""
    return '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


class Cached(NamedTuple):
    """A body and its ETag, computed once when the body is loaded."""

    body: bytes
    etag: str

    @classmethod
    def of(cls, body: bytes) -> Cached:
        """`body` with its ETag."""
        return cls(body, etag_of(body))


class LocalTier:
    """LRU mapping key → (Cached, expires_at), bounded by entries and by bytes.

    Not thread-safe (one event loop per process).
    """

    __slots__ = ("_entries", "max_bytes", "max_entries", "max_ttl", "size")

    def __init__(self, max_entries: int, max_ttl: float, max_bytes: int = 32 << 20) -> None:
        self.max_entries = max_entries
        self.max_ttl = max_ttl
        self.max_bytes = max_bytes
        self.size = 0  # bytes held: bodies, keys and ENTRY_OVERHEAD each
        self._entries: OrderedDict[str, tuple[Cached, float]] = OrderedDict()

    @staticmethod
    def _cost(key: str, body: bytes) -> int:
        return len(body) + len(key) + ENTRY_OVERHEAD

    def get(self, key: str) -> Cached | None:
        """The fresh entry stored under `key`, or None."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        cached, expires_at = entry
        if expires_at <= time.monotonic():
            self._drop(key)
            return None
        self._entries.move_to_end(key)
        return cached

    def set(self, key: str, cached: Cached, ttl: float) -> None:
        """Store `cached` for at most min(ttl, max_ttl) seconds, evicting the least recent to fit."""
        cost = self._cost(key, cached.body)
        if self.max_entries <= 0 or cost > self.max_bytes:
            return
        if key in self._entries:
            self._drop(key)
        self._entries[key] = (cached, time.monotonic() + min(ttl, self.max_ttl))
        self.size += cost
        while len(self._entries) > self.max_entries or self.size > self.max_bytes:
            old_key, (old, _) = self._entries.popitem(last=False)
            self.size -= self._cost(old_key, old.body)

    def _drop(self, key: str) -> None:
        cached, _ = self._entries.pop(key)
        self.size -= self._cost(key, cached.body)

    def clear(self) -> None:
        """Drop every entry."""
        self._entries.clear()
        self.size = 0

    def __len__(self) -> int:
        return len(self._entries)
