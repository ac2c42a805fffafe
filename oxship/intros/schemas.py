"""Introduction request and response models (both directions)."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel

from oxship.auth.schemas import Email
from oxship.kit.envelope import OutModel
from oxship.kit.text import NulFree, trimmed
from oxship.users.schemas import UserCardOut


class IntroStatus(StrEnum):
    """States of both kinds of introduction."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"


class IntroRequestIn(BaseModel):
    """`POST /api/intro-requests/send` (investor → builder)."""

    project_id: uuid.UUID
    message: Annotated[str, trimmed(10, 1000), NulFree]


class AcceptRequestIn(BaseModel):
    """`POST /api/intro-requests/{id}/accept`: the builder's optional first message."""

    message: Annotated[str, trimmed(1, 2000), NulFree] | None = None


class DeclineIn(BaseModel):
    """A decline with an optional reason."""

    reason: Annotated[str, trimmed(1, 500), NulFree] | None = None


class IntroIn(BaseModel):
    """`POST /api/intros/request` (builder → investor)."""

    project_id: uuid.UUID
    recipient_id: uuid.UUID
    message: Annotated[str, trimmed(0, 1000), NulFree] | None = None
    requester_contact: Email


class AcceptIntroIn(BaseModel):
    """`PUT /api/intros/{id}/accept`: how the requester can reach the investor."""

    contact_info: Annotated[str, trimmed(1, 500), NulFree] | None = None


class ProjectCardOut(OutModel):
    """The short form of a project."""

    id: uuid.UUID
    title: str
    tagline: str | None


class IntroRequestOut(OutModel):
    """An investor's request for an introduction to a project's builder."""

    id: uuid.UUID
    investor_id: uuid.UUID
    builder_id: uuid.UUID
    project_id: uuid.UUID
    message: str
    status: IntroStatus
    decline_reason: str | None
    conversation_id: uuid.UUID | None
    responded_at: datetime | None
    created_at: datetime
    updated_at: datetime
    project: ProjectCardOut
    investor: UserCardOut
    builder: UserCardOut


class IntroOut(OutModel):
    """A builder's introduction of their project to an investor (seen by those two only)."""

    id: uuid.UUID
    requester_id: uuid.UUID
    recipient_id: uuid.UUID
    project_id: uuid.UUID
    message: str | None
    requester_contact: str
    contact_info: str | None
    status: IntroStatus
    decline_reason: str | None
    responded_at: datetime | None
    created_at: datetime
    updated_at: datetime
    project: ProjectCardOut
    requester: UserCardOut
    recipient: UserCardOut


class ConnectionOut(OutModel):
    """A recent accepted introduction (public: no message, no contact)."""

    id: uuid.UUID
    kind: Literal["intro", "intro_request"]
    connected_at: datetime
    project: ProjectCardOut
    builder: UserCardOut
    investor: UserCardOut


class PendingCountOut(OutModel):
    """Pending introductions the caller received, by kind, and their sum."""

    pending_count: int
    intro_requests: int
    intros: int
