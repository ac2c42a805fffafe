"""Chain post request/response models and the serializer that builds the post JSON."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, field_validator

from oxship.kit.clock import iso
from oxship.kit.envelope import OutModel, PaginationOut
from oxship.kit.text import HttpUrl, NulFree, SingleLine, cannot_clear, trimmed
from oxship.models import ChainPost, User
from oxship.users.schemas import UserCardOut, user_card

Title = Annotated[str, trimmed(3, 300), NulFree, SingleLine]
Content = Annotated[str, trimmed(1, 10_000), NulFree]
ImageUrls = Annotated[list[HttpUrl], Field(max_length=4)]
ReactionType = Literal["upvote", "downvote"]
DELETED = "[deleted]"


class ChainPostCreate(BaseModel):
    """`POST /api/chains/{slug}/posts`: a thread (title required) or a reply (`parent_id`, no
    title)."""

    title: Title | None = None
    content: Content
    parent_id: uuid.UUID | None = None
    image_urls: ImageUrls = Field(default_factory=list)


class ChainPostUpdate(BaseModel):
    """`PUT /api/chains/{slug}/posts/{id}`: fields absent are unchanged (none may be null)."""

    title: Title | None = None
    content: Content | None = None
    image_urls: ImageUrls | None = None

    _never_null = field_validator("title", "content", "image_urls")(cannot_clear)


class ReactionIn(BaseModel):
    """`POST …/react`."""

    reaction_type: ReactionType


class PinIn(BaseModel):
    """`POST …/pin`: without a body the pin toggles; `{is_pinned}` sets it."""

    is_pinned: bool


class LockIn(BaseModel):
    """`POST …/lock`: without a body the lock toggles; `{is_locked}` sets it."""

    is_locked: bool


class ChainPostOut(OutModel):
    """A chain post (API §1.3); deleted ones keep their place as `[deleted]` without an author."""

    id: uuid.UUID
    chain_id: uuid.UUID
    author_id: uuid.UUID | None
    parent_id: uuid.UUID | None
    title: str | None
    content: str
    image_urls: list[str]
    upvote_count: int
    downvote_count: int
    comment_count: int
    total_replies: int
    is_pinned: bool
    is_locked: bool
    is_deleted: bool
    is_edited: bool
    created_at: datetime
    updated_at: datetime
    last_activity_at: datetime
    author: UserCardOut | None
    user_reaction: ReactionType | None = None
    is_author: bool = False


class ChainPostDetailOut(ChainPostOut):
    """A post with the first page of its direct replies."""

    replies: list[ChainPostOut]
    replies_pagination: PaginationOut


class ReactionOut(OutModel):
    """The post's fresh counts after a reaction, and the caller's reaction."""

    post_id: uuid.UUID
    user_reaction: ReactionType | None
    upvote_count: int
    downvote_count: int


class PostDeletedOut(OutModel):
    """A deleted post."""

    id: uuid.UUID
    deleted: bool


class PinOut(OutModel):
    """The pin state after a toggle."""

    id: uuid.UUID
    is_pinned: bool


class LockOut(OutModel):
    """The lock state after a toggle."""

    id: uuid.UUID
    is_locked: bool


def post_out(post: ChainPost, author: User | None) -> dict[str, Any]:
    """The anonymous JSON of a post (no caller fields); deleted ones hide text, images, author."""
    deleted = post.is_deleted
    title = post.title
    if deleted and title is not None:
        title = DELETED
    return {
        "id": str(post.id),
        "chain_id": str(post.chain_id),
        "author_id": None if deleted else str(post.author_id),
        "parent_id": str(post.parent_id) if post.parent_id else None,
        "title": title,
        "content": DELETED if deleted else post.content,
        "image_urls": [] if deleted else list(post.image_urls or []),
        "upvote_count": post.upvote_count,
        "downvote_count": post.downvote_count,
        "comment_count": post.comment_count,
        "total_replies": post.total_replies,
        "is_pinned": post.is_pinned,
        "is_locked": post.is_locked,
        "is_deleted": deleted,
        "is_edited": post.is_edited,
        "created_at": iso(post.created_at),
        "updated_at": iso(post.updated_at),
        "last_activity_at": iso(post.last_activity_at),
        "author": None if deleted or author is None else user_card(author),
        "user_reaction": None,
        "is_author": False,
    }
