"""Vote request/response models and the serializers that build their JSON."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel

from oxship.kit.clock import iso
from oxship.kit.envelope import OutModel
from oxship.models import Project, User, Vote
from oxship.users.schemas import UserCardOut, user_card

VoteType = Literal["up", "down"]
VoteAction = Literal["created", "removed", "changed"]


class VoteTypeIn(BaseModel):
    """`{vote_type}`: up or down."""

    vote_type: VoteType


class VoteIn(VoteTypeIn):
    """`POST /api/votes`."""

    project_id: uuid.UUID


class VoteOut(OutModel):
    """The project's fresh counts and scores after a vote, and the caller's vote."""

    project_id: uuid.UUID
    upvotes: int
    downvotes: int
    user_vote: VoteType | None
    vote_count: int
    action: VoteAction
    proof_score: float
    trending_score: float


class VotedProjectOut(OutModel):
    """The short card of a voted project."""

    id: uuid.UUID
    title: str
    tagline: str | None
    proof_score: float
    upvotes: int
    downvotes: int
    comment_count: int
    creator: UserCardOut


class UserVoteOut(OutModel):
    """One of the caller's votes."""

    id: uuid.UUID
    project_id: uuid.UUID
    vote_type: VoteType
    created_at: datetime
    updated_at: datetime
    project: VotedProjectOut


def user_vote_out(vote: Vote, project: Project, owner: User) -> dict[str, Any]:
    """The JSON of one of the caller's votes with its project card."""
    return {
        "id": str(vote.id),
        "project_id": str(vote.project_id),
        "vote_type": vote.vote_type,
        "created_at": iso(vote.created_at),
        "updated_at": iso(vote.updated_at),
        "project": {
            "id": str(project.id),
            "title": project.title,
            "tagline": project.tagline,
            "proof_score": round(project.proof_score, 2),
            "upvotes": project.upvotes,
            "downvotes": project.downvotes,
            "comment_count": project.comment_count,
            "creator": user_card(owner),
        },
    }
