"""Comment request/response models and the serializer that builds the comment JSON."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel

from oxship.kit.clock import iso
from oxship.kit.envelope import OutModel
from oxship.kit.text import NulFree, trimmed
from oxship.models import Comment, User
from oxship.users.schemas import UserCardOut, user_card
from oxship.votes.schemas import VoteAction, VoteType

Content = Annotated[str, trimmed(1, 5000), NulFree]
DELETED_CONTENT = "[deleted]"
TREE_LIMIT = 500


class CommentCreate(BaseModel):
    """`POST /api/comments`: a top-level comment, or a reply when `parent_id` is given."""

    project_id: uuid.UUID
    content: Content
    parent_id: uuid.UUID | None = None


class CommentEdit(BaseModel):
    """`PUT /api/comments/{id}`."""

    content: Content


class CommentOut(OutModel):
    """A comment (API §1.3); deleted ones keep their place as `[deleted]` without an author."""

    id: uuid.UUID
    project_id: uuid.UUID
    user_id: uuid.UUID | None
    parent_id: uuid.UUID | None
    content: str
    upvotes: int
    downvotes: int
    reply_count: int
    is_deleted: bool
    is_edited: bool
    created_at: datetime
    updated_at: datetime
    author: UserCardOut | None
    user_vote: VoteType | None = None


class CommentNodeOut(CommentOut):
    """A comment of the thread with its replies, oldest first."""

    replies: list[CommentNodeOut]


class TreeMeta(OutModel):
    """`truncated` when the thread has more than `limit` comments."""

    truncated: bool
    count: int
    limit: int


class CommentTreeEnvelope(OutModel):
    """The whole thread of a project."""

    status: Literal["success"] = "success"
    message: str | None = None
    data: list[CommentNodeOut]
    meta: TreeMeta


class CommentDeletedOut(OutModel):
    """A deleted comment (deleting again is harmless)."""

    id: uuid.UUID
    deleted: bool


class CommentVoteOut(OutModel):
    """The comment's fresh counts after a vote, and the caller's vote."""

    comment_id: uuid.UUID
    upvotes: int
    downvotes: int
    user_vote: VoteType | None
    vote_count: int
    action: VoteAction


def comment_out(comment: Comment, author: User | None) -> dict[str, Any]:
    """The anonymous JSON of a comment (`user_vote` null); deleted ones hide content and author."""
    deleted = comment.is_deleted
    return {
        "id": str(comment.id),
        "project_id": str(comment.project_id),
        "user_id": None if deleted else str(comment.user_id),
        "parent_id": str(comment.parent_id) if comment.parent_id else None,
        "content": DELETED_CONTENT if deleted else comment.content,
        "upvotes": comment.upvotes,
        "downvotes": comment.downvotes,
        "reply_count": comment.reply_count,
        "is_deleted": deleted,
        "is_edited": comment.is_edited,
        "created_at": iso(comment.created_at),
        "updated_at": iso(comment.updated_at),
        "author": None if deleted or author is None else user_card(author),
        "user_vote": None,
    }
