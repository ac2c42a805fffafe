"""How to call each route of ROUTE_ACCESS with real rows: path parameters, a valid body, who may.

A route without an entry in PROBES is called with no body and path parameters filled from the world
by name (`project_id` → the owner's project…), and must answer 200 to the callers its level allows.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from oxship.access import Access
from tests.access.world import DESCRIPTION, RATIONALE, World, application, event_body
from tests.factories.users import DEFAULT_PASSWORD
from tests.web3.wallets import message_for, new_wallet, signed_body

Body = Callable[[World], Any]

ALLOWED: dict[Access, tuple[str, ...]] = {
    Access.PUBLIC: ("anonymous",),
    Access.OPTIONAL: ("anonymous", "other"),
    Access.USER: ("other",),
    Access.OWNER: ("owner",),
    Access.OWNER_OR_ADMIN: ("owner", "admin"),
    Access.ADMIN: ("admin",),
    Access.VALIDATOR: ("validator",),
    Access.VALIDATOR_OR_ADMIN: ("validator", "admin"),
    Access.INVESTOR: ("investor",),
}
"""Who gets the route's success status, by level (a probe may name others)."""


@dataclass(frozen=True)
class Probe:
    """One route's call: body, query, expected success status and callers."""

    body: Body | None = None
    query: Callable[[World], dict[str, str]] | None = None
    ok: int = 200
    allowed: tuple[str, ...] | None = None
    """Who succeeds (default: ALLOWED[level])."""
    strangers: tuple[tuple[str, int], ...] = (("other", 403),)
    """On owner routes, (signed-in non-owner, status): the contract's 403, or 404 where the
    resource's existence is hidden from third parties."""
    concurrent: bool = False
    """The route reads on several connections at once, so it cannot run inside the test's single
    rolled-back connection: the test runs on real sessions (it must not write)."""
    params: dict[str, str] | None = None
    """Path parameter → world key (`ids` entry, or `user:<role>`), overriding the defaults."""


def _project_body(**extra: Any) -> Body:
    return lambda w: {"title": "A brand new project", "description": DESCRIPTION, **extra}


PROJECT_EDIT = Probe(body=lambda w: {"tagline": "Now with a tagline"})
VOTE = Probe(body=lambda w: {"vote_type": "up"})
HIDDEN = (("other", 404),)
# docs/api.md (introductions): the other party of the request gets 403, anyone else 404.
INTRO_REQUEST_STRANGERS = (("other", 404), ("investor", 403))
INTRO_STRANGERS = (("other", 404), ("owner", 403))
CHAIN_ADMIN_REASON = Probe(body=lambda w: {"reason": "Spam everywhere"})


def _unissued_siwe() -> dict[str, str]:
    wallet = new_wallet()
    return signed_body(wallet, message_for(wallet, "neverissued0000"))


