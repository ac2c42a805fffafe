"""The response cache (ARCHITECTURE §4.1): versioned namespaces, a local LRU tier and a Redis tier."""

from oxship.kit.cache.http import CacheDep, cached_json, caller_overlay
from oxship.kit.cache.local import etag_of
from oxship.kit.cache.store import ResponseCache, is_warming, warming

__all__ = [
    "CacheDep",
    "ResponseCache",
    "cached_json",
    "caller_overlay",
    "etag_of",
    "is_warming",
    "warming",
]
