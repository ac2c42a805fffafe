"""The JSON of introductions: rows of the repository's joined selects → response dicts."""

from __future__ import annotations

from typing import Any

from oxship.kit.clock import iso
from oxship.models import User


def display_name(user: User) -> str:
    """How a user is named in notification texts."""
    return user.display_name or user.username


def card_of(row: Any, prefix: str) -> dict[str, Any]:
    """The user card of `prefix`_* columns."""
    return {
        "id": str(getattr(row, f"{prefix}_id")),
        "username": getattr(row, f"{prefix}_username"),
        "display_name": getattr(row, f"{prefix}_display_name"),
        "avatar_url": getattr(row, f"{prefix}_avatar_url"),
    }


def project_card(row: Any) -> dict[str, Any]:
    """The project card of the p_* columns."""
    return {"id": str(row.p_id), "title": row.p_title, "tagline": row.p_tagline}


def request_json(row: Any, **overrides: Any) -> dict[str, Any]:
    """The JSON of an intro request row (`overrides`: fields an UPDATE just changed)."""
    req = row[0]
    body: dict[str, Any] = {
        "id": str(req.id),
        "investor_id": str(req.investor_id),
        "builder_id": str(req.builder_id),
        "project_id": str(req.project_id),
        "message": req.message,
        "status": req.status,
        "decline_reason": req.decline_reason,
        "conversation_id": str(req.conversation_id) if req.conversation_id else None,
        "responded_at": iso(req.responded_at),
        "created_at": iso(req.created_at),
        "updated_at": iso(req.updated_at),
        "project": project_card(row),
        "investor": card_of(row, "investor"),
        "builder": card_of(row, "builder"),
    }
    body.update(overrides)
    return body


def intro_json(row: Any, **overrides: Any) -> dict[str, Any]:
    """The JSON of an intro row, contacts included: only its requester and recipient see it."""
    intro = row[0]
    body: dict[str, Any] = {
        "id": str(intro.id),
        "requester_id": str(intro.requester_id),
        "recipient_id": str(intro.recipient_id),
        "project_id": str(intro.project_id),
        "message": intro.message,
        "requester_contact": intro.requester_contact,
        "contact_info": intro.contact_info,
        "status": intro.status,
        "decline_reason": intro.decline_reason,
        "responded_at": iso(intro.responded_at),
        "created_at": iso(intro.created_at),
        "updated_at": iso(intro.updated_at),
        "project": project_card(row),
        "requester": card_of(row, "requester"),
        "recipient": card_of(row, "recipient"),
    }
    body.update(overrides)
    return body


def connection_json(row: Any) -> dict[str, Any]:
    """A public recent connection: project and the two cards, nothing private."""
    return {
        "id": str(row.id),
        "kind": row.kind,
        "connected_at": iso(row.at),
        "project": project_card(row),
        "builder": card_of(row, "builder"),
        "investor": card_of(row, "investor"),
    }
