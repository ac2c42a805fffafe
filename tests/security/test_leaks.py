"""No response leaks a password hash, the signing key, another user's email or a stack trace."""

from __future__ import annotations

import httpx
import pytest

from oxship.auth.tokens import digest
from tests.security.conftest import World

# Real commits: the bootstrap route reads with several concurrent sessions.
pytestmark = pytest.mark.committed

FORBIDDEN_ALWAYS = ("$argon2", "Traceback", 'File "/')


def _crawl_paths(world: World) -> list[str]:
    bob = world.bob.user
    return [
        "/api/auth/me",
        "/api/users/stats",
        f"/api/users/{bob.username}",
        f"/api/users/{bob.id}/projects",
        "/api/users/search?q=bob",
        "/api/users/search?q=alice",
        "/api/projects",
        f"/api/projects/{world.project_id}",
        f"/api/comments?project_id={world.project_id}",
        f"/api/comments/{world.comment_id}/replies",
        f"/api/projects/{world.project_id}/comments",
        "/api/leaderboard/users",
        "/api/leaderboard/trending",
        "/api/investors/public",
        f"/api/investor-requests/user/{bob.id}",
        "/api/messages/conversations",
        f"/api/messages/conversation/{bob.id}",
        "/api/notifications",
        "/api/prefetch/bootstrap",
        "/api/search?q=bob",
        "/api/search?q=secure",
        "/api/chains",
        f"/api/chains/{world.chain_slug}",
        f"/api/chains/{world.chain_slug}/followers",
        "/api/intros/recent-connections",
        "/api/projects/no-such-id",
    ]


def _assert_clean(response: httpx.Response, forbidden: tuple[str, ...]) -> None:
    assert response.status_code < 500, response.text
    for needle in forbidden:
        assert needle not in response.text, f"{response.request.url} leaks {needle!r}"


async def test_user_and_public_views_leak_nothing(world: World, client: httpx.AsyncClient) -> None:
    bob = world.bob
    secrets = (
        *FORBIDDEN_ALWAYS,
        world.secret_key,
        bob.user.email,
        world.admin.user.email,
        bob.refresh,
        digest(bob.refresh),
        bob.access,
    )
    paths = _crawl_paths(world)
    statuses = []
    for path in paths:
        as_alice = await world.alice.client.get(path)
        _assert_clean(as_alice, secrets)
        statuses.append(as_alice.status_code)
        anonymous = await client.get(path)
        _assert_clean(anonymous, (*secrets, world.alice.user.email))
    # The crawl reached real content: everything but the unknown project answered 200.
    assert statuses.count(200) == len(paths) - 1, list(zip(paths, statuses, strict=True))
    me = await world.alice.client.get("/api/auth/me")
    assert me.json()["data"]["email"] == world.alice.user.email


async def test_admin_views_leak_no_hash_key_or_trace(world: World) -> None:
    forbidden = (*FORBIDDEN_ALWAYS, world.secret_key, world.bob.refresh, digest(world.bob.refresh))
    paths = [
        "/api/admin/users",
        "/api/admin/users?search=bob",
        "/api/admin/projects",
        "/api/admin/stats",
        "/api/admin/audit-log",
        "/api/admin/investor-requests",
        "/api/admin/validators",
        "/api/feedback/admin",
    ]
    for path in paths:
        response = await world.admin.client.get(path)
        assert response.status_code == 200, (path, response.text)
        _assert_clean(response, forbidden)
    listed = await world.admin.client.get("/api/admin/users?search=bob")
    assert world.bob.user.email in listed.text  # admins do see emails, and nothing worse
