"""Socket.IO fan-out: N concurrent websocket clients on one project room, one vote, all N receive it.

    python -m bench.sockets --clients 10000 --redis-url redis://127.0.0.1:6379/0

Creates a fresh PostgreSQL database (`--pg-admin`, dropped at the end), migrates it, starts ONE
server process (`oxship serve`), registers an owner and a voter and creates a project over HTTP.
Then `--procs` client processes open N websocket connections between them (Engine.IO v4 /
Socket.IO v5 spoken directly over `websockets`: a `socketio.AsyncClient` per connection is far too
heavy for 10k in one machine), each sends `subscribe {project_id}` and waits for the ack. When all
are subscribed, the voter votes through `POST /api/votes`; every client stamps the arrival of
`vote:updated` with time.time() (one machine, one clock), and the latency is that stamp minus the
moment just before the HTTP request was sent. Prints the server's RSS (idle, all connected, after
the fan-out), the time to connect and subscribe all N, and p50/p99/max of the fan-out.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import httpx
import orjson

NOFILE = 65536


def _raise_nofile() -> None:
    """Raise the open-files limit as far as allowed (root may raise the hard limit too)."""
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    for target in ((NOFILE, max(hard, NOFILE)), (hard, hard)):
        with suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, target)
            return


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _rss_mib(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM (peak RSS) of `pid`, in MiB."""
    out: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0]) / 1024
    return out