PROBES: dict[str, Probe] = {
    # Auth: the public routes get working credentials and tokens.
    "POST /api/auth/register": Probe(
        body=lambda w: {
            "email": "newcomer@example.com",
            "username": "newcomer",
            "password": DEFAULT_PASSWORD,
        },
        ok=201,
    ),
    "POST /api/auth/login": Probe(
        body=lambda w: {"email": w.users["owner"].email, "password": DEFAULT_PASSWORD}
    ),
    "POST /api/auth/refresh": Probe(body=lambda w: {"refresh": w.refresh["owner"]}),
    "POST /api/auth/verify-email": Probe(body=lambda w: {"token": w.ids["verify_token"]}),
    "POST /api/auth/password/forgot": Probe(body=lambda w: {"email": w.users["owner"].email}),
    "POST /api/auth/password/reset": Probe(
        body=lambda w: {"token": w.ids["reset_token"], "password": "another-pass-42"}
    ),
    "POST /api/auth/password/change": Probe(
        body=lambda w: {"current_password": DEFAULT_PASSWORD, "new_password": "another-pass-42"}
    ),
    # GitHub linking (tests/github runs the whole flow against a local OAuth provider). Here the
    # callback gets a state nobody started: past the access check it is a 400, never a 401/5xx.
    "GET /api/auth/github/callback": Probe(
        query=lambda w: {"code": "a-code", "state": "a-state-nobody-started"}, ok=400
    ),
    # 0xCert lookups (tests/certs runs them against a local JSON-RPC node). Past the access check:
    # a caller without a bound wallet gets 409, and the path's address (see `url_for`) is mixed
    # case with a broken EIP-55 checksum, so 422 (both checked before any RPC call). Chain health
    # with no CHAIN_RPC_URL is a 200 reporting `connected: false`.
    "POST /api/blockchain/verify-cert": Probe(ok=409),
    "GET /api/blockchain/cert-info/{wallet_address}": Probe(ok=422),
    # Wallet sign-in (tests/web3 runs the whole flow with real keys). Here the message is well
    # formed and really signed, but its nonce was never issued: past the access check, a 400.
    "POST /api/blockchain/verify-wallet": Probe(body=lambda w: _unissued_siwe(), ok=400),
    "PUT /api/users/profile": Probe(body=lambda w: {"bio": "Hello"}),
    "GET /api/users/search": Probe(query=lambda w: {"q": "owner"}),
    "GET /api/search": Probe(query=lambda w: {"q": "project"}),
    # Projects
    "POST /api/projects": Probe(body=_project_body(), ok=201),
    "PATCH /api/projects/{project_id}": PROJECT_EDIT,
    "PUT /api/projects/{project_id}": PROJECT_EDIT,
    "POST /api/projects/{project_id}/view": Probe(body=lambda w: {"session_id": "session-0001"}),
    # Votes, comments, saved, updates
    "POST /api/votes": Probe(body=lambda w: {"project_id": w.ids["project"], "vote_type": "up"}),
    "DELETE /api/projects/{project_id}/vote": Probe(allowed=("investor",)),
    "GET /api/comments": Probe(query=lambda w: {"project_id": w.ids["project"]}),
    "POST /api/comments": Probe(
        body=lambda w: {"project_id": w.ids["project"], "content": "Nice work"}, ok=201
    ),
    "PUT /api/comments/{comment_id}": Probe(body=lambda w: {"content": "Edited remark"}),
    "POST /api/comments/{comment_id}/vote": VOTE,
    "POST /api/saved/save/{project_id}": Probe(ok=201),
    "DELETE /api/saved/unsave/{project_id}": Probe(allowed=("investor",)),
    "POST /api/projects/{project_id}/updates": Probe(
        body=lambda w: {"update_type": "milestone", "title": "Another", "content": "More news."},
        ok=201,
    ),
    "PUT /api/projects/{project_id}/updates/{update_id}": Probe(
        body=lambda w: {"title": "Shipped twice"}
    ),
    # Chains and their forum
    "POST /api/chains": Probe(
        body=lambda w: {"name": "A fresh chain", "description": "A community of builders."},
        ok=201,
    ),
    "PUT /api/chains/{slug}": Probe(body=lambda w: {"description": "A renewed community."}),
    "POST /api/chains/{slug}/follow": Probe(),
    "DELETE /api/chains/{slug}/follow": Probe(allowed=("investor",)),
    "POST /api/chains/{slug}/projects": Probe(
        body=lambda w: {"project_id": w.ids["project_free"]}, ok=201
    ),
    "POST /api/chains/{slug}/requests/{request_id}/reject": Probe(body=lambda w: {}),
    "POST /api/chains/{slug}/posts": Probe(
        body=lambda w: {"title": "A question", "content": "How do I join?"}, ok=201
    ),
    "PUT /api/chains/{slug}/posts/{post_id}": Probe(body=lambda w: {"content": "Say hi."}),
    "POST /api/chains/{slug}/posts/{post_id}/react": Probe(
        body=lambda w: {"reaction_type": "upvote"}
    ),
    "POST /api/admin/chains/{slug}/ban": CHAIN_ADMIN_REASON,
    "POST /api/admin/chains/{slug}/suspend": Probe(
        body=lambda w: {"reason": "Cooling off", "duration_days": 3}
    ),
    "POST /api/admin/chains/{slug}/unban": Probe(params={"slug": "chain_banned_slug"}),
    # Events
    "POST /api/events": Probe(body=lambda w: event_body("A fresh jam"), ok=201),
    "PUT /api/events/{slug}": Probe(body=lambda w: {"tagline": "Bring snacks"}),
    "POST /api/events/{slug}/projects": Probe(
        body=lambda w: {"project_id": w.ids["project_free"]}, ok=201
    ),
    "PATCH /api/events/{slug}/projects/{project_id}": Probe(body=lambda w: {"track": "AI"}),
    "POST /api/events/{slug}/subscribe": Probe(),
    "DELETE /api/events/{slug}/subscribe": Probe(allowed=("investor",)),
    # Badges and validators
    "POST /api/badges/award": Probe(
        body=lambda w: {
            "project_id": w.ids["project"],
            "badge_type": "gold",
            "rationale": RATIONALE,
        },
        ok=201,
    ),
    "POST /api/validator/assignments/{assignment_id}/reject": Probe(
        body=lambda w: {"notes": "Not my field"}
    ),
    "POST /api/admin/validators/add-email": Probe(
        body=lambda w: {"email": w.users["target"].email}
    ),
    "POST /api/admin/validators/{user_id}/remove": Probe(params={"user_id": "user:validator"}),
    "POST /api/admin/validators/{user_id}/permissions": Probe(
        body=lambda w: {"can_validate_all": False}, params={"user_id": "user:validator"}
    ),
    "POST /api/admin/validator-assignments": Probe(
        body=lambda w: {"validator_id": w.uid("validator"), "project_id": w.ids["project_free"]},
        ok=201,
    ),
    "POST /api/admin/validator-assignments/bulk": Probe(
        body=lambda w: {"validator_id": w.uid("validator"), "category_filter": "ai"}
    ),
    "GET /api/admin/validator-assignments/validator/{user_id}": Probe(
        params={"user_id": "user:validator"}
    ),
    "POST /api/admin/badges/award": Probe(
        body=lambda w: {
            "project_id": w.ids["project_free"],
            "badge_type": "stone",
            "rationale": RATIONALE,
            "validator_id": w.uid("validator"),
        },
        ok=201,
    ),
    "PATCH /api/admin/badges/{badge_id}": Probe(body=lambda w: {"badge_type": "gold"}),
    "POST /api/admin/badge-types": Probe(body=lambda w: {"name": "Bronze", "points": 3}, ok=201),
    # Investors
    "POST /api/investor-requests/apply": Probe(body=lambda w: application("Olly"), ok=201),
    "PUT /api/investor-requests/apply": Probe(
        body=lambda w: {"location": "Paris"}, allowed=("applicant",)
    ),
    "GET /api/investor-requests/my-request": Probe(allowed=("applicant",)),
    "PUT /api/investor-requests/profile": Probe(body=lambda w: {"location": "Lisbon"}),
    "GET /api/investor-requests/user/{user_id}": Probe(params={"user_id": "user:investor"}),
    "POST /api/investor-requests/{request_id}/reject": Probe(
        body=lambda w: {"reason": "Not a fit"}
    ),
    "POST /api/admin/investor-requests/{request_id}/reject": Probe(
        body=lambda w: {"reason": "Not a fit"}
    ),
    "POST /api/admin/investors/{user_id}/revoke": Probe(params={"user_id": "user:investor"}),
    "PUT /api/admin/investors/{user_id}/plan": Probe(
        body=lambda w: {"plan_type": "professional"}, params={"user_id": "user:investor"}
    ),
    # Introductions
    "POST /api/intro-requests/send": Probe(
        body=lambda w: {
            "project_id": w.ids["project_other"],
            "message": "I would like to talk about your project.",
        },
        ok=201,
    ),
    "POST /api/intro-requests/{request_id}/accept": Probe(strangers=INTRO_REQUEST_STRANGERS),
    "POST /api/intro-requests/{request_id}/decline": Probe(
        body=lambda w: {}, strangers=INTRO_REQUEST_STRANGERS
    ),
    "POST /api/intros/request": Probe(
        body=lambda w: {
            "project_id": w.ids["project_free"],
            "recipient_id": w.uid("investor"),
            "message": "Another one for you.",
            "requester_contact": "owner@example.com",
        },
        ok=201,
    ),
    "PUT /api/intros/{intro_id}/accept": Probe(
        body=lambda w: {"contact_info": "Call me"}, allowed=("investor",), strangers=INTRO_STRANGERS
    ),
    "PUT /api/intros/{intro_id}/decline": Probe(
        body=lambda w: {}, allowed=("investor",), strangers=INTRO_STRANGERS
    ),
    # Messages, notifications, feedback
    "POST /api/messages/send": Probe(
        body=lambda w: {"recipient_id": w.uid("owner"), "message": "Hi again"}, ok=201
    ),
    "GET /api/messages/conversation/{other_user_id}": Probe(params={"other_user_id": "user:owner"}),
    "POST /api/messages/{message_id}/mark-read": Probe(strangers=HIDDEN),
    "PUT /api/notifications/{notification_id}/read": Probe(strangers=HIDDEN),
    "DELETE /api/notifications/{notification_id}": Probe(strangers=HIDDEN),
    "POST /api/feedback": Probe(
        body=lambda w: {"feedback_type": "contact", "message": "Hello there, team!"}, ok=201
    ),
    "PATCH /api/feedback/admin/{feedback_id}/status": Probe(body=lambda w: {"status": "reviewed"}),
    # Prefetch: computed concurrently, on several sessions.
    "GET /api/prefetch/bootstrap": Probe(concurrent=True),
    "GET /api/prefetch/dashboard-data": Probe(concurrent=True),
    # Admin
    "POST /api/admin/users/{user_id}/ban": Probe(body=lambda w: {"reason": "Spam"}),
    "POST /api/admin/users/{user_id}/unban": Probe(params={"user_id": "user:banned"}),
    "PUT /api/admin/projects/{project_id}": PROJECT_EDIT,
    "POST /api/admin/projects/{project_id}/restore": Probe(
        params={"project_id": "project_deleted"}
    ),
}

