"""HTTP routes of /api/votes and the vote routes under /api/projects/{id}."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from oxship.auth.dependencies import CurrentUser
from oxship.auth.write_limits import write_limit
from oxship.db import SessionDep
from oxship.kit.envelope import ERROR_RESPONSES, Envelope, JSONBody, PageEnvelope, ok
from oxship.kit.pagination import Pagination
from oxship.votes import service
from oxship.votes.schemas import UserVoteOut, VoteIn, VoteOut

router = APIRouter(prefix="/api", tags=["votes"], responses=ERROR_RESPONSES)


@router.post("/votes", response_model=Envelope[VoteOut], dependencies=[write_limit("votes")])
async def vote(body: VoteIn, session: SessionDep, user: CurrentUser) -> JSONBody:
    """Toggle the caller's vote: none → create, same type → remove, other type → switch."""
    return ok(
        await service.cast(session, user=user, project_id=body.project_id, vote_type=body.vote_type)
    )


@router.get("/votes/user", response_model=PageEnvelope[UserVoteOut])
async def my_votes(session: SessionDep, user: CurrentUser, params: Pagination) -> JSONBody:
    """The caller's votes on live projects, newest first."""
    return JSONBody(await service.list_mine(session, user=user, params=params))


@router.post(
    "/projects/{project_id}/upvote",
    response_model=Envelope[VoteOut],
    dependencies=[write_limit("votes")],
)
async def upvote(project_id: uuid.UUID, session: SessionDep, user: CurrentUser) -> JSONBody:
    """Toggle an upvote on the project (same semantics as `POST /api/votes`)."""
    return ok(await service.cast(session, user=user, project_id=project_id, vote_type="up"))


@router.post(
    "/projects/{project_id}/downvote",
    response_model=Envelope[VoteOut],
    dependencies=[write_limit("votes")],
)
async def downvote(project_id: uuid.UUID, session: SessionDep, user: CurrentUser) -> JSONBody:
    """Toggle a downvote on the project (same semantics as `POST /api/votes`)."""
    return ok(await service.cast(session, user=user, project_id=project_id, vote_type="down"))


@router.delete(
    "/projects/{project_id}/vote",
    response_model=Envelope[VoteOut],
    dependencies=[write_limit("votes")],
)
async def remove_vote(project_id: uuid.UUID, session: SessionDep, user: CurrentUser) -> JSONBody:
    """Remove the caller's vote on the project; 404 when there is none."""
    return ok(await service.remove(session, user=user, project_id=project_id))
