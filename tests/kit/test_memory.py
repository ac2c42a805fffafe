"""Returning freed heap memory to the OS: `trim()` and its periodic task."""

from __future__ import annotations

import asyncio
import itertools
import platform
import subprocess
import sys
import time

import pytest

from oxship.kit import memory

GLIBC = sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"

# A heap like a busy server's: 80 kB bodies freed between 1 kB survivors leave holes that glibc
# keeps (resident) until malloc_trim hands their pages back.
FRAGMENT_THEN_TRIM = """
import sys
from oxship.kit import memory

def rss_kib():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])

bodies, survivors = [], []
for i in range(3_000):
    bodies.append(bytes(80_000) + bytes([i % 256]))
    survivors.append(bytes(1_000) + bytes([i % 256]))
del bodies
before = rss_kib()
memory.trim()
print(before, rss_kib(), len(survivors))
"""

MMAPPED_BODIES = """
from oxship.kit import memory

def rss_kib():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])

print(memory.use_mmap_from(65_536))
start = rss_kib()
bodies, survivors = [], []
for i in range(3_000):
    bodies.append(bytes(80_000) + bytes([i % 256]))
    survivors.append(bytes(1_000) + bytes([i % 256]))
held = rss_kib()
del bodies
print(start, held, rss_kib(), len(survivors))
"""


@pytest.mark.skipif(not GLIBC, reason="malloc_trim is glibc's")
def test_trim_returns_the_pages_of_freed_bodies_to_the_os() -> None:
    out = subprocess.run(
        [sys.executable, "-c", FRAGMENT_THEN_TRIM], capture_output=True, text=True, check=True
    ).stdout.split()
    before, after = int(out[0]), int(out[1])
    # 240 MB of bodies were freed; at least 100 MB of them were still resident before the trim.
    assert before - after > 100_000, (before, after)


@pytest.mark.skipif(not GLIBC, reason="mallopt is glibc's")
def test_big_blocks_in_their_own_mappings_are_returned_when_freed() -> None:
    out = subprocess.run(
        [sys.executable, "-c", MMAPPED_BODIES], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out[0] == "True"
    start, held, freed = int(out[1]), int(out[2]), int(out[3])
    assert held - start > 200_000, (start, held)  # 240 MB of bodies were resident
    assert held - freed > 200_000, (start, held, freed)  # and left with them, no trim needed


def test_trim_says_whether_it_can() -> None:
    assert memory.trim() is GLIBC


async def test_trim_forever_trims_every_interval_until_stopped() -> None:
    calls: list[float] = []
    stop = asyncio.Event()

    def count() -> bool:
        calls.append(time.monotonic())
        return True

    task = asyncio.create_task(memory.trim_forever(0.02, stop, trim=count))
    await asyncio.sleep(0.15)
    stop.set()
    await asyncio.wait_for(task, timeout=1)
    assert 3 <= len(calls) <= 8
    assert all(b - a >= 0.015 for a, b in itertools.pairwise(calls))
    done = len(calls)
    await asyncio.sleep(0.05)
    assert len(calls) == done, "no trim after stop"


async def test_a_failing_trim_does_not_end_the_loop() -> None:
    calls = 0
    stop = asyncio.Event()

    def broken() -> bool:
        nonlocal calls
        calls += 1
        raise OSError("no")

    task = asyncio.create_task(memory.trim_forever(0.01, stop, trim=broken))
    await asyncio.sleep(0.08)
    stop.set()
    await asyncio.wait_for(task, timeout=1)
    assert calls >= 2
