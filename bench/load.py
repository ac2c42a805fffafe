"""A small closed-loop HTTP/1.1 load generator (keep-alive connections over asyncio streams).

    python -m bench.load http://127.0.0.1:8000/api/users/ada --connections 32 --requests 20000

Reports throughput and the latency distribution. It is deliberately minimal (no TLS, no chunked
bodies) so that the client costs far less CPU than the server it measures on a shared 2-core machine.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class Result:
    """Latencies (seconds) and status counts of one run."""

    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    elapsed: float = 0.0

    def percentile(self, p: float) -> float:
        """The p-th percentile latency in milliseconds."""
        ordered = sorted(self.latencies)
        index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))
        return ordered[index] * 1000

    def summary(self) -> dict[str, float | int | dict[int, int]]:
        """Throughput and latency figures."""
        return {
            "requests": len(self.latencies),
            "rps": round(len(self.latencies) / self.elapsed, 1) if self.elapsed else 0.0,
            "p50_ms": round(statistics.median(self.latencies) * 1000, 3),
            "p90_ms": round(self.percentile(90), 3),
            "p99_ms": round(self.percentile(99), 3),
            "max_ms": round(max(self.latencies) * 1000, 3),
            "statuses": dict(self.statuses),
        }


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split()[1])
    length = 0
    for line in lines[1:]:
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    if length:
        await reader.readexactly(length)
    return status


async def _worker(host: str, port: int, request: bytes, count: int, result: Result) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        for _ in range(count):
            started = time.perf_counter()
            writer.write(request)
            status = await _read_response(reader)
            result.latencies.append(time.perf_counter() - started)
            result.statuses[status] = result.statuses.get(status, 0) + 1
    finally:
        writer.close()


async def run(
    url: str, *, connections: int, requests: int, headers: dict[str, str] | None = None
) -> Result:
    """Send `requests` GETs to `url` over `connections` keep-alive connections."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
    request = f"GET {target} HTTP/1.1\r\nHost: {host}:{port}\r\n{extra}\r\n".encode()
    result = Result()
    per_connection = max(1, requests // connections)
    started = time.perf_counter()
    await asyncio.gather(
        *(_worker(host, port, request, per_connection, result) for _ in range(connections))
    )
    result.elapsed = time.perf_counter() - started
    return result


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("url")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--header", action="append", default=[], help="Name: value")
    args = parser.parse_args()
    headers = dict(h.split(": ", 1) for h in args.header)
    result = asyncio.run(
        run(args.url, connections=args.connections, requests=args.requests, headers=headers)
    )
    print(result.summary())


if __name__ == "__main__":
    main()
