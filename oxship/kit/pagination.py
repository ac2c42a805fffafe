"""page/per_page pagination (API.md §1.1): validated parameters and the pagination object."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Query

from oxship.kit.envelope import JSONBody

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20


@dataclass(frozen=True, slots=True)
class PageParams:
    """A validated page request."""

    page: int = 1
    per_page: int = DEFAULT_PER_PAGE

    @property
    def offset(self) -> int:
        """Rows to skip."""
        return (self.page - 1) * self.per_page

    @property
    def limit(self) -> int:
        """Rows to fetch."""
        return self.per_page


async def page_params(
    page: Annotated[int, Query(ge=1, le=1_000_000, description="Page number, from 1")] = 1,
    per_page: Annotated[
        int, Query(ge=1, le=MAX_PER_PAGE, description="Items per page, 1..100")
    ] = DEFAULT_PER_PAGE,
) -> PageParams:
    """Dependency reading `page` and `per_page` (422 when out of range or not a number)."""
    return PageParams(page=page, per_page=per_page)


Pagination = Annotated[PageParams, Depends(page_params)]


def pagination_object(params: PageParams, total: int) -> dict[str, Any]:
    """The §1.1 pagination object for `total` items."""
    total_pages = (total + params.per_page - 1) // params.per_page if total else 0
    return {
        "page": params.page,
        "per_page": params.per_page,
        "total": total,
        "total_pages": total_pages,
        "has_next": params.page < total_pages,
        "has_prev": params.page > 1,
    }


def page_body(
    items: list[Any], params: PageParams, total: int, *, meta: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A paginated success envelope."""
    body: dict[str, Any] = {
        "status": "success",
        "data": items,
        "pagination": pagination_object(params, total),
    }
    if meta is not None:
        body["meta"] = meta
    return body


def paginated(
    items: list[Any], params: PageParams, total: int, *, meta: dict[str, Any] | None = None
) -> JSONBody:
    """A paginated success-envelope response."""
    return JSONBody(page_body(items, params, total, meta=meta))
