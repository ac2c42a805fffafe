"""Foundation scenario: a public profile read, cached vs uncached, measured side by side.

    python -m bench.foundation                      # SQLite + in-process cache (embedded mode)
    python -m bench.foundation --database-url postgresql+asyncpg://postgres@127.0.0.1/bench \\
        --redis-url redis://127.0.0.1:6379/0        # PostgreSQL + Redis

Starts two single-process servers on the same freshly migrated and seeded database, one with the
response cache and one with CACHE_ENABLED=false, then alternates load rounds between them so both see
the same machine noise, and prints the median of each figure over the rounds.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from bench.load import run


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _server(env: dict[str, str]) -> Iterator[str]:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "oxship", "serve", "--port", str(port)],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{base}/health", timeout=0.5).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def main() -> None:
    """Run the scenario and print the medians."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--redis-url")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="oxship-bench-"))
    env = {
        "DATABASE_URL": args.database_url or f"sqlite+aiosqlite:///{tmp / 'bench.db'}",
        "RATE_LIMIT_ENABLED": "false",
        "LOG_LEVEL": "WARNING",
        "CACHE_PREFIX": f"bench{os.getpid()}",
    }
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    subprocess.run(
        [sys.executable, "-m", "oxship", "migrate"], env={**os.environ, **env}, check=True
    )
    subprocess.run(
        [sys.executable, "-m", "oxship", "seed", "--demo", "--if-empty"],
        env={**os.environ, **env},
        check=True,
    )
    figures: dict[str, list[dict[str, float]]] = {"cached": [], "uncached": []}
    with _server(env) as cached, _server({**env, "CACHE_ENABLED": "false"}) as uncached:
        targets = {"cached": cached, "uncached": uncached}
        for base in targets.values():  # warm up both (connections, caches, JIT-free but still)
            asyncio.run(run(f"{base}/api/users/ada", connections=4, requests=400))
        for _ in range(args.rounds):
            for name, base in targets.items():
                result = asyncio.run(
                    run(
                        f"{base}/api/users/ada",
                        connections=args.connections,
                        requests=args.requests,
                    )
                )
                summary = result.summary()
                assert summary["statuses"] == {200: summary["requests"]}, summary
                figures[name].append(summary)  # type: ignore[arg-type]
    print(f"| mode | rps | p50 ms | p99 ms |  (median of {args.rounds} alternating rounds)")
    for name, rounds in figures.items():
        med = {
            k: statistics.median(float(r[k]) for r in rounds) for k in ("rps", "p50_ms", "p99_ms")
        }
        print(f"| {name} | {med['rps']:.0f} | {med['p50_ms']:.2f} | {med['p99_ms']:.2f} |")


if __name__ == "__main__":
    main()
