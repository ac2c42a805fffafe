"""Every hot query is backed by an index (issue 7): PostgreSQL `EXPLAIN` of what the hot endpoints run.

A database of its own is migrated and filled with the benchmark dataset at scale 0.2 (20k projects,
200k votes, 100k notifications; `seed_bench` runs ANALYZE): below ~10k projects a sequential scan
is honestly cheaper than the GIN indexes of `/api/search`. The app is driven with the
response cache off so every GET reaches the database, every SELECT / UPDATE / DELETE it runs is
captured with its parameters, and each is explained: a sequential scan of a hot table fails.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import event, text

from oxship.app import create_app
from oxship.bench_data import BENCH_PASSWORD, seed_bench
from oxship.migrate import upgrade
from oxship.runtime import Runtime
from tests.conftest import make_settings
from tests.support.databases import TEST_DATABASE_URL, create_empty_database, drop_test_database

SCALE = 0.2
HOT_TABLES = frozenset(
    {"projects", "votes", "comments", "notifications", "direct_messages", "chain_posts"}
)

_FEED = (
    "FROM projects JOIN users ON users.id = projects.user_id WHERE projects.is_deleted IS false"
    " AND users.is_active IS true AND users.deleted_at IS NULL"
)
# Statements allowed a sequential scan of a hot table, each for a reason no index removes; a
# pattern must match the whole (whitespace-normalised) statement.
ALLOWED_SCANS: dict[str, re.Pattern[str]] = {
    # The feed's `total`: counting every live project (or every one of a broad filter: a category,
    # a tech, has_demo…, ~10 % of the table) visits each matching row whatever the index; the
    # pages themselves walk the sort's partial index. The total sits behind the response cache.
    # (It counts matching live projects without a join, minus those of hidden owners: on a
    # vacuumed table the first part is an index-only scan, here the planner may still read the heap.)
    "feed total": re.compile(
        re.escape(
            "SELECT (SELECT count(*) AS count_1 FROM projects WHERE projects.is_deleted IS false"
        )
        + r"(?! AND \(\(projects\.search_doc).*"
    ),
    # The feed's `search=` is a substring filter (`lower(col) LIKE '%q%'` over title, tagline and
    # description): no btree serves a leading wildcard; `/api/search` is the indexed text search.
    "feed substring search": re.compile(
        r"SELECT .* " + re.escape(f"{_FEED} AND (lower(projects.title) LIKE ") + r".*"
    ),
}

Captured = list[tuple[str, Any]]


@pytest.fixture(scope="module")
def bench_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if TEST_DATABASE_URL is None:
        pytest.skip("EXPLAIN plans are PostgreSQL's: CI's PostgreSQL run executes this test")
    url = create_empty_database(Path(tmp_path_factory.mktemp("explain")), "explain")
    try:
        upgrade(url)

        async def fill() -> None:
            runtime = Runtime.build(_settings(url))
            await runtime.start()
            try:
                await seed_bench(runtime, scale=SCALE, quiet=True)
            finally:
                await runtime.close()

        asyncio.run(fill())
        yield url
    finally:
        drop_test_database(url)


def _settings(url: str) -> Any:
    return make_settings(
        url, rate_limit_enabled=False, cache_enabled=False, cache_warmer_enabled=False
    )


def _seq_scans(plan: dict[str, Any]) -> Iterator[str]:
    if plan.get("Node Type") == "Seq Scan" and plan.get("Relation Name") in HOT_TABLES:
        yield str(plan["Relation Name"])
    for child in plan.get("Plans", ()):
        yield from _seq_scans(child)


def _relations(plan: dict[str, Any]) -> Iterator[str]:
    if "Relation Name" in plan:
        yield str(plan["Relation Name"])
    for child in plan.get("Plans", ()):
        yield from _relations(child)


def _normalise(statement: str) -> str:
    return " ".join(statement.split())


def _explainable(statement: str) -> bool:
    head = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else ""
    if head in {"SELECT", "WITH"}:
        return True
    return head in {"UPDATE", "DELETE"} and " WHERE " in _normalise(statement).upper()


async def _login(client: httpx.AsyncClient, runtime: Runtime) -> dict[str, Any]:
    """Pick the rows the paths need, log a bench user with messages in; the picked ids."""
    async with runtime.engine.connect() as conn:
        ids = (
            await conn.execute(
                text(
                    "SELECT (SELECT sender_id FROM direct_messages ORDER BY created_at DESC LIMIT 1),"
                    " (SELECT recipient_id FROM direct_messages ORDER BY created_at DESC LIMIT 1),"
                    " (SELECT project_id FROM comments GROUP BY project_id"
                    "  ORDER BY count(*) DESC LIMIT 1),"
                    " (SELECT parent_id FROM comments WHERE parent_id IS NOT NULL"
                    "  GROUP BY parent_id ORDER BY count(*) DESC LIMIT 1),"
                    " (SELECT slug FROM chains ORDER BY post_count DESC LIMIT 1)"
                )
            )
        ).one()
        me, other, project_id, comment_id, slug = ids
        username = (
            await conn.execute(text("SELECT username FROM users WHERE id = :id"), {"id": me})
        ).scalar_one()
        post_id = (
            await conn.execute(
                text(
                    "SELECT p.id FROM chain_posts p JOIN chains c ON c.id = p.chain_id"
                    " WHERE c.slug = :slug AND p.parent_id IS NULL ORDER BY p.total_replies DESC"
                    " LIMIT 1"
                ),
                {"slug": slug},
            )
        ).scalar_one()
        voted = (
            await conn.execute(
                text(
                    "SELECT id FROM projects WHERE is_deleted = false AND id NOT IN"
                    " (SELECT project_id FROM votes WHERE user_id = :me) LIMIT 1"
                ),
                {"me": me},
            )
        ).scalar_one()
    login = await client.post(
        "/api/auth/login", json={"email": username, "password": BENCH_PASSWORD}
    )
    assert login.status_code == 200, login.text
    client.headers["Authorization"] = f"Bearer {login.json()['data']['tokens']['access']}"
    return {
        "me": me,
        "other": other,
        "project_id": project_id,
        "comment_id": comment_id,
        "slug": slug,
        "post_id": post_id,
        "voted": voted,
    }


async def _drive(client: httpx.AsyncClient, ids: dict[str, Any]) -> list[str]:
    """Call every hot endpoint; the paths called (each must answer 2xx)."""
    me, other, project_id = ids["me"], ids["other"], ids["project_id"]
    comment_id, slug, post_id, voted = ids["comment_id"], ids["slug"], ids["post_id"], ids["voted"]
    paths = [
        *(f"/api/projects?sort={s}" for s in ("trending", "newest", "top_rated", "most_voted")),
        "/api/projects?category=DeFi",
        "/api/projects?tech=Rust&sort=newest",
        "/api/projects?hackathon=HackMIT",
        "/api/projects?min_score=60&sort=top_rated",
        "/api/projects?has_demo=true&has_github=true",
        "/api/projects?featured=true",
        "/api/projects?search=oracle",
        "/api/projects?page=5",
        f"/api/projects/{project_id}",
        f"/api/projects/{project_id}/comments",
        f"/api/comments/{comment_id}/replies",
        f"/api/users/{me}/projects",
        "/api/votes/user",
        "/api/notifications",
        "/api/notifications/unread-count",
        "/api/messages/conversations",
        f"/api/messages/conversation/{other}",
        "/api/messages/unread-count",
        *(
            f"/api/chains?sort={s}"
            for s in ("trending", "newest", "most_projects", "most_followers", "alphabetical")
        ),
        f"/api/chains/{slug}",
        f"/api/chains/{slug}/projects",
        *(f"/api/chains/{slug}/posts?sort={s}" for s in ("hot", "new", "top", "active")),
        f"/api/chains/{slug}/posts/{post_id}",
        f"/api/chains/{slug}/posts/{post_id}/replies",
        *(f"/api/events?sort={s}" for s in ("upcoming", "newest", "popular", "prize")),
        "/api/leaderboard/projects",
        "/api/leaderboard/users",
        "/api/leaderboard/chains",
        "/api/leaderboard/trending",
        "/api/investors/public",
        "/api/search?q=zkvault",
        "/api/prefetch/bootstrap",
    ]
    for path in paths:
        response = await client.get(path)
        assert response.status_code == 200, (path, response.text)
    vote = await client.post("/api/votes", json={"project_id": str(voted), "vote_type": "up"})
    assert vote.status_code == 200, vote.text
    again = await client.post("/api/votes", json={"project_id": str(voted), "vote_type": "down"})
    assert again.status_code == 200, again.text
    return [*paths, "POST /api/votes"]


async def test_hot_queries_use_indexes(bench_url: str) -> None:
    app = create_app(_settings(bench_url))
    captured: Captured = []
    async with app.router.lifespan_context(app):
        runtime: Runtime = app.state.runtime
        sync_engine = runtime.engine.sync_engine

        def record(
            conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool
        ) -> None:
            if not many and _explainable(statement):
                captured.append((statement, parameters))

        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            ids = await _login(client, runtime)
            event.listen(sync_engine, "before_cursor_execute", record)
            try:
                called = await _drive(client, ids)
            finally:
                event.remove(sync_engine, "before_cursor_execute", record)

        seen: set[str] = set()
        failures: list[str] = []
        read: set[str] = set()
        async with runtime.engine.connect() as conn:
            for statement, parameters in captured:
                key = _normalise(statement) + repr(parameters)
                if key in seen:
                    continue
                seen.add(key)
                result = await conn.exec_driver_sql(
                    f"EXPLAIN (FORMAT JSON) {statement}", parameters
                )
                raw = result.scalar_one()
                plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]
                read.update(_relations(plan))
                scans = sorted(set(_seq_scans(plan)))
                if not scans:
                    continue
                allowed = [
                    k for k, rx in ALLOWED_SCANS.items() if rx.fullmatch(_normalise(statement))
                ]
                if allowed:
                    continue
                failures.append(
                    f"Seq Scan on {', '.join(scans)}:\n{statement}\nparams={parameters!r}\n"
                    + json.dumps(plan, indent=1)
                )
            await conn.rollback()

    assert len(called) > 40
    assert read >= HOT_TABLES, f"no hot query read {sorted(HOT_TABLES - read)}"
    assert len(seen) > 60, "too few statements captured: is the cache really off?"
    assert not failures, f"{len(failures)} hot queries scan a table:\n\n" + "\n\n".join(failures)
