"""Investor request/response models (API §3.14)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, Field, field_validator, model_validator

from oxship.kit.envelope import OutModel
from oxship.kit.text import HttpUrl, NulFree, SingleLine, cannot_clear, trimmed
from oxship.projects.schemas import ProjectOut
from oxship.users.schemas import UserCardOut

STAGES = ("pre-seed", "seed", "series-a", "series-b", "series-c+", "growth")
INVESTOR_TYPES = ("individual", "organization")
PLAN_TYPES = ("free", "professional", "enterprise")
STATUSES = ("pending", "approved", "rejected", "revoked")
MAX_LIST_ITEMS = 20
MAX_ITEM_CHARS = 100
MAX_TICKET = 10**15  # USD; well inside BIGINT

InvestorType = Literal["individual", "organization"]
Stage = Literal["pre-seed", "seed", "series-a", "series-b", "series-c+", "growth"]
PlanType = Literal["free", "professional", "enterprise"]
Status = Literal["pending", "approved", "rejected", "revoked"]

Name = Annotated[str, trimmed(1, 200), NulFree, SingleLine]
ShortText = Annotated[str, trimmed(0, 200), NulFree, SingleLine]
Bio = Annotated[str, trimmed(50, 2000), NulFree]
Reason = Annotated[str, trimmed(30, 2000), NulFree]
LongText = Annotated[str, trimmed(0, 5000), NulFree]
FundSize = Annotated[str, trimmed(0, 100), NulFree, SingleLine]
Item = Annotated[str, trimmed(1, MAX_ITEM_CHARS), NulFree, SingleLine]
Items = Annotated[list[Item], Field(max_length=MAX_LIST_ITEMS)]
Stages = Annotated[list[Stage], Field(max_length=len(STAGES))]
Ticket = Annotated[int, Field(ge=0, le=MAX_TICKET)]
Count = Annotated[int, Field(ge=0, le=1_000_000)]


def _linkedin(value: str) -> str:
    host = (urlsplit(value).hostname or "").lower()
    if host != "linkedin.com" and not host.endswith(".linkedin.com"):
        raise ValueError("must be a linkedin.com URL")
    return value


LinkedInUrl = Annotated[HttpUrl, AfterValidator(_linkedin)]


def _dedupe(values: list[Any] | None) -> list[Any] | None:
    """Drop case-insensitive duplicates, keeping the first spelling and the order."""
    if values is None:
        return None
    seen: set[str] = set()
    out: list[Any] = []
    for value in values:
        key = str(value).lower()
        if key not in seen:
            seen.add(key)
            out.append(value)
    return out


class NotableInvestment(BaseModel):
    """One notable investment of an investor."""

    company: Annotated[str, trimmed(1, 200), NulFree, SingleLine]
    stage: Annotated[str, trimmed(0, 50), NulFree, SingleLine] | None = None
    year: Annotated[int, Field(ge=1900, le=2100)] | None = None


NotableInvestments = Annotated[list[NotableInvestment], Field(max_length=MAX_LIST_ITEMS)]


class _PublicFields(BaseModel):
    """Public profile fields every write accepts; absent = default (create) or unchanged (edit)."""

    company_name: ShortText | None = None
    position_title: ShortText | None = None
    location: ShortText | None = None
    linkedin_url: LinkedInUrl | None = None
    website_url: HttpUrl | None = None
    twitter_url: HttpUrl | None = None
    calendar_link: HttpUrl | None = None
    investment_thesis: LongText | None = None
    ticket_size_min: Ticket | None = None
    ticket_size_max: Ticket | None = None
    num_investments: Count | None = None
    portfolio_highlights: LongText | None = None
    fund_size: FundSize | None = None

    @model_validator(mode="after")
    def _ticket_order(self) -> Any:
        low, high = self.ticket_size_min, self.ticket_size_max
        if low is not None and high is not None and low > high:
            raise ValueError("ticket_size_min must not exceed ticket_size_max")
        return self


class ApplicationCreate(_PublicFields):
    """`POST /api/investor-requests/apply`."""

    investor_type: InvestorType
    name: Name
    bio: Bio
    reason: Reason
    investment_stages: Stages = Field(default_factory=list)
    industries: Items = Field(default_factory=list)
    geographic_focus: Items = Field(default_factory=list)
    value_adds: Items = Field(default_factory=list)
    notable_investments: NotableInvestments = Field(default_factory=list)
    is_public: bool = True
    open_to_requests: bool = True
    plan_type: PlanType = "free"

    _unique = field_validator("investment_stages", "industries", "geographic_focus", "value_adds")(
        _dedupe
    )


class ProfileUpdate(_PublicFields):
    """`PUT /api/investor-requests/profile`: only the fields sent change; required ones can't be null."""

    investor_type: InvestorType | None = None
    name: Name | None = None
    bio: Bio | None = None
    investment_stages: Stages | None = None
    industries: Items | None = None
    geographic_focus: Items | None = None
    value_adds: Items | None = None
    notable_investments: NotableInvestments | None = None
    is_public: bool | None = None
    open_to_requests: bool | None = None

    _unique = field_validator("investment_stages", "industries", "geographic_focus", "value_adds")(
        _dedupe
    )
    _required_stays = field_validator(
        "investor_type",
        "name",
        "bio",
        "investment_stages",
        "industries",
        "geographic_focus",
        "value_adds",
        "notable_investments",
        "is_public",
        "open_to_requests",
    )(cannot_clear)


