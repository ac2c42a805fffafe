"""search indexes (API §3.19)

PostgreSQL: the pg_trgm extension, a STORED generated weighted `search_doc` tsvector per searched
table with a GIN index, and GIN trigram indexes on the name columns.
SQLite: per searched table an FTS5 word table (`search_<table>`, unicode61) and an FTS5 trigram
table on the name columns (`search_<table>_names`), each with an UNINDEXED `id`, kept current by
`search_<table>_a{i,u,d}` triggers.

Every object is named `search_*` / `ix_search_*` and is invisible to the models: see
`oxship.search.schema.include_name` / `include_object`, the autogenerate filters.

Note for later SQLite migrations: a batch operation that recreates `projects`, `users`, `chains`
or `events` drops their triggers; re-run `_sqlite_triggers()` for that table afterwards.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 06:00:00
"""

# ruff: noqa: S608 - every identifier in this DDL is a constant of SPECS; no input reaches it.
from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table -> (weighted text columns (column, weight A/B/C), trigram name columns)
SPECS: dict[str, tuple[tuple[tuple[str, str], ...], tuple[str, ...]]] = {
    "projects": ((("title", "A"), ("tagline", "B"), ("description", "C")), ("title",)),
    "users": ((("username", "A"), ("display_name", "A")), ("username", "display_name")),
    "chains": ((("name", "A"), ("description", "C")), ("name",)),
    "events": ((("name", "A"), ("tagline", "B"), ("description", "C")), ("name",)),
}


def _pg_upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, (weighted, names) in SPECS.items():
        doc = " || ".join(
            f"setweight(to_tsvector('simple'::regconfig, coalesce({col}, '')), '{weight}')"
            for col, weight in weighted
        )
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN search_doc tsvector GENERATED ALWAYS AS ({doc}) STORED"
        )
        op.execute(f"CREATE INDEX ix_search_{table}_doc ON {table} USING gin (search_doc)")
        for col in names:
            op.execute(
                f"CREATE INDEX ix_search_{table}_{col}_trgm ON {table} "
                f"USING gin ({col} gin_trgm_ops)"
            )


def _pg_downgrade() -> None:
    for table, (_, names) in SPECS.items():
        for col in names:
            op.execute(f"DROP INDEX IF EXISTS ix_search_{table}_{col}_trgm")
        op.execute(f"DROP INDEX IF EXISTS ix_search_{table}_doc")
        op.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_doc")
    # pg_trgm stays: dropping an extension is not this migration's business once others use it.


def _sqlite_triggers(table: str) -> None:
    weighted, names = SPECS[table]
    words = [col for col, _ in weighted]
    fill = (
        f"INSERT INTO search_{table}(id, {', '.join(words)}) "
        f"VALUES (NEW.id, {', '.join('NEW.' + c for c in words)}); "
        f"INSERT INTO search_{table}_names(id, {', '.join(names)}) "
        f"VALUES (NEW.id, {', '.join('NEW.' + c for c in names)});"
    )
    clear = (
        f"DELETE FROM search_{table} WHERE id = OLD.id; "
        f"DELETE FROM search_{table}_names WHERE id = OLD.id;"
    )
    op.execute(f"CREATE TRIGGER search_{table}_ai AFTER INSERT ON {table} BEGIN {fill} END")
    op.execute(f"CREATE TRIGGER search_{table}_ad AFTER DELETE ON {table} BEGIN {clear} END")
    watched = ", ".join(dict.fromkeys([*words, *names]))
    op.execute(
        f"CREATE TRIGGER search_{table}_au AFTER UPDATE OF {watched} ON {table} "
        f"BEGIN {clear} {fill} END"
    )


def _sqlite_upgrade() -> None:
    for table, (weighted, names) in SPECS.items():
        words = [col for col, _ in weighted]
        op.execute(
            f"CREATE VIRTUAL TABLE search_{table} USING fts5("
            f"id UNINDEXED, {', '.join(words)}, tokenize = 'unicode61 remove_diacritics 2')"
        )
        op.execute(
            f"CREATE VIRTUAL TABLE search_{table}_names USING fts5("
            f"id UNINDEXED, {', '.join(names)}, tokenize = 'trigram')"
        )
        op.execute(
            f"INSERT INTO search_{table}(id, {', '.join(words)}) "
            f"SELECT id, {', '.join(words)} FROM {table}"
        )
        op.execute(
            f"INSERT INTO search_{table}_names(id, {', '.join(names)}) "
            f"SELECT id, {', '.join(names)} FROM {table}"
        )
        _sqlite_triggers(table)


def _sqlite_downgrade() -> None:
    for table in SPECS:
        for suffix in ("ai", "ad", "au"):
            op.execute(f"DROP TRIGGER IF EXISTS search_{table}_{suffix}")
        op.execute(f"DROP TABLE IF EXISTS search_{table}_names")
        op.execute(f"DROP TABLE IF EXISTS search_{table}")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _pg_upgrade()
    else:
        _sqlite_upgrade()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _pg_downgrade()
    else:
        _sqlite_downgrade()
