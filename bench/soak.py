"""Soak test: the mixed workload for a long time, watching the memory of every server process.

    python -m bench.soak --duration 600                  # PostgreSQL + Redis, benchmark dataset
    python -m bench.soak --duration 90 --scale 0.01 \\
        --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/oxship_soak_quick

Prepares the data as `bench/report.py` does (creates, migrates and loads the database with
`oxship seed --bench --if-empty --scale F`), starts `oxship serve --workers N`, logs `--users` bench
users in, and runs wrk with the `mixed` scenario (`wrk/common.lua` + `wrk/mixed.lua`: 90% reads,
8% votes and comments, 2% other writes) for `--duration` seconds. Meanwhile it samples the resident
set size (VmRSS in /proc/<pid>/status) of the server's processes (the supervisor and its workers)
every `--interval` seconds. The baseline is the sample at `--baseline` seconds into the load (one
minute: caches and pools are warm by then); growth is the workers' total RSS at the end against it.

Writes `bench/results/soak-<UTC date-time>.json` (every sample) and `.md` (the summary table), and
exits 1 when the growth exceeds `--max-growth` percent (10) or when a worker was replaced during the
run (a crash: its memory says nothing then). wrk's errors are reported, not judged.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bench.report import (
    DEFAULT_REDIS,
    RESULTS,
    ROOT,
    WRK_DIR,
    WrkResult,
    _fixtures,
    _login,
    _prepare_database,
    machine_note,
    parse_wrk,
    serving,
    vote_pairs,
)

DEFAULT_DB = "postgresql+asyncpg://postgres@127.0.0.1:5432/oxship_bench"


# processes ---------------------------------------------------------------------------------------


def rss_kib(pid: int) -> int | None:
    """Resident set size of a process in KiB (VmRSS), None once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return 0  # a zombie has no VmRSS line


def children(pid: int) -> list[int]:
    """Direct children of a process (from /proc/*/stat: field 4 is the parent)."""
    found: list[int] = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may contain spaces and parentheses
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return sorted(found)


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    except OSError:
        return ""


def workers_of(supervisor: int) -> list[int]:
    """The uvicorn worker processes of a supervisor (not multiprocessing's resource tracker)."""
    return [pid for pid in children(supervisor) if "resource_tracker" not in _cmdline(pid)]


@dataclass
class Sample:
    """One reading of every server process."""

    seconds: float  # since the load started
    supervisor_kib: int
    workers_kib: dict[int, int]

    @property
    def workers_total(self) -> int:
        """Sum of the workers' RSS in KiB."""
        return sum(self.workers_kib.values())


@dataclass
class Soak:
    """The readings of a run and what they add up to."""

    samples: list[Sample] = field(default_factory=list)
    replaced: list[int] = field(default_factory=list)  # worker pids that disappeared

    def at(self, seconds: float) -> Sample:
        """The first sample taken at or after `seconds` (the last one when the run was shorter)."""
        for sample in self.samples:
            if sample.seconds >= seconds:
                return sample
        return self.samples[-1]

    def growth(self, baseline: float) -> float:
        """Workers' total RSS at the end against the baseline sample, in percent."""
        start, end = self.at(baseline).workers_total, self.samples[-1].workers_total
        return (end - start) / start * 100 if start else 0.0


def sample_loop(supervisor: int, wrk: subprocess.Popen[str], interval: float, soak: Soak) -> None:
    """Sample every `interval` seconds until wrk exits (and once more after it)."""
    started = time.monotonic()
    known: set[int] = set(workers_of(supervisor))
    while True:
        done = wrk.poll() is not None
        pids = workers_of(supervisor)
        soak.replaced += [pid for pid in known - set(pids) if pid not in soak.replaced]
        known |= set(pids)
        workers = {pid: kib for pid in pids if (kib := rss_kib(pid)) is not None}
        soak.samples.append(
            Sample(round(time.monotonic() - started, 1), rss_kib(supervisor) or 0, workers)
        )
        if done:
            return
        deadline = time.monotonic() + interval
        while time.monotonic() < deadline and wrk.poll() is None:
            time.sleep(0.2)