class ApplicationUpdate(ProfileUpdate):
    """`PUT /api/investor-requests/apply` (while pending): also the reason and the plan."""

    reason: Reason | None = None
    plan_type: PlanType | None = None

    _also_required = field_validator("reason", "plan_type")(cannot_clear)


class RejectBody(BaseModel):
    """`POST …/reject`."""

    reason: Annotated[str, trimmed(1, 1000), NulFree]


class ApproveBody(BaseModel):
    """`POST …/approve` (the body is optional)."""

    admin_notes: Annotated[str, trimmed(0, 2000), NulFree] | None = None


class PlanBody(BaseModel):
    """`PUT /api/admin/investors/{user_id}/plan`."""

    plan_type: PlanType


class NotableInvestmentOut(OutModel):
    company: str
    stage: str | None = None
    year: int | None = None


class InvestorProfileOut(OutModel):
    """An approved investor's public profile (never the email, the reason or admin notes)."""

    id: uuid.UUID
    user_id: uuid.UUID
    investor_type: InvestorType
    name: str
    company_name: str | None
    position_title: str | None
    location: str | None
    linkedin_url: str | None
    website_url: str | None
    twitter_url: str | None
    calendar_link: str | None
    bio: str
    investment_thesis: str | None
    investment_stages: list[str]
    industries: list[str]
    geographic_focus: list[str]
    ticket_size_min: int | None
    ticket_size_max: int | None
    num_investments: int | None
    notable_investments: list[NotableInvestmentOut]
    portfolio_highlights: str | None
    value_adds: list[str]
    fund_size: str | None
    open_to_requests: bool
    accepted_intro_count: int
    approved_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime
    user: UserCardOut


class InvestorRequestOut(InvestorProfileOut):
    """An application as its applicant sees it."""

    status: Status
    is_public: bool
    plan_type: PlanType
    reason: str
    rejection_reason: str | None
    decided_at: dt.datetime | None
    reapply_after: dt.datetime | None


class ApplicantOut(UserCardOut):
    """The applicant's card as admins see it (with the email)."""

    email: str


class AdminInvestorRequestOut(InvestorRequestOut):
    """An application as admins see it."""

    admin_notes: str | None
    decided_by: uuid.UUID | None
    user: ApplicantOut


class RevokedOut(OutModel):
    """The result of a revocation."""

    user_id: uuid.UUID
    is_investor: bool
    revoked_request_id: uuid.UUID | None


class InvestorStatsOut(OutModel):
    """Counts over approved public investors."""

    total_investors: int
    by_type: dict[str, int]
    by_stage: dict[str, int]
    by_industry: dict[str, int]
    accepting_requests: int


class MatchBreakdownOut(OutModel):
    """How a match score was made: industry (0..50) + proof (0..30) + recency (0..20)."""

    industry: float
    proof: float
    recency: float
    matched_industries: list[str]


class MatchOut(ProjectOut):
    """A project ranked for an investor."""

    match_score: float
    match_breakdown: MatchBreakdownOut
