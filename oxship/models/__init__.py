"""Every SQLAlchemy model, imported here so the metadata is complete (Alembic, tests)."""

from oxship.models.base import Base
from oxship.models.chain import Chain, ChainFollower, ChainProject, ChainProjectRequest
from oxship.models.engagement import Badge, Comment, CommentVote, Notification, Vote
from oxship.models.event import Event, EventProject, EventSubscriber
from oxship.models.forum import ChainPost, ChainPostReaction
from oxship.models.mail import MailMessage
from oxship.models.project import (
    Project,
    ProjectScreenshot,
    ProjectTag,
    ProjectUpdate,
    ProjectView,
    SavedProject,
)
from oxship.models.user import AuthSession, OneTimeToken, TokenPurpose, User

__all__ = [
    "AuthSession",
    "Badge",
    "Base",
    "Chain",
    "ChainFollower",
    "ChainPost",
    "ChainPostReaction",
    "ChainProject",
    "ChainProjectRequest",
    "Comment",
    "CommentVote",
    "Event",
    "EventProject",
    "EventSubscriber",
    "MailMessage",
    "Notification",
    "OneTimeToken",
    "Project",
    "ProjectScreenshot",
    "ProjectTag",
    "ProjectUpdate",
    "ProjectView",
    "SavedProject",
    "TokenPurpose",
    "User",
    "Vote",
]
