"""Who may call each route: the one place that declares every route's access level.

`ROUTE_ACCESS` is keyed `"METHOD /path/template"` exactly as the app declares its routes;
tests/test_access_matrix.py fails when a route has no entry, when an entry names no route, when a
route's dependencies do not enforce its level, or when a caller gets another status than API.md says.
"""

from __future__ import annotations

from enum import StrEnum


class Access(StrEnum):
    """Access levels of API.md §1.2, as the code enforces them."""

    PUBLIC = "public"
    """No caller dependency at all: anyone, a token changes nothing."""
    OPTIONAL = "optional"
    """Public and caller-aware: anonymous allowed, a valid token personalises (a banned one is 401)."""
    USER = "user"
    """Any signed-in active user (401 otherwise)."""
    OWNER = "owner"
    """A signed-in user who owns the resource (author, recipient, builder…); others 403 or 404."""
    OWNER_OR_ADMIN = "owner_or_admin"
    """As `owner`, and admins too."""
    ADMIN = "admin"
    """`is_admin` (403 for other users)."""
    VALIDATOR = "validator"
    """`is_validator` (403 for other users)."""
    VALIDATOR_OR_ADMIN = "validator_or_admin"
    """A validator with permission, or an admin (403 for other users)."""
    INVESTOR = "investor"
    """`is_investor` (403 for other users)."""


PUBLIC = Access.PUBLIC
OPTIONAL = Access.OPTIONAL
USER = Access.USER
OWNER = Access.OWNER
OWNER_OR_ADMIN = Access.OWNER_OR_ADMIN
ADMIN = Access.ADMIN
VALIDATOR = Access.VALIDATOR
VALIDATOR_OR_ADMIN = Access.VALIDATOR_OR_ADMIN
INVESTOR = Access.INVESTOR

