"""The JSON of investor profiles: public, as the applicant sees it, as admins see it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from oxship.kit.clock import iso
from oxship.models import InvestorProfile, User

REAPPLY_AFTER = timedelta(days=30)

# Every public field, in response order (never reason, admin notes, rejection reason, plan, email).
PUBLIC_FIELDS = (
    "investor_type",
    "name",
    "company_name",
    "position_title",
    "location",
    "linkedin_url",
    "website_url",
    "twitter_url",
    "calendar_link",
    "bio",
    "investment_thesis",
    "ticket_size_min",
    "ticket_size_max",
    "num_investments",
    "portfolio_highlights",
    "fund_size",
    "open_to_requests",
    "accepted_intro_count",
)
LIST_FIELDS = ("investment_stages", "industries", "geographic_focus", "value_adds")


def card(
    user_id: Any, username: str, display_name: str | None, avatar_url: str | None
) -> dict[str, Any]:
    """A user card `{id, username, display_name, avatar_url}`."""
    return {
        "id": str(user_id),
        "username": username,
        "display_name": display_name,
        "avatar_url": avatar_url,
    }


def reapply_after(decided_at: datetime | None) -> datetime | None:
    """When a rejected applicant may apply again."""
    return decided_at + REAPPLY_AFTER if decided_at is not None else None


def public_json(p: InvestorProfile, user: dict[str, Any]) -> dict[str, Any]:
    """The public profile of an approved investor with its user card."""
    out: dict[str, Any] = {"id": str(p.id), "user_id": str(p.user_id)}
    for name in PUBLIC_FIELDS:
        out[name] = getattr(p, name)
    for name in LIST_FIELDS:
        out[name] = list(getattr(p, name) or [])
    out["notable_investments"] = [dict(item) for item in p.notable_investments or []]
    out["approved_at"] = iso(p.decided_at) if p.status in ("approved", "revoked") else None
    out["created_at"] = iso(p.created_at)
    out["updated_at"] = iso(p.updated_at)
    out["user"] = user
    return out


def request_json(p: InvestorProfile, user: dict[str, Any]) -> dict[str, Any]:
    """An application as its applicant sees it."""
    out = public_json(p, user)
    out.update(
        status=p.status,
        is_public=p.is_public,
        plan_type=p.plan_type,
        reason=p.reason,
        rejection_reason=p.rejection_reason,
        decided_at=iso(p.decided_at),
        reapply_after=iso(reapply_after(p.decided_at)) if p.status == "rejected" else None,
    )
    return out


def admin_json(p: InvestorProfile, user: User) -> dict[str, Any]:
    """An application as admins see it (the applicant's card includes the email)."""
    applicant = card(user.id, user.username, user.display_name, user.avatar_url)
    applicant["email"] = user.email
    out = request_json(p, applicant)
    out["admin_notes"] = p.admin_notes
    out["decided_by"] = str(p.decided_by) if p.decided_by else None
    return out