async def _forget_keys(redis_url: str, prefix: str) -> int:
    """Delete this run's keys (`<prefix>:*`) from the Redis it shares with others."""
    from redis.asyncio import Redis

    client = Redis.from_url(redis_url)
    deleted = 0
    try:
        batch: list[bytes] = []
        async for key in client.scan_iter(match=f"{prefix}:*", count=1000):
            batch.append(key)
            if len(batch) >= 500:
                deleted += await client.delete(*batch)
                batch = []
        if batch:
            deleted += await client.delete(*batch)
    finally:
        await client.aclose()
    return deleted


# report ------------------------------------------------------------------------------------------


def _mib(kib: int) -> str:
    return f"{kib / 1024:,.1f}"


def markdown(soak: Soak, baseline: float, wrk: WrkResult | None, max_growth: float) -> str:
    """The summary table: RSS per process at the baseline and at the end, and the growth."""
    start, end = soak.at(baseline), soak.samples[-1]
    lines = [
        f"| process | RSS at {start.seconds:g} s (MiB) | RSS at end, {end.seconds:g} s (MiB) "
        "| growth |",
        "|---|---|---|---|",
    ]
    for pid in sorted(set(start.workers_kib) | set(end.workers_kib)):
        before, after = start.workers_kib.get(pid), end.workers_kib.get(pid)
        change = f"{(after - before) / before * 100:+.1f}%" if before and after else "—"
        lines.append(
            f"| worker {pid} | {_mib(before) if before else '—'} "
            f"| {_mib(after) if after else '—'} | {change} |"
        )
    lines.append(f"| supervisor | {_mib(start.supervisor_kib)} | {_mib(end.supervisor_kib)} | — |")
    growth = soak.growth(baseline)
    verdict = "PASS" if growth <= max_growth else "FAIL"
    lines.append(
        f"| **workers total** | **{_mib(start.workers_total)}** | **{_mib(end.workers_total)}** "
        f"| **{growth:+.1f}%** ({verdict}, limit {max_growth:g}%) |"
    )
    if wrk is not None:
        lines += [
            "",
            f"wrk: {wrk.requests:,} requests in {wrk.seconds:.0f} s ({wrk.rps:,.0f} req/s), "
            f"p50 {wrk.p50:.2f} ms, p99 {wrk.p99:.2f} ms, {wrk.errors:,} errors.",
        ]
    if soak.replaced:
        lines += ["", f"Workers replaced during the run: {soak.replaced}."]
    return "\n".join(lines)


