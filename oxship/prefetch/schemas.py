"""Response models of /api/prefetch."""

from __future__ import annotations

import uuid

from pydantic import Field

from oxship.chains.schemas import ChainOut
from oxship.investors.schemas import MatchOut
from oxship.kit.envelope import OutModel
from oxship.messages.schemas import ConversationOut
from oxship.notifications.schemas import NotificationOut
from oxship.projects.schemas import ProjectOut
from oxship.users.schemas import MeOut, UserStatsOut


class UnreadCountsOut(OutModel):
    """What waits for the caller: unread notifications and messages, pending introductions."""

    notifications: int = Field(ge=0)
    messages: int = Field(ge=0)
    intro_requests: int = Field(ge=0)
    total: int = Field(ge=0)


class BootstrapOut(OutModel):
    """Everything a client needs at start (every key always present)."""

    user: MeOut
    stats: UserStatsOut
    unread_counts: UnreadCountsOut
    my_projects: list[ProjectOut]
    recent_notifications: list[NotificationOut]
    conversations: list[ConversationOut]
    followed_chains: list[ChainOut]
    trending_chains: list[ChainOut]
    saved_project_ids: list[uuid.UUID]


class AdminRoleDataOut(OutModel):
    """Platform counters for an admin's dashboard."""

    pending_feedback: int = Field(ge=0)
    pending_investor_requests: int = Field(ge=0)
    total_users: int = Field(ge=0)
    total_projects: int = Field(ge=0)


class InvestorRoleDataOut(OutModel):
    """An investor's introduction counters and the top of their matches."""

    received_intro_requests: int = Field(ge=0)
    sent_intro_requests: int = Field(ge=0)
    matches_preview: list[MatchOut]


class ValidatorRoleDataOut(OutModel):
    """A validator's open work and output."""

    pending_assignments: int = Field(ge=0)
    badges_awarded: int = Field(ge=0)


class RoleDataOut(OutModel):
    """One key per role the caller has (absent otherwise)."""

    admin: AdminRoleDataOut | None = None
    investor: InvestorRoleDataOut | None = None
    validator: ValidatorRoleDataOut | None = None


class DashboardOut(OutModel):
    """The caller's dashboard: counters, their projects and per-role data."""

    stats: UserStatsOut
    unread: UnreadCountsOut
    projects: list[ProjectOut]
    role_data: RoleDataOut
    user_roles: list[str]
