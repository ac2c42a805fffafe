"""Real services the fault tests start and break: a private PostgreSQL cluster and oxship servers.

Every test starts its own (a private redis-server comes from tests/kit/conftest.py's RedisServer),
so killing one never disturbs the shared PostgreSQL and Redis other tests use.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx
import pytest

from tests.kit.helpers import NEEDS_REDIS
from tests.support.databases import TEST_DATABASE_URL
from tests.support.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT = 30.0

NEEDS_POSTGRES = pytest.mark.skipif(
    TEST_DATABASE_URL is None,
    reason="fault tests start PostgreSQL and Redis servers of their own: "
    "CI's PostgreSQL + Redis run (OXSHIP_TEST_DATABASE_URL set) executes them",
)
FAULT_MARKS = [NEEDS_POSTGRES, NEEDS_REDIS]


def oxship_env(database_url: str, redis_url: str, prefix: str, **extra: str) -> dict[str, str]:
    """The environment of an oxship process: production-like, fast hashing, quiet logs."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CACHE_PREFIX": prefix,
        "RATE_LIMIT_ENABLED": "false",
        "PASSWORD_HASH_TIME_COST": "1",
        "PASSWORD_HASH_MEMORY_KIB": "1024",
        "CACHE_WARMER_ENABLED": "false",
        "CACHE_LIST_BUMP_WINDOW": "0",
        "JOBS_IN_WEB": "false",
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def migrate(env: dict[str, str]) -> None:
    """`oxship migrate` with this environment, as a deploy's release step runs it."""
    done = subprocess.run(
        [sys.executable, "-m", "oxship", "migrate"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr


class OxshipServer:
    """One `oxship serve [--workers N]` on a free port, in its own process group."""

    def __init__(self, env: dict[str, str], log: Path, *, workers: int = 1) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        command = [sys.executable, "-m", "oxship", "serve", "--port", str(self.port)]
        if workers > 1:
            command += ["--workers", str(workers)]
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    async def wait_ready(self, http: httpx.AsyncClient) -> None:
        """Wait until `/health` answers 200 (fails with the server's log otherwise)."""
        deadline = asyncio.get_running_loop().time() + STARTUP_TIMEOUT
        while asyncio.get_running_loop().time() < deadline and self.process.poll() is None:
            with contextlib.suppress(httpx.HTTPError):
                if (await http.get(f"{self.url}/health", timeout=2)).status_code == 200:
                    return
            await asyncio.sleep(0.1)
        raise AssertionError(f"oxship on {self.port} did not start:\n{self.log.read_text()}")

    def kill(self) -> None:
        """SIGKILL the process (a crash: no shutdown, no lifespan end)."""
        self.process.kill()
        self.process.wait(timeout=5)

    def stop(self) -> None:
        """Terminate the process group (the server and any workers), then reap it."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)  # orphaned workers, if any


def _pg_bin() -> Path:
    versions = sorted(
        (p for p in Path("/usr/lib/postgresql").glob("*/bin") if (p / "initdb").exists()),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    if versions:
        return versions[-1]
    found = shutil.which("initdb")
    if found is None:
        pytest.fail("PostgreSQL server binaries (initdb, pg_ctl) not found")
    return Path(found).parent


class PostgresCluster:
    """A private PostgreSQL cluster (initdb in a temporary directory) that a test may stop."""

    def __init__(self) -> None:
        self.bin = _pg_bin()
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="oxship-faults-pg-"))
        self.data = self.dir / "data"
        self.logfile = self.dir / "postgres.log"
        self._as_user: list[str] = []
        if os.geteuid() == 0:  # initdb refuses root: run the cluster as `postgres`
            owner = pwd.getpwnam("postgres")
            os.chown(self.dir, owner.pw_uid, owner.pw_gid)
            self._as_user = ["runuser", "-u", "postgres", "--"]

    @property
    def url(self) -> str:
        """The SQLAlchemy URL of its `postgres` database."""
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    @property
    def dsn(self) -> str:
        """The asyncpg DSN of its `postgres` database."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        done = subprocess.run(
            [*self._as_user, *args], capture_output=True, text=True, timeout=60, check=False
        )
        assert done.returncode == 0, f"{args[0]} failed: {done.stdout}{done.stderr}"

    def init(self) -> None:
        """Create the cluster (trust auth, no fsync at init)."""
        self._run(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--no-sync",
        )

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c max_connections=60"
        )
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.logfile),
            "-w",
            "-t",
            "30",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (`immediate`: no checkpoint, every connection cut: a crash)."""
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def remove(self) -> None:
        """Stop the server if it runs and delete its directory."""
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(AssertionError, subprocess.TimeoutExpired):
                self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)
