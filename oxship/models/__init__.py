"""Every SQLAlchemy model, imported here so the metadata is complete (Alembic, tests)."""

from oxship.models.admin import AdminAction, Feedback, JobRun
from oxship.models.base import Base
from oxship.models.chain import Chain, ChainFollower, ChainProject, ChainProjectRequest
from oxship.models.engagement import Badge, Comment, CommentVote, Notification, Vote
from oxship.models.event import Event, EventProject, EventSubscriber
from oxship.models.forum import ChainPost, ChainPostReaction
from oxship.models.intro import Intro, IntroRequest
from oxship.models.investor import InvestorProfile, InvestorTag
from oxship.models.mail import MailMessage
from oxship.models.message import Conversation, DirectMessage
from oxship.models.project import (
    Project,
    ProjectScreenshot,
    ProjectTag,
    ProjectUpdate,
    ProjectView,
    SavedProject,
)
from oxship.models.user import AuthSession, OneTimeToken, TokenPurpose, User
from oxship.models.validation import BadgeType, ValidatorAssignment, ValidatorProfile

__all__ = [
    "AdminAction",
    "AuthSession",
    "Badge",
    "BadgeType",
    "Base",
    "Chain",
    "ChainFollower",
    "ChainPost",
    "ChainPostReaction",
    "ChainProject",
    "ChainProjectRequest",
    "Comment",
    "CommentVote",
    "Conversation",
    "DirectMessage",
    "Event",
    "EventProject",
    "EventSubscriber",
    "Feedback",
    "Intro",
    "IntroRequest",
    "InvestorProfile",
    "InvestorTag",
    "JobRun",
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
    "ValidatorAssignment",
    "ValidatorProfile",
    "Vote",
]
