"""Run the benchmark scenarios with wrk and write a Markdown table (issue 7).

    python -m bench.report                    # PostgreSQL + Redis, scale 1.0, 30 s per scenario
    python -m bench.report --quick --scale 0.01   # a short end-to-end check (seconds per scenario)

Uses (creating it when missing) the PostgreSQL database of `--database-url`; when it has no users it
is migrated and loaded with `oxship seed --bench --scale F`. Then, one server at a time so they never
compete for the cores:

1. `ceiling`: `bench/ceiling.py` serving the bytes of the cached feed page (same uvicorn, same
   worker count): what this machine can do with no application at all.
2. `cached anonymous reads`: feed pages, project details, comment trees, profiles, leaderboards,
   chain lists and the investor directory (`oxship serve --workers 2`, response cache on, warmed
   once per path).
3. `cached authenticated reads`: the same paths with a bench user's `Authorization` on each request.
4. `uncached reads`: the same paths on a server started with `CACHE_ENABLED=false`.
5. `vote writes`: `POST /api/votes` from `--users` distinct users (never on their own project).
6. `mixed`: 90% reads (Zipf popularity), 8% votes and comments, 2% other writes, `--users` users.

wrk runs each for `--duration` seconds over `--connections` connections after a `--warmup` run.
Cache hit rates come from `/metrics` (`oxship_cache_requests_total`, all workers aggregated through
`PROMETHEUS_MULTIPROC_DIR`), as the difference between a scrape before and after the scenario.
The table goes to stdout and to `bench/results/<UTC date-time>.md` (git-ignored).
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WRK_DIR = HERE / "wrk"
RESULTS = HERE / "results"
DEFAULT_DB = "postgresql+asyncpg://postgres@127.0.0.1:5432/oxship_bench"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"
BENCH_PASSWORD = "bench-password-1"  # oxship.bench_data.BENCH_PASSWORD (not imported: no app load)
SCENARIOS = (
    "ceiling",
    "cached anonymous reads",
    "cached authenticated reads",
    "uncached reads",
    "vote writes",
    "mixed",
)
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


# wrk output ------------------------------------------------------------------------------------


@dataclass
class WrkResult:
    """One wrk run: throughput, latency percentiles (ms) and error counts."""

    requests: int
    seconds: float
    rps: float
    p50: float
    p95: float | None
    p99: float
    socket_errors: int
    status_errors: int
    percentiles: dict[int, float] = field(default_factory=dict)

    @property
    def errors(self) -> int:
        """Socket errors (connect, read, write, timeout) plus non-2xx/3xx responses."""
        return self.socket_errors + self.status_errors


def _ms(value: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value.strip())
    if not match:
        raise ValueError(f"not a wrk duration: {value!r}")
    return float(match.group(1)) * UNITS[match.group(2)]


def parse_wrk(output: str) -> WrkResult:
    """Parse wrk's output: the `WRK_JSON` line of `wrk/common.lua` when present (it has p95),
    else wrk's own text (`--latency` distribution: 50/75/90/99%, no p95)."""
    percentiles: dict[int, float] = {}
    for line in output.splitlines():
        if line.startswith("WRK_JSON "):
            data = json.loads(line[len("WRK_JSON ") :])
            for p in (50, 75, 90, 95, 99):
                percentiles[p] = data[f"p{p}_us"] / 1000
            seconds = data["duration_us"] / 1_000_000
            return WrkResult(
                requests=data["requests"],
                seconds=seconds,
                rps=data["requests"] / seconds if seconds else 0.0,
                p50=percentiles[50],
                p95=percentiles[95],
                p99=percentiles[99],
                socket_errors=sum(data[k] for k in ("connect", "read", "write", "timeout")),
                status_errors=data["status"],
                percentiles=percentiles,
            )
    in_distribution = False
    for line in output.splitlines():
        if "Latency Distribution" in line:
            in_distribution = True
            continue
        match = re.match(r"\s+(\d+)%\s+(\S+)\s*$", line)
        if in_distribution and match:
            percentiles[int(match.group(1))] = _ms(match.group(2))
        elif in_distribution and line.strip():
            in_distribution = False
    totals = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)", output)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if not totals or not rps or 50 not in percentiles or 99 not in percentiles:
        raise ValueError("unrecognised wrk output (run it with --latency)")
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    status = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return WrkResult(
        requests=int(totals.group(1)),
        seconds=_ms(totals.group(2) + totals.group(3)) / 1000,
        rps=float(rps.group(1)),
        p50=percentiles[50],
        p95=percentiles.get(95),
        p99=percentiles[99],
        socket_errors=sum(int(g) for g in sockets.groups()) if sockets else 0,
        status_errors=int(status.group(1)) if status else 0,
        percentiles=percentiles,
    )


