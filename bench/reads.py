"""Public reads, cached vs uncached, measured side by side on the demo dataset.

    python -m bench.reads                           # SQLite + in-process cache (embedded mode)
    python -m bench.reads --database-url postgresql+asyncpg://postgres@127.0.0.1/bench \\
        --redis-url redis://127.0.0.1:6379/0        # PostgreSQL + Redis (database must exist)

Starts two single-process servers on the same freshly migrated and seeded database (`seed --demo`:
40 users, 200 projects, ~1,200 votes, ~500 comments), one with the response cache and one with
CACHE_ENABLED=false, then alternates load rounds between them so both see the same machine noise,
and prints the median of each figure over the rounds, per route.
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
from typing import Any

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
    with _server(env) as cached, _server({**env, "CACHE_ENABLED": "false"}) as uncached:
        project = httpx.get(f"{cached}/api/projects?per_page=1").json()["data"][0]["id"]
        routes = {
            "profile": "/api/users/ada",
            "feed page 1": "/api/projects",
            "feed filtered": "/api/projects?sort=top_rated&category=defi&per_page=50",
            "project detail": f"/api/projects/{project}",
            "comment tree": f"/api/projects/{project}/comments",
        }
        targets = {"cached": cached, "uncached": uncached}
        figures: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for route, path in routes.items():
            for base in targets.values():  # warm up: connections, caches
                asyncio.run(run(f"{base}{path}", connections=4, requests=200))
            for _ in range(args.rounds):
                for mode, base in targets.items():
                    summary = asyncio.run(
                        run(f"{base}{path}", connections=args.connections, requests=args.requests)
                    ).summary()
                    assert summary["statuses"] == {200: summary["requests"]}, summary
                    figures.setdefault((route, mode), []).append(summary)
    print(f"median of {args.rounds} alternating rounds, {args.connections} connections")
    print("| route | mode | rps | p50 ms | p99 ms |")
    print("|---|---|---|---|---|")
    for (route, mode), rounds in figures.items():
        med = {
            k: statistics.median(float(r[k]) for r in rounds) for k in ("rps", "p50_ms", "p99_ms")
        }
        print(
            f"| {route} | {mode} | {med['rps']:.0f} | {med['p50_ms']:.2f} | {med['p99_ms']:.2f} |"
        )


if __name__ == "__main__":
    main()
