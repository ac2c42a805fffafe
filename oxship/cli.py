"""The `oxship` command: serve, migrate, create-admin, seed, outbox, expire-intros, worker."""

from __future__ import annotations

import asyncio
import json
import signal
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from oxship.config import Settings
from oxship.db import transaction
from oxship.kit.clock import iso
from oxship.runtime import Runtime

app = typer.Typer(help="oxship backend", no_args_is_help=True, add_completion=False)
console = Console()
T = TypeVar("T")
WORKER_HEALTHCHECK_TIMEOUT = 30  # seconds; see serve()


def _run(work: Callable[[Runtime], Awaitable[T]]) -> T:
    async def main() -> T:
        runtime = Runtime.build(Settings())
        await runtime.start()
        try:
            return await work(runtime)
        finally:
            await runtime.close()

    return asyncio.run(main())


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Bind address")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes")] = 1,
) -> None:
    """Serve the API with uvicorn."""
    import uvicorn

    settings = Settings()
    if workers > 1 and settings.is_sqlite:
        console.print("[yellow]SQLite + in-process cache: use one worker, or PostgreSQL + Redis")
    uvicorn.run(
        "oxship.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        # uvicorn kills a worker that does not answer its health ping within this many seconds,
        # including while it starts: importing the app takes several seconds on a busy machine,
        # and the default 5 s had workers killed and respawned in a loop (tests/faults).
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_TIMEOUT,
        loop="uvloop",
        http="httptools",
        proxy_headers=True,
        access_log=False,
        log_level=settings.log_level.lower(),
    )


@app.command()
def migrate(revision: Annotated[str, typer.Argument(help="Target revision")] = "head") -> None:
    """Apply database migrations (SQLite or PostgreSQL, from DATABASE_URL)."""
    from oxship.migrate import upgrade

    upgrade(Settings().database_url, revision)
    console.print(f"[green]database at {revision}")


@app.command("create-admin")
def create_admin(
    email: Annotated[str, typer.Option(help="Admin email")],
    username: Annotated[str, typer.Option(help="Admin username")],
    password: Annotated[
        str, typer.Option(help="Password (prompted when omitted)", prompt=True, hide_input=True)
    ],
) -> None:
    """Create an administrator account."""
    from pydantic import ValidationError

    from oxship.auth.schemas import RegisterIn
    from oxship.errors import OxshipError
    from oxship.users import service as users

    try:
        data = RegisterIn(email=email, username=username, password=password)
    except ValidationError as exc:
        for err in exc.errors():
            console.print(f"[red]{'.'.join(map(str, err['loc']))}: {err['msg']}")
        raise typer.Exit(2) from exc

    async def work(runtime: Runtime) -> str:
        async with transaction(runtime) as session:
            user = await users.create(
                session,
                email=data.email,
                username=data.username,
                password_hash=await runtime.passwords.hash(data.password),
                is_admin=True,
            )
            return str(user.id)

    try:
        user_id = _run(work)
    except OxshipError as exc:
        console.print(f"[red]{exc.message}")
        raise typer.Exit(1) from exc
    console.print(f"[green]admin {data.username} created ({user_id})")


@app.command()
def seed(
    demo: Annotated[bool, typer.Option("--demo", help="Load the small demo dataset")] = False,
    bench: Annotated[
        bool, typer.Option("--bench", help="Bulk-load the benchmark dataset (bench/, issue 7)")
    ] = False,
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Only into an empty database")
    ] = False,
    scale: Annotated[
        float, typer.Option(help="Dataset size factor (1.0 = the full demo / benchmark)")
    ] = 1.0,
) -> None:
    """Load a dataset."""
    from oxship.seed import seed_demo

    if demo == bench:
        console.print("[red]choose a dataset: --demo or --bench")
        raise typer.Exit(2)
    settings = Settings()
    if settings.is_production:
        console.print("[red]refusing to load demo data with OXSHIP_ENV=production")
        raise typer.Exit(1)
    if bench:
        _seed_bench(scale=scale, if_empty=if_empty)
        return
    created = _run(lambda runtime: seed_demo(runtime, only_if_empty=if_empty, scale=scale))
    if created is None:
        console.print("database not empty: demo data not loaded")
    else:
        console.print(f"[green]demo data loaded: {created}")


