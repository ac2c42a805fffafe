"""Uncached latency, one client at a time, per endpoint (issue 7's "uncached" target).

    python -m bench.latency                       # the scale-1.0 bench database, 200 requests each
    python -m bench.latency --requests 50 --database-url postgresql+asyncpg://…/oxship_bench_s01

Starts `oxship serve --workers 1` with `CACHE_ENABLED=false` on the database (already loaded by
`oxship seed --bench`), then sends `--requests` sequential requests to each endpoint below (after 10
unrecorded ones) from a single client, and prints p50/p95/p99 per endpoint as a Markdown table.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Sequence

import httpx

from bench.report import DEFAULT_DB, DEFAULT_REDIS, Fixtures, _fixtures, _login, serve


def endpoints(fixtures: Fixtures, other_user: str) -> list[tuple[str, str, bool]]:
    """(label, path, authenticated) of every hot uncached read of the target."""
    popular = fixtures.projects[0][0]
    return [
        ("feed, trending (default)", "/api/projects", False),
        ("feed, newest", "/api/projects?sort=newest", False),
        ("feed, top_rated", "/api/projects?sort=top_rated", False),
        ("feed, most_voted", "/api/projects?sort=most_voted", False),
        ("feed, filtered (category)", "/api/projects?category=defi", False),
        ("feed, filtered (tech + sort)", "/api/projects?tech_stack=rust&sort=newest", False),
        ("feed, page 50", "/api/projects?page=50", False),
        ("project detail", f"/api/projects/{popular}", False),
        ("comment tree", f"/api/projects/{popular}/comments", False),
        ("search", "/api/search?q=proof", False),
        ("search, typo", "/api/search?q=protcol&type=projects", False),
        ("conversations", "/api/messages/conversations", True),
        ("conversation page", f"/api/messages/conversation/{other_user}", True),
        ("notifications", "/api/notifications", True),
        ("investor directory", "/api/investors/public", False),
        (
            "investor directory, filters",
            "/api/investors/public?stage=seed&industry=defi&min_ticket=50000&sort=ticket_size",
            False,
        ),
        ("chain list", "/api/chains", False),
        ("leaderboard trending", "/api/leaderboard/trending", False),
    ]


def _pct(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def measure(base: str, token: str, targets: list[tuple[str, str, bool]], n: int) -> str:
    """The Markdown table of p50/p95/p99 per endpoint."""
    rows = ["| Endpoint | p50 ms | p95 ms | p99 ms |", "|---|---|---|---|"]
    auth = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        for label, path, authenticated in targets:
            headers = auth if authenticated else {}
            for _ in range(10):
                (await client.get(path, headers=headers)).raise_for_status()
            times = []
            for _ in range(n):
                started = time.perf_counter()
                response = await client.get(path, headers=headers)
                times.append((time.perf_counter() - started) * 1000)
                response.raise_for_status()
            rows.append(
                f"| {label} | {statistics.median(times):.1f} | {_pct(times, 0.95):.1f} "
                f"| {_pct(times, 0.99):.1f} |"
            )
    return "\n".join(rows)


def main(argv: Sequence[str] | None = None) -> None:
    """Start an uncached server and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--database-url", default=DEFAULT_DB)
    parser.add_argument("--redis-url", default=DEFAULT_REDIS)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args(argv)
    env = {
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "RATE_LIMIT_ENABLED": "false",
        "CACHE_ENABLED": "false",
        "CACHE_WARMER_ENABLED": "false",
        "LOG_LEVEL": "WARNING",
    }
    fixtures = asyncio.run(_fixtures(args.database_url, 20))
    # The most active user has conversations and notifications; talk to their first counterpart.
    reader, other = fixtures.users[0], fixtures.users[1]
    server = [sys.executable, "-m", "oxship", "serve", "--workers", "1"]
    with serve(server, env) as base:
        token = asyncio.run(_login(base, [reader[1]]))[0]
        conversations = httpx.get(
            f"{base}/api/messages/conversations", headers={"Authorization": f"Bearer {token}"}
        ).json()["data"]
        other_id = conversations[0]["user"]["id"] if conversations else other[0]
        table = asyncio.run(measure(base, token, endpoints(fixtures, other_id), args.requests))
    print(table)


if __name__ == "__main__":
    main()