# main --------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> None:
    """Prepare the data, run the mixed workload for the duration while sampling RSS, report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--duration", type=float, default=600.0, help="seconds of load")
    parser.add_argument("--database-url", default=DEFAULT_DB)
    parser.add_argument("--redis-url", default=DEFAULT_REDIS)
    parser.add_argument("--scale", type=float, default=1.0, help="dataset scale if it is loaded")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--users", type=int, default=500, help="distinct users of the writes")
    parser.add_argument("--interval", type=float, default=5.0, help="seconds between samples")
    parser.add_argument("--baseline", type=float, default=60.0, help="seconds into the load")
    parser.add_argument("--max-growth", type=float, default=10.0, help="percent (exit 1 above)")
    parser.add_argument("--out", type=Path, help="file stem (default bench/results/soak-<date>)")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install -y wrk")
    if args.duration < args.baseline + args.interval:
        sys.exit(f"--duration must exceed --baseline ({args.baseline:g} s) by a sample or more")
    started = datetime.now(UTC)
    note = machine_note()
    env = {
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "RATE_LIMIT_ENABLED": "false",
        "LOG_LEVEL": "WARNING",
        "CACHE_PREFIX": f"soak{os.getpid()}",
    }
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
    scratch = Path(tempfile.mkdtemp(prefix="oxship-soak-"))
    atexit.register(shutil.rmtree, scratch, True)
    metrics = scratch / "metrics"
    metrics.mkdir()
    env["PROMETHEUS_MULTIPROC_DIR"] = str(metrics)
    soak = Soak()
    wrk_result: WrkResult | None = None
    with serving([*oxship, "serve", "--workers", str(args.workers)], env) as (base, supervisor):
        tokens = asyncio.run(_login(base, [name for _, name in fixtures.users[: args.users]]))
        pairs = scratch / "pairs.txt"
        pairs.write_text("\n".join(vote_pairs(fixtures, tokens, 20_000)) + "\n")
        paths = scratch / "mixed-paths.txt"
        paths.write_text(
            "\n".join(
                [f"/p/{project_id}" for project_id, _ in fixtures.projects]
                + [f"/api/users/{name}" for _, name in fixtures.users[:100]]
            )
            + "\n"
        )
        script = scratch / "mixed.lua"
        script.write_text(
            (WRK_DIR / "common.lua").read_text() + "\n" + (WRK_DIR / "mixed.lua").read_text()
        )
        command = ["wrk", f"-t{args.threads}", f"-c{args.connections}"]
        command += [f"-d{round(args.duration)}s", "--timeout", "10s", "--latency", "-s"]
        command += [str(script), base]
        wrk_env = {**os.environ, "BENCH_PAIRS": str(pairs), "BENCH_PATHS": str(paths)}
        print(f"soak: {args.duration:g} s of the mixed workload on {base} ({args.workers} workers)")
        with subprocess.Popen(
            command, env=wrk_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        ) as wrk:
            sample_loop(supervisor, wrk, args.interval, soak)
            out, err = wrk.communicate()
        if wrk.returncode != 0:
            sys.exit(f"wrk failed ({wrk.returncode}): {err}")
        wrk_result = parse_wrk(out)
    if "REDIS_URL" in env:
        asyncio.run(_forget_keys(env["REDIS_URL"], env["CACHE_PREFIX"]))
    growth = soak.growth(args.baseline)
    table = markdown(soak, args.baseline, wrk_result, args.max_growth)
    text = "\n".join(
        [
            f"## {started:%Y-%m-%d %H:%M} UTC — bench/soak, {args.duration:g} s",
            "",
            f"Machine: {note}.",
            f"`oxship serve --workers {args.workers}`, wrk -t{args.threads} -c{args.connections} "
            f"mixed workload, {len(tokens)} users, dataset: {fixtures.counts}; RSS sampled every "
            f"{args.interval:g} s, baseline at {args.baseline:g} s.",
            "",
            table,
            "",
        ]
    )
    print(text)
    stem = args.out or RESULTS / f"soak-{started:%Y-%m-%dT%H%M}"
    stem.parent.mkdir(parents=True, exist_ok=True)
    stem.with_suffix(".md").write_text(text)
    record = {
        "started": started.isoformat(),
        "duration": args.duration,
        "workers": args.workers,
        "baseline_seconds": args.baseline,
        "rss_baseline_kib": soak.at(args.baseline).workers_total,
        "rss_end_kib": soak.samples[-1].workers_total,
        "growth_percent": round(growth, 2),
        "max_growth_percent": args.max_growth,
        "replaced_workers": soak.replaced,
        "wrk": asdict(wrk_result) if wrk_result else None,
        "samples": [{**asdict(s), "workers_total_kib": s.workers_total} for s in soak.samples],
    }
    stem.with_suffix(".json").write_text(json.dumps(record, indent=2))
    print(f"written to {stem.with_suffix('.md')} and {stem.with_suffix('.json')}")
    failures = []
    if growth > args.max_growth:
        failures.append(f"RSS grew {growth:.1f}% (limit {args.max_growth:g}%)")
    if soak.replaced:
        failures.append(f"workers replaced during the run: {soak.replaced}")
    if failures:
        sys.exit("soak failed: " + "; ".join(failures))


if __name__ == "__main__":
    main()