def _seed_bench(*, scale: float, if_empty: bool) -> None:
    import time

    from oxship.bench_data import BENCH_PASSWORD, seed_bench

    started = time.perf_counter()
    try:
        counts = _run(lambda runtime: seed_bench(runtime, scale=scale, only_if_empty=if_empty))
    except RuntimeError as exc:
        console.print(f"[red]{exc}")
        raise typer.Exit(1) from exc
    if counts is None:
        console.print("database not empty: benchmark data not loaded")
        return
    rows = ", ".join(f"{n:,} {table}" for table, n in counts.items())
    console.print(
        f"[green]benchmark data loaded in {time.perf_counter() - started:.0f} s: {rows} "
        f"(users bench00000…, password {BENCH_PASSWORD!r}; bench00000 is an admin)"
    )


@app.command()
def outbox(
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines instead of a table")] = False,
    limit: Annotated[int, typer.Option(help="How many, newest first")] = 50,
    to: Annotated[str | None, typer.Option(help="Only mail to this address")] = None,
) -> None:
    """Print mail that went to the outbox table (no SMTP configured, or delivery failed)."""
    from oxship.mail.service import outbox_messages

    async def work(runtime: Runtime) -> list[dict[str, str | None]]:
        async with runtime.sessionmaker() as session:
            rows = await outbox_messages(session, limit=limit, to=to.lower() if to else None)
            return [
                {
                    "to": m.to,
                    "subject": m.subject,
                    "body": m.body,
                    "created_at": iso(m.created_at),
                    "error": m.error,
                }
                for m in rows
            ]

    messages = _run(work)
    if as_json:
        for message in messages:
            typer.echo(json.dumps(message))
        return
    table = Table("created_at", "to", "subject", "body")
    for message in messages:
        table.add_row(message["created_at"], message["to"], message["subject"], message["body"])
    console.print(table)


@app.command("expire-intros")
def expire_intros() -> None:
    """Expire introductions still pending after 30 days (once per hour per deployment)."""
    from oxship.intros.jobs import run_expiry

    result = _run(run_expiry)
    if result is None:
        console.print("expire-intros already ran this hour: skipped")
        return
    console.print(
        f"[green]expired {result['intro_requests']} intro requests and {result['intros']} intros"
    )


@app.command()
def reconcile(
    fix: Annotated[
        bool, typer.Option("--fix", help="Correct the drift found (one transaction)")
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the report as one JSON object")
    ] = False,
) -> None:
    """Check every denormalized counter and score against its source rows (exit 1 on drift
    left unfixed)."""
    from oxship.reconcile.service import reconcile as run_checks

    async def work(runtime: Runtime) -> dict[str, Any]:
        async with transaction(runtime, write=fix) as session:
            return (await run_checks(session, fix=fix)).as_json()

    report = _run(work)
    if as_json:
        typer.echo(json.dumps(report))
    else:
        table = Table("table", "column", "id", "stored", "actual")
        for d in report["drift"]:
            table.add_row(d["table"], d["column"], d["id"], str(d["stored"]), str(d["actual"]))
        if report["drift"]:
            console.print(table)
        verb = "fixed" if fix else "found"
        console.print(
            f"{len(report['checks'])} checks, {report['drift_count']} drifting values {verb}"
        )
    if report["drift_count"] and not fix:
        raise typer.Exit(1)


@app.command("worker")
def run_worker(
    once: Annotated[bool, typer.Option(help="Run every job once, print the results, exit")] = False,
) -> None:
    """Run the periodic jobs every WORKER_INTERVAL seconds (each runs once per period per deployment)."""
    from oxship.worker import run_forever, run_once

    if once:
        for name, result in _run(run_once).items():
            console.print(
                f"{name}: {'skipped (already ran this period)' if result is None else result}"
            )
        return

    async def forever(runtime: Runtime) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        console.print(f"worker: jobs every {runtime.settings.worker_interval:g} s; Ctrl-C stops")
        await run_forever(runtime, interval=runtime.settings.worker_interval, stop=stop)

    _run(forever)


def main() -> None:
    """Entry point of the console script."""
    app()