# /metrics --------------------------------------------------------------------------------------


def cache_counts(metrics_text: str) -> dict[str, float]:
    """`oxship_cache_requests_total` summed by result (hit_local, hit_redis, miss, bypass)."""
    counts: dict[str, float] = {}
    pattern = re.compile(r"^oxship_cache_requests_total\{([^}]*)\}\s+([\d.eE+-]+)$")
    for line in metrics_text.splitlines():
        match = pattern.match(line)
        if match:
            labels = dict(re.findall(r'(\w+)="([^"]*)"', match.group(1)))
            result = labels.get("result", "")
            counts[result] = counts.get(result, 0.0) + float(match.group(2))
    return counts


def hit_rate(before: dict[str, float], after: dict[str, float]) -> float | None:
    """Hits / all lookups between two scrapes (bypasses count as lookups); None without any."""
    delta = {k: after.get(k, 0.0) - before.get(k, 0.0) for k in set(before) | set(after)}
    hits = delta.get("hit_local", 0.0) + delta.get("hit_redis", 0.0)
    total = sum(delta.values())
    return hits / total if total > 0 else None


# the table -------------------------------------------------------------------------------------


@dataclass
class Row:
    """One line of the report."""

    scenario: str
    result: WrkResult
    cache_hit_rate: float | None
    ceiling_rps: float | None