ROUTE_ACCESS: dict[str, Access] = {
    # Operations (API §3.1)
    "GET /health": PUBLIC,
    "GET /ready": PUBLIC,
    "GET /metrics": PUBLIC,
    # Auth (§3.2)
    "POST /api/auth/register": PUBLIC,
    "POST /api/auth/login": PUBLIC,
    "POST /api/auth/refresh": PUBLIC,
    "POST /api/auth/logout": USER,
    "GET /api/auth/me": USER,
    "POST /api/auth/verify-email/request": USER,
    "POST /api/auth/verify-email": PUBLIC,
    "POST /api/auth/password/forgot": PUBLIC,
    "POST /api/auth/password/reset": PUBLIC,
    "POST /api/auth/password/change": USER,
    "GET /api/auth/github/connect": USER,
    "GET /api/auth/github/callback": USER,
    "POST /api/auth/github/disconnect": USER,
    # Wallet and certificates (§3.3): 0xCert lookups and chain health
    "POST /api/blockchain/verify-cert": USER,
    "GET /api/blockchain/cert-info/{wallet_address}": PUBLIC,
    "GET /api/blockchain/health": PUBLIC,
    # Wallet sign-in (§3.3, EIP-4361)
    "GET /api/blockchain/nonce": USER,
    "POST /api/blockchain/verify-wallet": USER,
    # Users (§3.4)
    "PUT /api/users/profile": USER,
    "GET /api/users/stats": USER,
    "GET /api/users/search": PUBLIC,
    "GET /api/users/{username}": OPTIONAL,
    "GET /api/users/{user_id}/projects": OPTIONAL,
    "GET /api/users/{user_id}/tagged-projects": OPTIONAL,
    # Projects, votes, comments, updates (§3.5-3.9)
    "GET /api/projects/investor/matches": INVESTOR,
    "GET /api/projects": OPTIONAL,
    "POST /api/projects": USER,
    "GET /api/projects/leaderboard": OPTIONAL,
    "GET /api/projects/featured": OPTIONAL,
    "GET /api/projects/rising-stars": OPTIONAL,
    "GET /api/projects/most-requested": OPTIONAL,
    "GET /api/projects/by-category/{category}": OPTIONAL,
    "GET /api/projects/{project_id}": OPTIONAL,
    "PATCH /api/projects/{project_id}": OWNER_OR_ADMIN,
    "PUT /api/projects/{project_id}": OWNER_OR_ADMIN,
    "DELETE /api/projects/{project_id}": OWNER_OR_ADMIN,
    "POST /api/projects/{project_id}/feature": ADMIN,
    "POST /api/projects/{project_id}/view": OPTIONAL,
    "POST /api/projects/{project_id}/share": PUBLIC,
    "GET /api/projects/{project_id}/scoring-status": PUBLIC,
    "POST /api/votes": USER,
    "GET /api/votes/user": USER,
    "POST /api/projects/{project_id}/upvote": USER,
    "POST /api/projects/{project_id}/downvote": USER,
    "DELETE /api/projects/{project_id}/vote": USER,
    "GET /api/comments": OPTIONAL,
    "GET /api/comments/{comment_id}/replies": OPTIONAL,
    "GET /api/projects/{project_id}/comments": OPTIONAL,
    "POST /api/comments": USER,
    "PUT /api/comments/{comment_id}": OWNER,
    "DELETE /api/comments/{comment_id}": OWNER_OR_ADMIN,
    "POST /api/comments/{comment_id}/vote": USER,
    "POST /api/projects/{project_id}/updates": OWNER,
    "GET /api/projects/{project_id}/updates": PUBLIC,
    "PUT /api/projects/{project_id}/updates/{update_id}": OWNER,
    "DELETE /api/projects/{project_id}/updates/{update_id}": OWNER,
    # Saved projects (§3.8)
    "POST /api/saved/save/{project_id}": USER,
    "DELETE /api/saved/unsave/{project_id}": USER,
    "GET /api/saved/my-saved": USER,
    "GET /api/saved/check/{project_id}": USER,
    # Notifications (§3.17)
    "GET /api/notifications": USER,
    "GET /api/notifications/unread-count": USER,
    "POST /api/notifications/read-all": USER,
    "PUT /api/notifications/{notification_id}/read": OWNER,
    "DELETE /api/notifications/all": USER,
    "DELETE /api/notifications/{notification_id}": OWNER,
    # Chains and their forum (§3.11-3.12)
    "POST /api/chains": USER,
    "GET /api/chains": OPTIONAL,
    "GET /api/chains/recommendations": OPTIONAL,
    "GET /api/chains/user/{user_id}/following": OPTIONAL,
    "GET /api/chains/{slug}": OPTIONAL,
    "GET /api/chains/{slug}/analytics": OWNER_OR_ADMIN,
    "PUT /api/chains/{slug}": OWNER_OR_ADMIN,
    "DELETE /api/chains/{slug}": OWNER_OR_ADMIN,
    "POST /api/chains/{slug}/follow": USER,
    "DELETE /api/chains/{slug}/follow": USER,
    "GET /api/chains/{slug}/followers": OPTIONAL,
    "POST /api/chains/{slug}/feature": ADMIN,
    "POST /api/chains/{slug}/projects": OWNER_OR_ADMIN,
    "DELETE /api/chains/{slug}/projects/{project_id}": OWNER_OR_ADMIN,
    "POST /api/chains/{slug}/projects/{project_id}/pin": OWNER,
    "GET /api/chains/{slug}/requests": OWNER,
    "POST /api/chains/{slug}/requests/{request_id}/approve": OWNER,
    "POST /api/chains/{slug}/requests/{request_id}/reject": OWNER,
    "GET /api/chains/{slug}/projects": OPTIONAL,
    "POST /api/chains/{slug}/posts": USER,
    "GET /api/chains/{slug}/posts": OPTIONAL,
    "GET /api/chains/{slug}/posts/{post_id}": OPTIONAL,
    "GET /api/chains/{slug}/posts/{post_id}/replies": OPTIONAL,
    "PUT /api/chains/{slug}/posts/{post_id}": OWNER,
    "DELETE /api/chains/{slug}/posts/{post_id}": OWNER_OR_ADMIN,
    "POST /api/chains/{slug}/posts/{post_id}/react": USER,
    "POST /api/chains/{slug}/posts/{post_id}/pin": OWNER_OR_ADMIN,
    "POST /api/chains/{slug}/posts/{post_id}/lock": OWNER_OR_ADMIN,
    # Events (§3.13)
    "POST /api/events": USER,
    "GET /api/events": OPTIONAL,
    "GET /api/events/featured": OPTIONAL,
    "GET /api/events/types": PUBLIC,
    "GET /api/events/{slug}": OPTIONAL,
    "PUT /api/events/{slug}": OWNER_OR_ADMIN,
    "DELETE /api/events/{slug}": OWNER_OR_ADMIN,
    "GET /api/events/{slug}/projects": OPTIONAL,
    "POST /api/events/{slug}/projects": OWNER_OR_ADMIN,
    "PATCH /api/events/{slug}/projects/{project_id}": OWNER_OR_ADMIN,
    "DELETE /api/events/{slug}/projects/{project_id}": OWNER_OR_ADMIN,
    "POST /api/events/{slug}/subscribe": USER,
    "DELETE /api/events/{slug}/subscribe": USER,
    "POST /api/events/{slug}/verify": ADMIN,
    "POST /api/events/{slug}/feature": ADMIN,
    # Audit log (§3.22)
    "GET /api/admin/audit-log": ADMIN,
    # Badges and validators (§3.10)
    "POST /api/badges/award": VALIDATOR_OR_ADMIN,
    "GET /api/badges/types": PUBLIC,
    "GET /api/badges/{project_id}": PUBLIC,
    "GET /api/validator/dashboard": VALIDATOR,
    "POST /api/validator/assignments/{assignment_id}/start-review": VALIDATOR,
    "POST /api/validator/assignments/{assignment_id}/reject": VALIDATOR,
    "GET /api/validator/projects": VALIDATOR,
    "GET /api/validator/projects/{project_id}": VALIDATOR,
    "GET /api/validator/permissions": VALIDATOR,
    "GET /api/validator/stats": VALIDATOR,
    "GET /api/admin/validators": ADMIN,
    "POST /api/admin/validators/add-email": ADMIN,
    "POST /api/admin/validators/{user_id}/remove": ADMIN,
    "POST /api/admin/validators/{user_id}/permissions": ADMIN,
    "POST /api/admin/validator-assignments": ADMIN,
    "POST /api/admin/validator-assignments/bulk": ADMIN,
    "DELETE /api/admin/validator-assignments/{assignment_id}": ADMIN,
    "GET /api/admin/validator-assignments/validator/{user_id}": ADMIN,
    "GET /api/admin/badges": ADMIN,
    "POST /api/admin/badges/award": ADMIN,
    "GET /api/admin/badges/{badge_id}": ADMIN,
    "PATCH /api/admin/badges/{badge_id}": ADMIN,
    "DELETE /api/admin/badges/{badge_id}": ADMIN,
    "POST /api/admin/badge-types": ADMIN,
    # Investors (§3.14)
    "POST /api/investor-requests/apply": USER,
    "PUT /api/investor-requests/apply": USER,
    "GET /api/investor-requests/my-request": USER,
    "PUT /api/investor-requests/profile": INVESTOR,
    "GET /api/investor-requests/pending": ADMIN,
    "GET /api/investor-requests/all": ADMIN,
    "GET /api/investor-requests/user/{user_id}": OPTIONAL,
    "POST /api/investor-requests/{request_id}/approve": ADMIN,
    "POST /api/investor-requests/{request_id}/reject": ADMIN,
    "GET /api/investors/public": OPTIONAL,
    "GET /api/investors/stats": OPTIONAL,
    "GET /api/admin/investor-requests": ADMIN,
    "POST /api/admin/investor-requests/{request_id}/approve": ADMIN,
    "POST /api/admin/investor-requests/{request_id}/reject": ADMIN,
    "POST /api/admin/investors/{user_id}/revoke": ADMIN,
    "PUT /api/admin/investors/{user_id}/plan": ADMIN,
    # Introductions (§3.15)
    "POST /api/intro-requests/send": INVESTOR,
    "GET /api/intro-requests/received": USER,
    "GET /api/intro-requests/sent": INVESTOR,
    "GET /api/intro-requests/pending-count": USER,
    "POST /api/intro-requests/{request_id}/accept": OWNER,
    "POST /api/intro-requests/{request_id}/decline": OWNER,
    "POST /api/intros/request": OWNER,
    "PUT /api/intros/{intro_id}/accept": OWNER,
    "PUT /api/intros/{intro_id}/decline": OWNER,
    "GET /api/intros/received": USER,
    "GET /api/intros/sent": USER,
    "GET /api/intros/recent-connections": PUBLIC,
    # Direct messages (§3.16)
    "POST /api/messages/send": USER,
    "GET /api/messages/conversations": USER,
    "GET /api/messages/conversation/{other_user_id}": USER,
    "GET /api/messages/unread-count": USER,
    "POST /api/messages/{message_id}/mark-read": OWNER,
    # Feedback (§3.18)
    "POST /api/feedback": USER,
    "GET /api/feedback/admin": ADMIN,
    "PATCH /api/feedback/admin/{feedback_id}/status": ADMIN,
    "DELETE /api/feedback/admin/{feedback_id}": ADMIN,
    # Admin (§3.22): users, projects, chains, stats
    "GET /api/admin/users": ADMIN,
    "POST /api/admin/users/{user_id}/toggle-admin": ADMIN,
    "POST /api/admin/users/{user_id}/ban": ADMIN,
    "POST /api/admin/users/{user_id}/unban": ADMIN,
    "DELETE /api/admin/users/{user_id}": ADMIN,
    "GET /api/admin/projects": ADMIN,
    "PUT /api/admin/projects/{project_id}": ADMIN,
    "DELETE /api/admin/projects/{project_id}": ADMIN,
    "POST /api/admin/projects/{project_id}/restore": ADMIN,
    "POST /api/admin/projects/{project_id}/feature": ADMIN,
    "GET /api/admin/chains": ADMIN,
    "GET /api/admin/chains/moderation-logs": ADMIN,
    "GET /api/admin/chains/{slug}/logs": ADMIN,
    "POST /api/admin/chains/{slug}/ban": ADMIN,
    "POST /api/admin/chains/{slug}/suspend": ADMIN,
    "POST /api/admin/chains/{slug}/unban": ADMIN,
    "DELETE /api/admin/chains/{slug}": ADMIN,
    "POST /api/admin/chains/{slug}/feature": ADMIN,
    "GET /api/admin/stats": ADMIN,
    # Leaderboards, prefetch, search (§3.19-3.21)
    "GET /api/leaderboard/projects": OPTIONAL,
    "GET /api/leaderboard/users": PUBLIC,
    "GET /api/leaderboard/chains": OPTIONAL,
    "GET /api/leaderboard/trending": OPTIONAL,
    "GET /api/prefetch/bootstrap": USER,
    "GET /api/prefetch/dashboard-data": USER,
    "GET /api/search": OPTIONAL,
}
