"""HTTP routes of /api/users."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request

from oxship.auth.dependencies import CurrentUser, OptionalUser
from oxship.db import SessionDep
from oxship.kit.cache import CacheDep, cached_json
from oxship.kit.envelope import ERROR_RESPONSES, Envelope, JSONBody, ok, success
from oxship.users import service
from oxship.users.cache import PROFILE_TTL, profile_ns
from oxship.users.schemas import (
    MeOut,
    ProfileUpdate,
    SearchPrefix,
    UserCardOut,
    UserProfileOut,
    UserStatsOut,
    own_user,
    public_user,
    user_card,
)

router = APIRouter(prefix="/api/users", tags=["users"], responses=ERROR_RESPONSES)


@router.put("/profile", response_model=Envelope[MeOut])
async def update_profile(body: ProfileUpdate, session: SessionDep, user: CurrentUser) -> JSONBody:
    """Edit the caller's display name, avatar, bio and location."""
    updated = await service.update_profile(session, user=user, changes=body)
    return ok(own_user(updated))


@router.get("/stats", response_model=Envelope[UserStatsOut])
async def stats(session: SessionDep, user: CurrentUser) -> JSONBody:
    """The caller's dashboard counters."""
    return ok(await service.stats(session, user=user))


@router.get("/search", response_model=Envelope[list[UserCardOut]])
async def search(
    session: SessionDep,
    q: Annotated[SearchPrefix, Query(description="Prefix, ≥2 chars once trimmed")],
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> JSONBody:
    """Typeahead over usernames and display names (never emails)."""
    found = await service.typeahead(session, q=q, limit=limit)
    return ok([user_card(u) for u in found])


@router.get("/{username}", response_model=Envelope[UserProfileOut])
async def profile(
    request: Request,
    username: Annotated[str, Path(min_length=1, max_length=30)],
    session: SessionDep,
    cache: CacheDep,
    viewer: OptionalUser,
) -> Any:
    """A public profile by username (case-insensitive); email only for the user or an admin."""
    username = username.lower()

    async def load() -> dict[str, Any]:
        return success(public_user(await service.get_profile(session, username)))

    overlay = None
    if viewer is not None and (viewer.username == username or viewer.is_admin):

        async def add_email(envelope: dict[str, Any]) -> None:
            owner = viewer if viewer.username == username else None
            owner = owner or await service.get_profile(session, username)
            envelope["data"]["email"] = owner.email

        overlay = add_email
    return await cached_json(
        request,
        cache,
        namespaces=[profile_ns(username)],
        ttl=PROFILE_TTL,
        load=load,
        overlay=overlay,
    )
