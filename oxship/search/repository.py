"""SQL for search: ranked matches of projects, users, chains and events on both backends.

PostgreSQL: `search_doc @@ to_tsquery('simple', 'w1:* & w2:*')` OR `q <% name` (pg_trgm word
similarity ≥ `pg_trgm.word_similarity_threshold`, 0.6 by default); score `1 + ts_rank_cd` for a
word match (weights A title/name 1.0, B tagline 0.4, C description 0.2), else the best word
similarity (≤ 1), so every word match ranks above every typo-only match.

SQLite: the FTS5 word table matches `"w1"* "w2"*`, scored `1 - bm25(…)` with column weights
(title/name 10, tagline 4, description 1); the FTS5 trigram table finds names sharing a trigram and
keeps those containing ≥ 60 % of the query's trigrams, scored by that share (≤ 1).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Select,
    String,
    case,
    func,
    literal,
    literal_column,
    or_,
    select,
    text,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.selectable import Subquery

from oxship.kit.sql import dialect_name
from oxship.models import Chain, Event, Project, User
from oxship.projects.repository import FeedFilters, feed_conditions
from oxship.search.schema import SEARCH_COLUMN
from oxship.search.terms import Terms


@dataclass(frozen=True, slots=True)
class Target:
    """How one table is searched: its name columns and its SQLite bm25 column weights."""

    table: str
    names: tuple[str, ...]
    weights: tuple[float, ...]  # of the FTS5 word table's text columns, in order


PROJECTS = Target("projects", ("title",), (10.0, 4.0, 1.0))
USERS = Target("users", ("username", "display_name"), (10.0, 10.0))
CHAINS = Target("chains", ("name",), (10.0, 1.0))
EVENTS = Target("events", ("name",), (10.0, 4.0, 1.0))

Rows = tuple[list[Any], int]


def _pg_match(target: Target, model: Any, terms: Terms) -> tuple[ColumnElement[bool], Any]:
    """(WHERE condition, score) on PostgreSQL."""
    names = [getattr(model, col) for col in target.names]
    query = literal(terms.text, String)
    # `q <% name` on the bare column, so its gin_trgm_ops index serves it (NULL never matches).
    fuzzy: ColumnElement[bool] = or_(*(query.op("<%", is_comparison=True)(name) for name in names))
    similarity = func.greatest(
        *(func.word_similarity(query, func.coalesce(name, "")) for name in names)
    )
    if not terms.words:
        return fuzzy, similarity
    doc: ColumnElement[Any] = literal_column(f"{target.table}.{SEARCH_COLUMN}")
    tsquery = func.to_tsquery(literal_column("'simple'::regconfig"), terms.pg_tsquery())
    matched = doc.op("@@", is_comparison=True)(tsquery)
    score = case((matched, 1.0 + func.ts_rank_cd(doc, tsquery)), else_=similarity)
    return or_(matched, fuzzy), score


def _sqlite_hits(target: Target, terms: Terms) -> Subquery:
    """`(id, score)` of the matching rows of the table, from its FTS5 tables.

    The SQL text is built from `Target` constants and counts only; user text is always bound.
    """
    table = f"search_{target.table}"
    parts: list[str] = []
    params: dict[str, Any] = {}
    if terms.words:
        weights = ", ".join(str(w) for w in (0.0, *target.weights))
        parts.append(
            f"SELECT id, 1.0 - bm25({table}, {weights}) AS score "  # noqa: S608
            f"FROM {table} WHERE {table} MATCH :words LIMIT -1"
        )
        params["words"] = terms.fts5_words()
    if terms.trigrams:
        names = f"{table}_names"
        hay = " || ' ' || ".join(f"lower(coalesce({c}, ''))" for c in target.names)
        shared = " + ".join(f"(instr({hay}, :g{i}) > 0)" for i in range(len(terms.trigrams)))
        parts.append(
            f"SELECT id, ({shared}) * 1.0 / {len(terms.trigrams)} AS score "  # noqa: S608
            f"FROM {names} WHERE {names} MATCH :grams AND ({shared}) >= {terms.trigrams_needed} "
            "LIMIT -1"
        )
        params["grams"] = terms.fts5_trigrams()
        params.update({f"g{i}": gram for i, gram in enumerate(terms.trigrams)})
    # Each part is its own subquery with a LIMIT, so SQLite never flattens bm25() into the
    # aggregate (where FTS5 auxiliary functions cannot run).
    union = " UNION ALL ".join(f"SELECT id, score FROM ({part})" for part in parts)  # noqa: S608
    sql = f"SELECT id, max(score) AS score FROM ({union}) GROUP BY id"  # noqa: S608
    return text(sql).bindparams(**params).columns(id=String, score=Float).subquery(f"hits_{table}")


def _matching(
    session: AsyncSession, target: Target, model: Any, terms: Terms, stmt: Select[Any]
) -> tuple[Select[Any], Any]:
    """`stmt` restricted to the matching rows of `model`, and the score column."""
    if dialect_name(session) == "postgresql":
        condition, score = _pg_match(target, model, terms)
        return stmt.where(condition), score
    hits = _sqlite_hits(target, terms)
    return stmt.join(hits, hits.c.id == model.id), hits.c.score


async def _search(
    session: AsyncSession,
    target: Target,
    model: Any,
    columns: Sequence[Any],
    joins: Sequence[tuple[Any, Any, bool]],
    conditions: Sequence[Any],
    terms: Terms,
    offset: int,
    limit: int,
) -> Rows:
    """One page of `(*columns, score)` rows, best first, and the total."""
    if not terms.words and not terms.trigrams:
        return [], 0
    base: Select[Any] = select(*columns)
    counted: Select[Any] = select(func.count()).select_from(model)
    for other, on, outer in joins:
        base = base.join(other, on, isouter=outer)
        counted = counted.join(other, on, isouter=outer)
    base, score = _matching(session, target, model, terms, base.where(*conditions))
    counted, _ = _matching(session, target, model, terms, counted.where(*conditions))
    total = int((await session.execute(counted)).scalar_one())
    if total == 0 or offset >= total:
        return [], total
    stmt = (
        base.add_columns(score.label("score"))
        .order_by(score.desc(), model.created_at.desc(), model.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return list((await session.execute(stmt)).all()), total


async def projects(
    session: AsyncSession, terms: Terms, filters: FeedFilters, *, offset: int, limit: int
) -> Rows:
    """(Project, username, display_name, avatar_url, score) rows: live projects of active owners
    that pass the feed filters."""
    return await _search(
        session,
        PROJECTS,
        Project,
        (Project, User.username, User.display_name, User.avatar_url),
        ((User, User.id == Project.user_id, False),),
        feed_conditions(filters),
        terms,
        offset,
        limit,
    )


async def users(session: AsyncSession, terms: Terms, *, offset: int, limit: int) -> Rows:
    """(User, score) rows of active, undeleted users matched by username or display name."""
    conditions = (User.is_active.is_(True), User.deleted_at.is_(None))
    return await _search(session, USERS, User, (User,), (), conditions, terms, offset, limit)


async def chains(session: AsyncSession, terms: Terms, *, offset: int, limit: int) -> Rows:
    """(Chain, username, display_name, avatar_url, score) rows of public, live, unbanned chains."""
    conditions = (
        Chain.is_deleted.is_(False),
        Chain.is_public.is_(True),
        Chain.status != "banned",
    )
    return await _search(
        session,
        CHAINS,
        Chain,
        (Chain, User.username, User.display_name, User.avatar_url),
        ((User, User.id == Chain.creator_id, True),),
        conditions,
        terms,
        offset,
        limit,
    )


async def events(session: AsyncSession, terms: Terms, *, offset: int, limit: int) -> Rows:
    """(Event, username, display_name, avatar_url, score) rows of live events."""
    return await _search(
        session,
        EVENTS,
        Event,
        (Event, User.username, User.display_name, User.avatar_url),
        ((User, User.id == Event.creator_id, False),),
        (Event.is_deleted.is_(False),),
        terms,
        offset,
        limit,
    )