_PARAM = re.compile(r"{([^}:]+)(?::[^}]+)?}")

_BY_NAME = {
    "project_id": "project",
    "comment_id": "comment",
    "update_id": "update",
    "post_id": "post",
    "notification_id": "notification",
    "message_id": "message",
    "feedback_id": "feedback",
    "badge_id": "badge",
    "assignment_id": "assignment",
    "intro_id": "intro",
    "user_id": "user:owner",
    "other_user_id": "user:owner",
}


def _default_key(route: str, name: str) -> str:
    """The world key of a path parameter, by its name and the route's prefix."""
    path = route.split(" ", 1)[1]
    if name == "slug":
        return "event_slug" if path.startswith("/api/events/") else "chain_slug"
    if name == "request_id":
        if path.startswith("/api/chains/"):
            return "chain_request"
        return "intro_request" if path.startswith("/api/intro-requests/") else "application"
    if name == "user_id" and path.startswith("/api/admin/users/"):
        return "user:target"
    return _BY_NAME[name]


def _value(world: World, key: str) -> str:
    if key.startswith("user:"):
        return world.uid(key.removeprefix("user:"))
    return world.ids[key]


def url_for(route: str, world: World, overrides: dict[str, str] | None = None) -> str:
    """The concrete path of `route` ("METHOD /template") with real rows of the world.

    `overrides` maps path parameters to world keys, before the probe's and the defaults.
    """
    probe = PROBES.get(route, Probe())
    path = route.split(" ", 1)[1]

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "username":
            return world.users["owner"].username
        if name == "category":
            return "ai"
        if name == "wallet_address":  # EIP-55 test vector with its last letter's case flipped
            return "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"
        key = (
            (overrides or {}).get(name)
            or (probe.params or {}).get(name)
            or _default_key(route, name)
        )
        return _value(world, key)

    return _PARAM.sub(fill, path)
