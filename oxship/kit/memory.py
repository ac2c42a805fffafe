"""Giving freed heap memory back to the OS, so a long-running process's RSS follows what it holds.

CPython frees response bodies and query results to the C allocator; glibc keeps the freed pages in
its heaps (a body of 80 kB freed between live ones leaves a hole it never returns), so the resident
size of a busy server climbs to its peak and stays there. `malloc_trim(0)` hands every whole free
page back (measured in docs/benchmarks.md: ~100 MB per worker, ~7 ms of CPU). Blocks from a
fixed size up (`use_mmap_from`) get their own mappings instead, so a big body is returned whole the
moment it is freed (glibc's default threshold drifts up to 32 MB as big blocks are freed, and then
they fragment the heap too). Elsewhere (musl, macOS) there are no such calls and these do nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import logging
import sys
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)


_M_MMAP_THRESHOLD = -3  # mallopt parameter (malloc.h)


def _libc_function(name: str, *argtypes: type[ctypes._SimpleCData[int]]) -> Any:
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = getattr(ctypes.CDLL("libc.so.6"), name)
    except (OSError, AttributeError):
        return None
    function.argtypes = list(argtypes)
    function.restype = ctypes.c_int
    return function


_MALLOC_TRIM = _libc_function("malloc_trim", ctypes.c_size_t)
_MALLOPT = _libc_function("mallopt", ctypes.c_int, ctypes.c_int)


def use_mmap_from(size: int) -> bool:
    """Allocate blocks of `size` bytes and more in their own mappings; False if not supported."""
    return _MALLOPT is not None and _MALLOPT(_M_MMAP_THRESHOLD, size) == 1


def trim() -> bool:
    """Return the allocator's free pages to the OS; False where the C library cannot."""
    if _MALLOC_TRIM is None:
        return False
    _MALLOC_TRIM(0)
    return True


async def trim_forever(
    interval: float, stop: asyncio.Event, *, trim: Callable[[], bool] = trim
) -> None:
    """Call `trim` in a thread every `interval` seconds until `stop` is set."""
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)
            return
        try:
            await asyncio.to_thread(trim)
        except Exception:  # never let housekeeping take the process down
            log.exception("memory: trim failed")
