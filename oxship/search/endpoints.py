"""HTTP route of /api/search."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from oxship.auth.dependencies import OptionalUser
from oxship.db import SessionDep
from oxship.kit.envelope import ERROR_RESPONSES, JSONBody
from oxship.kit.pagination import Pagination
from oxship.projects.listing import FeedFilters
from oxship.search import service
from oxship.search.schemas import SearchResponse, SearchType

router = APIRouter(prefix="/api/search", tags=["search"], responses=ERROR_RESPONSES)


def project_filters(
    category: Annotated[str | None, Query(max_length=50)] = None,
    tech: Annotated[
        list[str] | None, Query(max_length=10, description="repeatable; all match")
    ] = None,
    hackathon: Annotated[str | None, Query(max_length=200)] = None,
    min_score: Annotated[float | None, Query(ge=0, le=100)] = None,
    max_score: Annotated[float | None, Query(ge=0, le=100)] = None,
    has_demo: bool | None = None,
    has_github: bool | None = None,
    featured: bool | None = None,
    badge: Annotated[str | None, Query(max_length=50)] = None,
) -> FeedFilters:
    """The project filters of the feed (API §3.5), applied to project results only."""
    return FeedFilters(
        category=category,
        tech=tuple(t for t in tech or () if t.strip()),
        hackathon=hackathon,
        min_score=min_score,
        max_score=max_score,
        has_demo=has_demo,
        has_github=has_github,
        featured=featured,
        badge=badge,
    )


ProjectFilters = Annotated[FeedFilters, Depends(project_filters)]


@router.get("", response_model=SearchResponse)
async def search(
    session: SessionDep,
    viewer: OptionalUser,
    params: Pagination,
    filters: ProjectFilters,
    q: Annotated[str, Query(min_length=service.Q_MIN, max_length=service.Q_MAX)],
    type: SearchType = SearchType.ALL,
) -> JSONBody:
    """Ranked full-text search with typo tolerance; a page of one type, or of each (`all`)."""
    body = await service.search(
        session, q=q, kind=type, filters=filters, params=params, viewer=viewer
    )
    return JSONBody(body)
