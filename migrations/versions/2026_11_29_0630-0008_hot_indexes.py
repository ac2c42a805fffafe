"""hot indexes (issue 7): partial-index predicates the queries imply, and the missing indexes

The partial indexes of 0002/0005 said `is_deleted = false` / `is_read = false`, but every
repository filters with `.is_(False)`, rendered `IS false` on PostgreSQL and `IS 0` on SQLite; a
planner uses a partial index only when the query implies its predicate, and PostgreSQL proves
neither form from the other, so the feed sorted whole tables. They are rebuilt with the predicate
the queries spell. tests/test_explain.py guards every hot query with PostgreSQL's EXPLAIN.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 06:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_LIVE = "is_deleted = false"
NEW_LIVE = ("is_deleted IS false", "is_deleted IS 0")  # (postgresql, sqlite)

# name -> (table, columns, old predicate, new (postgresql, sqlite) predicates)
REBUILT: dict[str, tuple[str, list[str | sa.TextClause], str, tuple[str, str]]] = {
    "ix_projects_trending": ("projects", ["trending_score"], OLD_LIVE, NEW_LIVE),
    "ix_projects_created": ("projects", ["created_at"], OLD_LIVE, NEW_LIVE),
    "ix_projects_proof": ("projects", ["proof_score"], OLD_LIVE, NEW_LIVE),
    "ix_projects_votes": ("projects", [sa.text("(upvotes + downvotes)")], OLD_LIVE, NEW_LIVE),
    "ix_projects_featured": (
        "projects",
        ["featured_at"],
        "is_featured AND is_deleted = false",
        ("is_featured IS true AND is_deleted IS false", "is_featured IS 1 AND is_deleted IS 0"),
    ),
    "ix_events_start": ("events", ["start_date"], OLD_LIVE, NEW_LIVE),
    "ix_events_end": ("events", ["end_date"], OLD_LIVE, NEW_LIVE),
    "ix_notifications_user_unread": (
        "notifications",
        ["user_id"],
        "is_read = false",
        ("is_read IS false", "is_read IS 0"),
    ),
}


def _create(name: str, table: str, columns: list[str | sa.TextClause], pg: str, lite: str) -> None:
    op.create_index(
        name,
        table,
        columns,
        unique=False,
        postgresql_where=sa.text(pg),
        sqlite_where=sa.text(lite),
    )


def upgrade() -> None:
    for name, (table, columns, _old, (pg, lite)) in REBUILT.items():
        op.drop_index(name, table_name=table)
        _create(name, table, columns, pg, lite)


def downgrade() -> None:
    for name, (table, columns, old, _new) in REBUILT.items():
        op.drop_index(name, table_name=table)
        _create(name, table, columns, old, old)
