"""Search: the ranked, visible matches of a query, as each domain's public JSON plus `score`."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from oxship.chains import service as chains_service
from oxship.chains.schemas import chain_json
from oxship.errors import ValidationFailed
from oxship.events import service as events_service
from oxship.events.schemas import event_json
from oxship.kit.pagination import PageParams, page_body
from oxship.models import User
from oxship.projects import listing
from oxship.projects.listing import FeedFilters
from oxship.search import repository
from oxship.search.schemas import SearchType
from oxship.search.terms import Terms, prepare
from oxship.users.schemas import public_user

Q_MIN, Q_MAX = 2, 200
KINDS = (SearchType.PROJECTS, SearchType.USERS, SearchType.CHAINS, SearchType.EVENTS)


def terms_of(q: str) -> Terms:
    """The prepared query; 422 when `q` is not 2..200 characters once trimmed."""
    stripped = q.strip()
    if not Q_MIN <= len(stripped) <= Q_MAX:
        raise ValidationFailed.field("q", f"must be {Q_MIN}..{Q_MAX} characters")
    return prepare(stripped)


def _scored(item: dict[str, Any], score: Any) -> dict[str, Any]:
    item["score"] = float(score or 0.0)
    return item


async def _projects(
    session: AsyncSession, terms: Terms, filters: FeedFilters, params: PageParams
) -> tuple[list[dict[str, Any]], int]:
    rows, total = await repository.projects(
        session, terms, filters, offset=params.offset, limit=params.limit
    )
    items = await listing.project_items(session, [row[:4] for row in rows])
    return [_scored(item, row[4]) for item, row in zip(items, rows, strict=True)], total


async def _users(
    session: AsyncSession, terms: Terms, params: PageParams
) -> tuple[list[dict[str, Any]], int]:
    rows, total = await repository.users(session, terms, offset=params.offset, limit=params.limit)
    return [_scored(public_user(user), score) for user, score in rows], total


async def _chains(
    session: AsyncSession, terms: Terms, params: PageParams
) -> tuple[list[dict[str, Any]], int]:
    rows, total = await repository.chains(session, terms, offset=params.offset, limit=params.limit)
    return [_scored(chain_json(row[:4]), row[4]) for row in rows], total


async def _events(
    session: AsyncSession, terms: Terms, params: PageParams
) -> tuple[list[dict[str, Any]], int]:
    rows, total = await repository.events(session, terms, offset=params.offset, limit=params.limit)
    return [_scored(event_json(row[:4]), row[4]) for row in rows], total


async def _one(
    session: AsyncSession,
    kind: SearchType,
    terms: Terms,
    filters: FeedFilters,
    params: PageParams,
) -> tuple[list[dict[str, Any]], int]:
    if kind is SearchType.PROJECTS:
        return await _projects(session, terms, filters, params)
    if kind is SearchType.USERS:
        return await _users(session, terms, params)
    if kind is SearchType.CHAINS:
        return await _chains(session, terms, params)
    return await _events(session, terms, params)


async def _overlay(
    session: AsyncSession, viewer: User | None, kind: SearchType, items: list[dict[str, Any]]
) -> None:
    """The caller's per-item fields (votes/saved, following, subscribed)."""
    if viewer is None or not items:
        return
    envelope = {"data": items}
    if kind is SearchType.PROJECTS:
        await listing.overlay_caller(session, viewer, envelope)
    elif kind is SearchType.CHAINS:
        await chains_service.overlay_caller(session, viewer, envelope)
    elif kind is SearchType.EVENTS:
        await events_service.overlay_caller(session, viewer, envelope)


async def search(
    session: AsyncSession,
    *,
    q: str,
    kind: SearchType,
    filters: FeedFilters,
    params: PageParams,
    viewer: User | None,
) -> dict[str, Any]:
    """The response body: a page of one type, or (`all`) a page of each type with their totals."""
    terms = terms_of(q)
    if kind is not SearchType.ALL:
        items, total = await _one(session, kind, terms, filters, params)
        await _overlay(session, viewer, kind, items)
        return page_body(items, params, total)
    data: dict[str, list[dict[str, Any]]] = {}
    totals: dict[str, int] = {}
    for each in KINDS:
        items, total = await _one(session, each, terms, filters, params)
        await _overlay(session, viewer, each, items)
        data[each.value], totals[each.value] = items, total
    return {
        "status": "success",
        "data": data,
        "meta": {
            "query": terms.text,
            "type": "all",
            "totals": totals,
            "page": params.page,
            "per_page": params.per_page,
        },
    }
