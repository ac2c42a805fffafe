"""The public side of investors: the directory, its stats, public profiles and project matches."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from oxship.errors import NotFound
from oxship.investors import repository
from oxship.investors.filters import DirectoryFilters, DirectorySort
from oxship.investors.schemas import INVESTOR_TYPES, STAGES
from oxship.investors.views import card, public_json
from oxship.kit.clock import utcnow
from oxship.kit.envelope import success
from oxship.kit.pagination import PageParams, page_body
from oxship.models import User
from oxship.projects import listing
from oxship.projects.repository import tag_key

# Recency points of a match: a project created within the window earns the points (first match).
RECENCY_POINTS = ((7, 20.0), (30, 15.0), (90, 10.0), (365, 5.0))


def _public_item(row: Any) -> dict[str, Any]:
    profile, username, display_name, avatar_url = row
    return public_json(profile, card(profile.user_id, username, display_name, avatar_url))


async def page(
    session: AsyncSession, *, filters: DirectoryFilters, sort: DirectorySort, params: PageParams
) -> dict[str, Any]:
    """One page of the directory (2 statements whatever the page size); `meta.filters` echoes."""
    rows, total = await repository.directory_page(
        session, filters, sort=sort, offset=params.offset, limit=params.limit
    )
    meta = {"filters": filters.applied(), "sort": sort.value}
    return page_body([_public_item(r) for r in rows], params, total, meta=meta)


async def stats(session: AsyncSession) -> dict[str, Any]:
    """`{total_investors, by_type, by_stage, by_industry, accepting_requests}` (2 statements)."""
    by_type = dict.fromkeys(INVESTOR_TYPES, 0)
    accepting = 0
    for investor_type, count, open_count in await repository.type_counts(session):
        by_type[investor_type] = by_type.get(investor_type, 0) + int(count)
        accepting += int(open_count)
    by_stage = dict.fromkeys(STAGES, 0)
    by_industry: dict[str, int] = {}
    for kind, tag, count in await repository.tag_counts(session, ("stage", "industry")):
        if kind == "stage":
            by_stage[tag] = int(count)
        else:
            by_industry[tag] = int(count)
    return success(
        {
            "total_investors": sum(by_type.values()),
            "by_type": by_type,
            "by_stage": by_stage,
            "by_industry": by_industry,
            "accepting_requests": accepting,
        }
    )


async def public_profile(session: AsyncSession, *, user_id: uuid.UUID) -> dict[str, Any]:
    """The approved, public profile of a user; 404 otherwise."""
    row = await repository.public_profile(session, user_id)
    if row is None:
        raise NotFound("Investor profile not found")
    return success(_public_item(row))


async def matches(session: AsyncSession, *, user: User, params: PageParams) -> dict[str, Any]:
    """Live projects ranked for the caller's approved profile, each with its score breakdown.

    Scored in SQL, so a page is a slice of the full ranking: 4 statements + the caller overlay.
    """
    profile = await repository.open_of_user(session, user.id, status="approved")
    if profile is None:
        raise NotFound("You have no approved investor profile")
    now = utcnow()
    recency = [(now - timedelta(days=days), points) for days, points in RECENCY_POINTS]
    rows, total = await repository.match_page(
        session,
        investor_id=user.id,
        industries=profile.industries,
        recency=recency,
        offset=params.offset,
        limit=params.limit,
    )
    items = await listing.project_items(session, [row[:4] for row in rows])
    wanted = {tag_key(i) for i in profile.industries}
    for item, row in zip(items, rows, strict=True):
        keys = {tag_key(c): c for c in reversed(row[0].categories)}  # first spelling wins
        matched = [keys[k] for k in sorted(keys) if k in wanted]
        item["match_score"] = round(float(row.match_score), 2)
        item["match_breakdown"] = {
            "industry": round(float(row.industry_points), 2),
            "proof": round(float(row.proof_points), 2),
            "recency": round(float(row.recency_points), 2),
            "matched_industries": matched,
        }
    body = page_body(items, params, total, meta={"industries": list(profile.industries)})
    await listing.overlay_caller(session, user, body)
    return body
