"""The search-only database objects, and the autogenerate filters that hide them.

Migration 0007 creates them outside the models: on PostgreSQL a generated `search_doc` column
and `ix_search_*` indexes on the searched tables, on SQLite `search_*` FTS5 tables (and their
shadow tables) and triggers. Model/migration comparisons pass these filters as `include_name`
and `include_object`.
"""

from __future__ import annotations

from typing import Any

SEARCH_PREFIX = "search_"
SEARCH_INDEX_PREFIX = "ix_search_"
SEARCH_COLUMN = "search_doc"


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """False for the search tables (so they are never reflected)."""
    return not (type_ == "table" and name is not None and name.startswith(SEARCH_PREFIX))


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """False for the reflected search objects that have no model counterpart."""
    if not reflected or compare_to is not None or name is None:
        return True
    if type_ == "table":
        return not name.startswith(SEARCH_PREFIX)
    if type_ == "column":
        return name != SEARCH_COLUMN
    if type_ == "index":
        return not name.startswith(SEARCH_INDEX_PREFIX)
    return True


COMPARE_FILTERS: dict[str, Any] = {"include_name": include_name, "include_object": include_object}