def _cpu_s(pid: int) -> float:
    """User + system CPU seconds used so far by `pid`."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _expect(condition: object, detail: object) -> None:
    if not condition:
        raise RuntimeError(f"unexpected: {detail!r}")


def _percentile(ordered: list[float], p: float) -> float:
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))
    return ordered[index]


# ---- client processes ------------------------------------------------------------------------


class _Client:
    """One Engine.IO v4 / Socket.IO v5 websocket connection subscribed to one project room."""

    def __init__(self, ws: Any, project_id: str, received: asyncio.Future[float]) -> None:
        self.ws = ws
        self.project_id = project_id
        self.received = received
        self.task: asyncio.Task[None] | None = None

    async def read(self) -> None:
        """Answer pings and stamp `vote:updated`, until the connection closes."""
        async for message in self.ws:
            if message == "2":
                await self.ws.send("3")
            elif isinstance(message, str) and message.startswith('42["vote:updated",'):
                stamp = time.time()
                _, payload = orjson.loads(message[2:])
                if payload.get("project_id") == self.project_id and not self.received.done():
                    self.received.set_result(stamp)


async def _open(url: str, project_id: str, compression: str | None) -> _Client:
    from websockets.asyncio.client import connect

    ws = await connect(
        url,
        compression=compression,
        ping_interval=None,  # Engine.IO pings from the server are enough
        open_timeout=120,
        max_size=2**20,
    )
    opened = await ws.recv()
    _expect(isinstance(opened, str) and opened.startswith("0{"), opened)
    await ws.send("40")
    connected = await ws.recv()
    _expect(isinstance(connected, str) and connected.startswith('40{"sid"'), connected)
    await ws.send("421" + orjson.dumps(["subscribe", {"project_id": project_id}]).decode())
    for _ in range(5):  # the ack, possibly after a ping
        reply = await ws.recv()
        if reply == "2":
            await ws.send("3")
            continue
        _expect(isinstance(reply, str) and reply.startswith("431["), reply)
        ack = orjson.loads(reply[3:])[0]
        _expect(ack.get("ok") is True, ack)
        break
    else:
        raise RuntimeError("no subscribe ack")
    client = _Client(ws, project_id, asyncio.get_running_loop().create_future())
    client.task = asyncio.create_task(client.read())
    return client


async def _worker_main(
    conn: Connection,
    url: str,
    project_id: str,
    count: int,
    concurrency: int,
    compression: str | None,
    timeout: float,
) -> None:
    loop = asyncio.get_running_loop()
    gate = asyncio.Semaphore(concurrency)
    errors: list[str] = []

    async def one() -> _Client | None:
        async with gate:
            for attempt in range(3):
                try:
                    return await _open(url, project_id, compression)
                except Exception as exc:  # counted and reported
                    if attempt == 2:
                        errors.append(f"{type(exc).__name__}: {exc}")
                    await asyncio.sleep(0.5)
            return None

    opened = await asyncio.wait_for(asyncio.gather(*(one() for _ in range(count))), timeout)
    clients = [c for c in opened if c is not None]
    conn.send(("ready", time.time(), len(clients), errors[:5], len(errors)))
    futures = [c.received for c in clients]
    if futures:
        await asyncio.wait(futures, timeout=timeout)
    stamps = [f.result() for f in futures if f.done() and not f.cancelled()]
    conn.send(("done", stamps))
    await loop.run_in_executor(None, conn.recv)  # "close": the parent has read the RSS
    for c in clients:
        if c.task is not None:
            c.task.cancel()
    await asyncio.gather(
        *(asyncio.wait_for(c.ws.close(), 5) for c in clients), return_exceptions=True
    )


def _worker(
    conn: Connection,
    url: str,
    project_id: str,
    count: int,
    concurrency: int,
    compression: str | None,
    timeout: float,
) -> None:
    _raise_nofile()
    import uvloop

    conn.send(("spawned",))
    conn.recv()  # "go"
    uvloop.run(_worker_main(conn, url, project_id, count, concurrency, compression, timeout))


# ---- server and fixtures ---------------------------------------------------------------------


def _psql(admin_url: str, sql: str) -> None:
    subprocess.run(
        ["psql", admin_url, "-v", "ON_ERROR_STOP=1", "-qc", sql],
        check=True,
        stdout=subprocess.DEVNULL,
    )


@contextmanager
def _database(admin_url: str, name: str) -> Iterator[None]:
    _psql(admin_url, f"CREATE DATABASE {name}")
    try:
        yield
    finally:
        _psql(admin_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@contextmanager
def _server(env: dict[str, str], log_path: Path) -> Iterator[tuple[str, int]]:
    port = _free_port()
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "oxship", "serve", "--port", str(port)],
            env={**os.environ, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=_raise_nofile,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                if httpx.get(f"{base}/health", timeout=0.5).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            raise RuntimeError(f"server did not start; see {log_path}")
        yield base, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def _register(http: httpx.Client, name: str) -> str:
    response = http.post(
        "/api/auth/register",
        json={"email": f"{name}@example.com", "username": name, "password": "bench-pass-1"},
    )
    assert response.status_code == 201, response.text
    return str(response.json()["data"]["tokens"]["access"])


# ---- the run ---------------------------------------------------------------------------------


def main() -> None:
    """Run the scenario and print the markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--clients", type=int, default=10_000, help="N websocket connections")
    parser.add_argument("--procs", type=int, default=2, help="client processes")
    parser.add_argument("--concurrency", type=int, default=100, help="handshakes in flight/proc")
    parser.add_argument("--pg-admin", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument(
        "--compression",
        choices=["deflate", "none"],
        default="deflate",
        help="offer permessage-deflate, as browsers do (default), or not",
    )
    parser.add_argument("--timeout", type=float, default=300.0, help="per phase, seconds")
    args = parser.parse_args()
    _raise_nofile()

    db = f"oxship_sockets_{os.getpid()}"
    host_part = args.pg_admin.split("@", 1)[1].rsplit("/", 1)[0]
    env = {
        "DATABASE_URL": f"postgresql+asyncpg://postgres@{host_part}/{db}",
        "REDIS_URL": args.redis_url,
        "CACHE_PREFIX": f"bench{os.getpid()}",
        "RATE_LIMIT_ENABLED": "false",
        "LOG_LEVEL": "WARNING",
        "PASSWORD_HASH_TIME_COST": "1",
        "PASSWORD_HASH_MEMORY_KIB": "1024",
    }
    log_path = Path(tempfile.mkdtemp(prefix="oxship-bench-")) / "server.log"
    compression = "deflate" if args.compression == "deflate" else None
    with _database(args.pg_admin, db):
        subprocess.run(
            [sys.executable, "-m", "oxship", "migrate"],
            env={**os.environ, **env},
            check=True,
            stdout=subprocess.DEVNULL,
        )
        with _server(env, log_path) as (base, pid), httpx.Client(base_url=base, timeout=60) as http:
            owner = _register(http, "benchowner")
            voter = _register(http, "benchvoter")
            created = http.post(
                "/api/projects",
                headers={"Authorization": f"Bearer {owner}"},
                json={
                    "title": "Fan-out benchmark",
                    "description": "A project whose room every benchmark socket joins, " * 2,
                },
            )
            assert created.status_code == 201, created.text
            project_id = str(created.json()["data"]["id"])
            ws_url = base.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
            rss_idle = _rss_mib(pid)

            ctx = multiprocessing.get_context("spawn")
            shares = [
                args.clients // args.procs + (i < args.clients % args.procs)
                for i in range(args.procs)
            ]
            pipes: list[Connection] = []
            procs = []
            for share in shares:
                parent, child = ctx.Pipe()
                proc = ctx.Process(
                    target=_worker,
                    args=(
                        child,
                        ws_url,
                        project_id,
                        share,
                        args.concurrency,
                        compression,
                        args.timeout,
                    ),
                    daemon=True,
                )
                proc.start()
                pipes.append(parent)
                procs.append(proc)
            try:
                for p in pipes:
                    _expect(p.poll(60) and p.recv() == ("spawned",), "client process start")
                started = time.time()
                cpu_start = _cpu_s(pid)
                for p in pipes:
                    p.send("go")
                ready = []
                for p in pipes:
                    if not p.poll(args.timeout + 30):
                        raise RuntimeError("a client process did not finish connecting")
                    ready.append(p.recv())
                connected = sum(r[2] for r in ready)
                failures = sum(r[4] for r in ready)
                connect_s = max(r[1] for r in ready) - started
                for r in ready:
                    for err in r[3]:
                        print(f"connect error: {err}", file=sys.stderr)
                time.sleep(2.0)  # let the server settle (ack writes, GC) before reading RSS
                rss_connected = _rss_mib(pid)
                cpu_connect = _cpu_s(pid) - cpu_start

                http.get("/health")  # the HTTP connection is warm; only the vote is timed
                cpu_before = _cpu_s(pid)
                clients_before = sum(_cpu_s(pr.pid) for pr in procs if pr.pid)
                sent = time.time()
                vote = http.post(
                    "/api/votes",
                    headers={"Authorization": f"Bearer {voter}"},
                    json={"project_id": project_id, "vote_type": "up"},
                )
                http_ms = (time.time() - sent) * 1000
                assert vote.status_code in (200, 201), vote.text
                stamps: list[float] = []
                for p in pipes:
                    if not p.poll(args.timeout + 30):
                        raise RuntimeError("a client process did not report the fan-out")
                    _, got = p.recv()
                    stamps.extend(got)
                rss_after = _rss_mib(pid)
                cpu_fanout = _cpu_s(pid) - cpu_before
                cpu_clients = sum(_cpu_s(pr.pid) for pr in procs if pr.pid) - clients_before
                for p in pipes:
                    p.send("close")
                for proc in procs:
                    proc.join(timeout=60)
            finally:
                for proc in procs:
                    if proc.is_alive():
                        proc.terminate()
                        proc.join(timeout=10)

    latencies = sorted((s - sent) * 1000 for s in stamps)
    print(f"server log: {log_path}", file=sys.stderr)
    print(
        f"N = {args.clients}, {args.procs} client processes, compression={args.compression}, "
        f"one server process, PostgreSQL + Redis"
    )
    print("| figure | value |")
    print("|---|---|")
    print(f"| connected and subscribed | {connected} of {args.clients} ({failures} failed) |")
    print(f"| time to connect + subscribe all | {connect_s:.1f} s |")
    print(f"| handshakes/s | {connected / connect_s:.0f} |")
    print(f"| server CPU while connecting | {cpu_connect:.1f} s |")
    print(f"| server RSS idle | {rss_idle['VmRSS']:.0f} MiB |")
    print(f"| server RSS, all connected | {rss_connected['VmRSS']:.0f} MiB |")
    per_conn = (rss_connected["VmRSS"] - rss_idle["VmRSS"]) * 1024 / max(1, connected)
    print(f"| RSS per connection | {per_conn:.1f} KiB |")
    print(
        f"| server RSS after fan-out (peak) | {rss_after['VmRSS']:.0f} MiB "
        f"({rss_after['VmHWM']:.0f} MiB) |"
    )
    print(f"| vote HTTP request | {http_ms:.0f} ms |")
    print(f"| received `vote:updated` | {len(latencies)} of {connected} |")
    print(f"| server CPU, vote + fan-out | {cpu_fanout:.2f} s |")
    print(f"| client CPU (all processes), fan-out | {cpu_clients:.2f} s |")
    if latencies:
        print(f"| fan-out p50 | {statistics.median(latencies):.0f} ms |")
        print(f"| fan-out p99 | {_percentile(latencies, 99):.0f} ms |")
        print(f"| fan-out max | {latencies[-1]:.0f} ms |")
        print(f"| fan-out min | {latencies[0]:.0f} ms |")


if __name__ == "__main__":
    main()