def _fmt(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def markdown_table(rows: Sequence[Row]) -> str:
    """The Markdown table of the report, one line per scenario."""
    lines = [
        "| scenario | req/s | p50 ms | p95 ms | p99 ms | errors | cache hit rate | % of ceiling |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        r = row.result
        hit = "—" if row.cache_hit_rate is None else f"{row.cache_hit_rate * 100:.1f}%"
        share = f"{r.rps / row.ceiling_rps * 100:.0f}%" if row.ceiling_rps else "—"
        lines.append(
            f"| {row.scenario} | {r.rps:,.0f} | {_fmt(r.p50)} | {_fmt(r.p95)} | {_fmt(r.p99)} "
            f"| {r.errors:,} of {r.requests:,} | {hit} | {share} |"
        )
    return "\n".join(lines)


def machine_note() -> str:
    """CPU model and count, memory, OS, Python: the line to paste under the table's date."""
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        kib = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
        memory = f"{kib / 1024 / 1024:.0f} GB"
    except OSError:
        memory = "? GB"
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    return (
        f"{os.cpu_count()} cores ({model}), {memory}, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}; load average {load:.2f} at the start"
    )


# processes -------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_ready(base: str, proc: subprocess.Popen[bytes], path: str = "/health") -> None:
    for _ in range(300):
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            if httpx.get(f"{base}{path}", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{base} did not become ready")


@contextmanager
def serving(
    command: list[str], env: dict[str, str], ready_path: str = "/health"
) -> Iterator[tuple[str, int]]:
    """Start a server (its own process group) on a free port; yield (base URL, pid); stop it."""
    port = _free_port()
    proc = subprocess.Popen(
        [*command, "--port", str(port)],
        env={**os.environ, **env},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(base, proc, ready_path)
        yield base, proc.pid
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


@contextmanager
def serve(command: list[str], env: dict[str, str], ready_path: str = "/health") -> Iterator[str]:
    """`serving`, yielding only the base URL."""
    with serving(command, env, ready_path) as (base, _):
        yield base


@dataclass(frozen=True)
class WrkOptions:
    """How wrk loads the server: connections, threads, and where the combined scripts go."""

    connections: int
    threads: int
    scratch: Path


def run_wrk(
    base: str, script: str, *, files: dict[str, Path], duration: float, options: WrkOptions
) -> WrkResult:
    """Run wrk with `wrk/common.lua` + `wrk/<script>.lua` against `base`; the parsed result."""
    connections, threads = options.connections, options.threads
    combined = options.scratch / f"{script}.lua"
    combined.write_text(
        (WRK_DIR / "common.lua").read_text() + "\n" + (WRK_DIR / f"{script}.lua").read_text()
    )
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(duration))}s",
        "--timeout",
        "10s",
        "--latency",
        "-s",
        str(combined),
        base,
    ]
    env = {**os.environ, **{name: str(path) for name, path in files.items()}}
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    return parse_wrk(done.stdout)


# data -------------------------------------------------------------------------------------------


async def _prepare_database(url: str) -> None:
    """Create the PostgreSQL database of `url` when it does not exist."""
    if not url.startswith("postgresql"):
        return
    import asyncpg  # type: ignore[import-untyped]

    target = url.rsplit("/", 1)[1].split("?")[0]
    admin = url.replace("postgresql+asyncpg://", "postgresql://").rsplit("/", 1)[0] + "/postgres"
    conn = await asyncpg.connect(admin)
    try:
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", target):
            await conn.execute(f'CREATE DATABASE "{target}"')
    finally:
        await conn.close()


@dataclass
class Fixtures:
    """What the scenarios request: popular projects (most first), their owners, users."""

    projects: list[tuple[str, str]]  # (project id, owner id), most voted first
    users: list[tuple[str, str]]  # (user id, username), most active first
    counts: dict[str, int] = field(default_factory=dict)


async def _fixtures(url: str, users: int) -> Fixtures:
    from sqlalchemy import func, select
    from sqlalchemy.ext.asyncio import create_async_engine

    from oxship.models import Comment, Project, User, Vote

    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            popular = await conn.execute(
                select(Project.id, Project.user_id)
                .where(Project.is_deleted.is_(False))
                .order_by((Project.upvotes + Project.downvotes).desc(), Project.id)
                .limit(2000)
            )
            active = await conn.execute(
                select(User.id, User.username)
                .where(User.is_active.is_(True), User.is_admin.is_(False))
                .order_by(User.project_count.desc(), User.username)
                .limit(users)
            )
            counts = {
                model.__tablename__: int(
                    await conn.scalar(select(func.count()).select_from(model)) or 0
                )
                for model in (User, Project, Vote, Comment)
            }
            return Fixtures(
                projects=[(str(p), str(u)) for p, u in popular.all()],
                users=[(str(u), name) for u, name in active.all()],
                counts=counts,
            )
    finally:
        await engine.dispose()


async def _login(base: str, usernames: Sequence[str], parallel: int = 4) -> list[str]:
    """Access tokens of `usernames`, logging each in once over HTTP (argon2id: a few at a time)."""
    gate = asyncio.Semaphore(parallel)

    async def one(client: httpx.AsyncClient, name: str) -> str:
        async with gate:
            response = await client.post(
                "/api/auth/login", json={"email": name, "password": BENCH_PASSWORD}
            )
            response.raise_for_status()
            return str(response.json()["data"]["tokens"]["access"])

    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        return list(await asyncio.gather(*(one(client, name) for name in usernames)))


def read_paths(fixtures: Fixtures) -> list[str]:
    """The read scenarios' paths: feeds, boards, details, comments, profiles, chains, investors."""
    paths = [
        "/api/projects",
        "/api/projects?page=2",
        "/api/projects?sort=top_rated",
        "/api/projects?sort=newest",
        "/api/projects?sort=most_voted&category=defi",
        "/api/projects/leaderboard",
        "/api/leaderboard/trending",
    ]
    for project_id, _ in fixtures.projects[:20]:
        paths += [f"/api/projects/{project_id}", f"/api/projects/{project_id}/comments"]
    paths += [f"/api/users/{name}" for _, name in fixtures.users[:10]]
    paths += ["/api/chains", "/api/chains?sort=newest", "/api/chains?sort=most_followers"]
    paths += ["/api/investors/public", "/api/investors/public?sort=most_active"]
    return paths


def vote_pairs(fixtures: Fixtures, tokens: Sequence[str], count: int, seed: int = 1) -> list[str]:
    """`token project_id` lines: Zipf-popular projects, never one the voter owns."""
    import random

    rng = random.Random(seed)
    owners = {user_id: token for (user_id, _), token in zip(fixtures.users, tokens, strict=False)}
    token_owner = {token: user_id for user_id, token in owners.items()}
    projects = fixtures.projects
    weights = [1 / (rank + 2) for rank in range(len(projects))]
    lines: list[str] = []
    while len(lines) < count:
        token = tokens[len(lines) % len(tokens)]
        project_id, owner = rng.choices(projects, weights)[0]
        if token_owner.get(token) != owner:
            lines.append(f"{token} {project_id}")
    return lines


# main -------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> None:
    """Prepare the data, run every scenario, print and save the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--database-url", default=DEFAULT_DB)
    parser.add_argument("--redis-url", default=DEFAULT_REDIS)
    parser.add_argument("--scale", type=float, default=1.0, help="dataset scale if it is loaded")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds per scenario")
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds of unrecorded load")
    parser.add_argument("--users", type=int, default=500, help="distinct users of the writes")
    parser.add_argument("--quick", action="store_true", help="3 s runs, 2 s warm-up, 50 users")
    parser.add_argument(
        "--only",
        action="append",
        choices=SCENARIOS,
        help="run only this scenario (repeatable; without the ceiling, no %% of ceiling)",
    )
    parser.add_argument("--out", type=Path, help="Markdown file (default bench/results/<date>.md)")
    args = parser.parse_args(argv)
    if args.quick:
        args.duration, args.warmup, args.users = 3.0, 2.0, min(args.users, 50)
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install -y wrk")
    started = datetime.now(UTC)
    note = machine_note()
    env = {
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "RATE_LIMIT_ENABLED": "false",
        "LOG_LEVEL": "WARNING",
        "CACHE_PREFIX": f"bench{os.getpid()}",
    }
    if args.database_url.startswith("sqlite"):
        env.pop("REDIS_URL")
        args.workers = 1  # embedded mode: one process
    asyncio.run(_prepare_database(args.database_url))
    oxship = [sys.executable, "-m", "oxship"]
    subprocess.run([*oxship, "migrate"], env={**os.environ, **env}, cwd=ROOT, check=True)
    subprocess.run(
        [*oxship, "seed", "--bench", "--if-empty", "--scale", str(args.scale)],
        env={**os.environ, **env},
        cwd=ROOT,
        check=True,
    )
    fixtures = asyncio.run(_fixtures(args.database_url, max(args.users, 10)))
    scratch = Path(tempfile.mkdtemp(prefix="oxship-report-"))
    atexit.register(shutil.rmtree, scratch, True)  # also when a scenario fails
    server = [*oxship, "serve", "--workers", str(args.workers)]
    options = WrkOptions(args.connections, args.threads, scratch)
    selected = set(args.only or [])

    def wanted(name: str) -> bool:
        return not selected or name in selected

    def metrics_env() -> dict[str, str]:
        directory = Path(tempfile.mkdtemp(prefix="metrics-", dir=scratch))
        return {**env, "PROMETHEUS_MULTIPROC_DIR": str(directory)}

    def measure(base: str, script: str, files: dict[str, Path]) -> tuple[WrkResult, float | None]:
        if args.warmup > 0:
            run_wrk(base, script, files=files, duration=args.warmup, options=options)
        scrape = "/metrics" if script != "ceiling" else None
        before = cache_counts(httpx.get(f"{base}{scrape}").text) if scrape else {}
        result = run_wrk(base, script, files=files, duration=args.duration, options=options)
        after = cache_counts(httpx.get(f"{base}{scrape}").text) if scrape else {}
        return result, hit_rate(before, after)

    paths = read_paths(fixtures)
    paths_file = scratch / "paths.txt"
    paths_file.write_text("\n".join(paths) + "\n")
    rows: list[Row] = []
    ceiling: float | None = None
    with serve(server, metrics_env()) as api:
        feed = httpx.get(f"{api}/api/projects")
        feed.raise_for_status()
        body_file = scratch / "feed.json"
        body_file.write_bytes(feed.content)
        tokens = asyncio.run(_login(api, [name for _, name in fixtures.users[: args.users]]))
        tokens_file = scratch / "tokens.txt"
        tokens_file.write_text("\n".join(tokens) + "\n")
        pairs_file = scratch / "pairs.txt"
        pairs_file.write_text("\n".join(vote_pairs(fixtures, tokens, 20_000)) + "\n")
        mixed_file = scratch / "mixed-paths.txt"
        mixed_file.write_text(
            "\n".join(
                [f"/p/{project_id}" for project_id, _ in fixtures.projects]
                + [f"/api/users/{name}" for _, name in fixtures.users[:100]]
            )
            + "\n"
        )
    if wanted("ceiling"):
        ceiling_cmd = [sys.executable, "-m", "bench.ceiling", "--body", str(body_file)]
        ceiling_cmd += ["--workers", str(args.workers)]
        with serve(ceiling_cmd, env, ready_path="/") as bare:
            result, _ = measure(bare, "ceiling", {"BENCH_PATHS": paths_file})
            ceiling = result.rps
            rows.append(Row("ceiling (bare ASGI, feed page bytes)", result, None, None))
    with serve(server, metrics_env()) as api:
        for name, files in (
            ("cached anonymous reads", {"BENCH_PATHS": paths_file}),
            (
                "cached authenticated reads",
                {"BENCH_PATHS": paths_file, "BENCH_TOKENS": tokens_file},
            ),
        ):
            if wanted(name):
                for path in paths:  # fill the cache once
                    httpx.get(f"{api}{path}").raise_for_status()
                result, rate = measure(api, "reads", files)
                rows.append(Row(name, result, rate, ceiling))
    if wanted("uncached reads"):
        with serve(server, {**metrics_env(), "CACHE_ENABLED": "false"}) as api:
            result, rate = measure(api, "reads", {"BENCH_PATHS": paths_file})
            rows.append(Row("uncached reads (CACHE_ENABLED=false)", result, rate, ceiling))
    with serve(server, metrics_env()) as api:
        if wanted("vote writes"):
            result, rate = measure(api, "votes", {"BENCH_PAIRS": pairs_file})
            rows.append(Row(f"vote writes ({len(tokens)} users)", result, rate, ceiling))
        if wanted("mixed"):
            files = {"BENCH_PAIRS": pairs_file, "BENCH_PATHS": mixed_file}
            result, rate = measure(api, "mixed", files)
            rows.append(Row(f"mixed 90/8/2 ({len(tokens)} users)", result, rate, ceiling))
    backend = "SQLite" if args.database_url.startswith("sqlite") else "PostgreSQL + Redis"
    text = "\n".join(
        [
            f"## {started:%Y-%m-%d %H:%M} UTC — bench/report ({'quick' if args.quick else 'full'})",
            "",
            f"Machine: {note}.",
            f"Backend: {backend}; `oxship serve --workers {args.workers}`; wrk -t{args.threads} "
            f"-c{args.connections}, {args.duration:g} s per scenario after {args.warmup:g} s of "
            f"warm-up; dataset: {_dataset_note(fixtures)}.",
            "",
            markdown_table(rows),
            "",
        ]
    )
    print(text)
    out = args.out or RESULTS / f"{started:%Y-%m-%dT%H%M}.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    print(f"written to {out}")


def _dataset_note(fixtures: Fixtures) -> str:
    sizes = ", ".join(f"{n:,} {table}" for table, n in fixtures.counts.items())
    return f"`oxship seed --bench` ({sizes})"


if __name__ == "__main__":
    main()
