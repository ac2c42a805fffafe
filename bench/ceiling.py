"""The machine's ceiling: a bare ASGI app that answers every GET with the cached feed page's bytes.

    python -m bench.ceiling --body feed.json --port 8100 --workers 2

Served by the same server as the API (uvicorn, uvloop, httptools, no access log, same worker count),
it measures what this machine can do for a response of that size with no routing, no dependencies
and no cache lookup: `bench/report.py` expresses every scenario's throughput as a % of it.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

BODY_ENV = "BENCH_CEILING_BODY"
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]

_body: bytes | None = None


def _load() -> bytes:
    global _body
    if _body is None:
        path = os.environ.get(BODY_ENV)
        _body = Path(path).read_bytes() if path else b'{"data":[]}'
    return _body


async def app(
    scope: Scope,
    receive: Callable[[], Awaitable[Message]],
    send: Callable[[Message], Awaitable[None]],
) -> None:
    """Answer HTTP requests with the stored body; accept the lifespan protocol."""
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                _load()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    body = _load()
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def main() -> None:
    """Serve `app` the way `oxship serve` serves the API."""
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--body", required=True, help="file with the response bytes")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    os.environ[BODY_ENV] = str(Path(args.body).resolve())
    uvicorn.run(
        "bench.ceiling:app",
        host=args.host,
        port=args.port,
        workers=args.workers,
        loop="uvloop",
        http="httptools",
        access_log=False,
        log_level="warning",
    )


if __name__ == "__main__":
    main()
