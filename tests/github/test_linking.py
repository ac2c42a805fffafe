"""GitHub linking end to end against a local OAuth provider (real HTTP both ways): the state is
random, hashed, single-use, expiring and bound to the user who started it; the link moves the
verification score of every project of the user by exactly 5 (proof, trending, karma, feed and
leaderboard at once); no OAuth token is ever returned or stored."""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from oxship.kit.clock import as_utc, utcnow
from tests.factories.projects import ProjectFactory
from tests.factories.users import Actor, UserFactory
from tests.github.conftest import CALLBACK, CONNECT, DISCONNECT, REDIRECT_URL, GitHubRows, authorize
from tests.github.provider import CLIENT_ID, CLIENT_SECRET, FakeGitHub
from tests.support.visibility import KARMA_READS, PROJECT_READS, snapshot

LOGIN = "OctoCat"


async def start(actor: Actor) -> str:
    """`GET /connect` as `actor`: the auth_url."""
    response = await actor.client.get(CONNECT)
    assert response.status_code == 200, response.text
    auth_url: str = response.json()["data"]["auth_url"]
    return auth_url


async def callback(client: httpx.AsyncClient, code: str, state: str) -> httpx.Response:
    """`GET /callback?code=&state=` with `client`'s token."""
    return await client.get(CALLBACK, params={"code": code, "state": state})


async def scores(client: httpx.AsyncClient, project_id: str) -> dict[str, Any]:
    """The score fields of a project's detail."""
    data = (await client.get(f"/api/projects/{project_id}")).json()["data"]
    return {
        k: data[k]
        for k in ("verification_score", "proof_score", "trending_score", "score_breakdown")
    }


async def test_connect_returns_an_authorize_url_with_a_hashed_user_bound_state(
    users: UserFactory, rows: GitHubRows, github: FakeGitHub
) -> None:
    actor = await users.actor()

    first, second = await start(actor), await start(actor)

    url = urlsplit(first)
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{github.base_url}/login/oauth/authorize"
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert query["client_id"] == CLIENT_ID
    assert query["redirect_uri"] == REDIRECT_URL
    assert query["scope"] == "read:user"
    state = query["state"]
    assert len(state) >= 43  # 32 random bytes, url-safe base64
    other_state = parse_qs(urlsplit(second).query)["state"][0]
    assert other_state != state
    stored = await rows.states(actor.user.id)
    assert sorted(s.token_hash for s in stored) == sorted(
        hashlib.sha256(s.encode()).hexdigest() for s in (state, other_state)
    )
    for row in stored:
        assert row.used_at is None
        remaining = (as_utc(row.expires_at) - utcnow()).total_seconds()
        assert 590 <= remaining <= 600
    assert state not in await rows.everything()  # only its hash is stored
    assert CLIENT_SECRET not in first
    assert github.token_calls == 0


async def test_full_flow_links_the_account_and_moves_every_project_by_five(
    users: UserFactory,
    projects: ProjectFactory,
    client: httpx.AsyncClient,
    rows: GitHubRows,
    github: FakeGitHub,
) -> None:
    actor = await users.actor()
    ids = [
        (await projects.project(actor.user))["id"],
        (await projects.project(actor.user, demo_url="https://demo.example.com"))["id"],
    ]
    before = await snapshot(client, actor.user.id, actor.user.username, ids)  # warms every cache
    details = {pid: await scores(client, pid) for pid in ids}
    seen: list[str] = []

    code, state = await authorize(await start(actor), LOGIN)
    response = await callback(actor.client, code, state)

    assert response.status_code == 200, response.text
    seen.append(response.text)
    data = response.json()["data"]
    assert data["id"] == str(actor.user.id)
    assert data["github_connected"] is True
    assert data["github_username"] == LOGIN
    assert data["email"] == actor.user.email  # the caller's own view, like /me
    stored = await rows.user(actor.user.id)
    assert (stored.github_connected, stored.github_username) == (True, LOGIN)
    # Every project moved by exactly 5, visible on the very next read of every list and board.
    after = await snapshot(client, actor.user.id, actor.user.username, ids)
    assert before["verification"] == dict.fromkeys(ids, 0)
    assert after["verification"] == dict.fromkeys(ids, 5)
    expected = {pid: pytest.approx(proof + 5) for pid, proof in before["detail"].items()}
    for key in PROJECT_READS:
        assert after[key] == expected, key
    for key in KARMA_READS:
        assert after[key] == pytest.approx(before[key] + 10), key
    assert stored.karma == pytest.approx(before["board_users"] + 10)
    for pid in ids:
        new = await scores(client, pid)
        assert new["trending_score"] == pytest.approx(
            details[pid]["trending_score"] + 0.05, abs=1e-5
        )
        assert new["score_breakdown"]["verification"]["github_connected"] is True
    me = await actor.client.get("/api/auth/me")
    assert me.json()["data"]["github_username"] == LOGIN
    profile = await client.get(f"/api/users/{actor.user.username}")
    assert profile.json()["data"]["github_connected"] is True
    seen += [me.text, profile.text]
    # One exchange, one /user read; the token is in no response and no row.
    assert (github.token_calls, github.user_calls) == (1, 1)
    [token] = github.issued_tokens
    everything = await rows.everything()
    for secret in (token, CLIENT_SECRET, state):
        assert secret not in everything
        assert all(secret not in text for text in seen)


async def test_a_forged_state_is_refused_before_calling_github(
    users: UserFactory, rows: GitHubRows, github: FakeGitHub
) -> None:
    actor = await users.actor()
    code, _real_state = await authorize(await start(actor), LOGIN)

    response = await callback(actor.client, code, "forged-" + "x" * 40)

    assert response.status_code == 400
    assert response.json()["error"] == "bad_request"
    assert "state" in response.json()["message"]
    assert github.token_calls == 0
    assert (await rows.user(actor.user.id)).github_connected is False


async def test_a_replayed_state_is_refused(
    users: UserFactory, rows: GitHubRows, github: FakeGitHub
) -> None:
    actor = await users.actor()
    code, state = await authorize(await start(actor), LOGIN)
    assert (await callback(actor.client, code, state)).status_code == 200
    assert (await actor.client.post(DISCONNECT)).status_code == 200
    # A second authorization at GitHub, replayed with the spent state.
    fresh_code, _ = await authorize(await start(actor), LOGIN)

    response = await callback(actor.client, fresh_code, state)

    assert response.status_code == 400
    assert github.token_calls == 1  # the replay never reached GitHub
    assert (await rows.user(actor.user.id)).github_connected is False
    [used, unused] = sorted(await rows.states(actor.user.id), key=lambda s: s.used_at is None)
    assert used.used_at is not None
    assert unused.used_at is None


async def test_a_state_started_by_another_user_is_refused_and_spent(
    users: UserFactory, rows: GitHubRows, github: FakeGitHub
) -> None:
    alice, bob = await users.actor(), await users.actor()
    # Alice starts and authorizes; Bob (the victim of a forged callback link, or a thief of the
    # redirect) presents her code and state with his own token.
    code, state = await authorize(await start(alice), "alice-gh")

    response = await callback(bob.client, code, state)

    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"
    assert github.token_calls == 0
    for user in (alice, bob):
        stored = await rows.user(user.user.id)
        assert (stored.github_connected, stored.github_username) == (False, None)
    # The state leaked: it is spent for Alice too; she starts again and succeeds.
    assert (await callback(alice.client, code, state)).status_code == 400
    code, state = await authorize(await start(alice), "alice-gh")
    assert (await callback(alice.client, code, state)).status_code == 200
    assert (await rows.user(alice.user.id)).github_username == "alice-gh"
    assert (await rows.user(bob.user.id)).github_connected is False


async def test_an_expired_state_is_refused(
    users: UserFactory, rows: GitHubRows, github: FakeGitHub
) -> None:
    actor = await users.actor()
    code, state = await authorize(await start(actor), LOGIN)
    await rows.expire_states(actor.user.id)

    response = await callback(actor.client, code, state)

    assert response.status_code == 400
    assert github.token_calls == 0
    assert (await rows.user(actor.user.id)).github_connected is False


async def test_a_code_github_refuses_is_400_and_links_nothing(
    users: UserFactory, rows: GitHubRows, github: FakeGitHub
) -> None:
    actor = await users.actor()
    _code, state = await authorize(await start(actor), LOGIN)

    response = await callback(actor.client, "0123456789abcdef0123", state)

    assert response.status_code == 400
    assert "code" in response.json()["message"]
    assert github.token_calls == 1
    assert github.user_calls == 0
    assert (await rows.user(actor.user.id)).github_connected is False


@pytest.mark.parametrize(
    "mode", ["token_500", "token_oauth_error", "token_not_json", "user_500", "user_no_login"]
)
async def test_github_failures_are_503_and_change_nothing(
    mode: Any,
    users: UserFactory,
    projects: ProjectFactory,
    client: httpx.AsyncClient,
    raw_client: Any,
    rows: GitHubRows,
    github: FakeGitHub,
) -> None:
    actor = await users.actor()
    project = await projects.project(actor.user)
    before = await scores(client, project["id"])
    code, state = await authorize(await start(actor), LOGIN)
    github.mode = mode

    response = await callback(raw_client(actor.access), code, state)

    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "error": "unavailable",
        "message": "GitHub could not be reached; try again later",
    }
    assert github.token_calls == 1
    stored = await rows.user(actor.user.id)
    assert (stored.github_connected, stored.github_username) == (False, None)
    assert await scores(client, project["id"]) == before
    for token in github.issued_tokens:
        assert token not in response.text
        assert token not in await rows.everything()
    # The state was spent by this attempt: a retry with it is refused without calling GitHub.
    github.mode = "ok"
    assert (await callback(actor.client, code, state)).status_code == 400
    assert github.token_calls == 1


@pytest.mark.parametrize("github_timeout", [0.3])
async def test_a_github_timeout_is_503(
    users: UserFactory, raw_client: Any, rows: GitHubRows, github: FakeGitHub
) -> None:
    actor = await users.actor()
    code, state = await authorize(await start(actor), LOGIN)
    github.mode = "token_slow"

    response = await callback(raw_client(actor.access), code, state)

    assert response.status_code == 503
    assert response.json()["error"] == "unavailable"
    assert (await rows.user(actor.user.id)).github_connected is False


async def test_an_unreachable_github_is_503(
    users: UserFactory, raw_client: Any, rows: GitHubRows, runtime: Any
) -> None:
    actor = await users.actor()
    code, state = await authorize(await start(actor), LOGIN)
    closed = "http://127.0.0.1:9"
    runtime.settings.github_token_url = f"{closed}/login/oauth/access_token"

    response = await callback(raw_client(actor.access), code, state)

    assert response.status_code == 503
    assert (await rows.user(actor.user.id)).github_connected is False


async def test_a_login_linked_to_another_user_is_409(
    users: UserFactory, projects: ProjectFactory, client: httpx.AsyncClient, rows: GitHubRows
) -> None:
    holder, actor = await users.actor(), await users.actor()
    await rows.link(holder.user.id, "octocat")
    project = await projects.project(actor.user)
    before = await scores(client, project["id"])
    code, state = await authorize(await start(actor), LOGIN)  # same login, other letter case

    response = await callback(actor.client, code, state)

    assert response.status_code == 409
    assert response.json()["error"] == "conflict"
    stored = await rows.user(actor.user.id)
    assert (stored.github_connected, stored.github_username) == (False, None)
    assert await scores(client, project["id"]) == before
    assert (await rows.user(holder.user.id)).github_username == "octocat"


async def test_disconnect_clears_the_link_and_takes_the_five_points_back(
    users: UserFactory, projects: ProjectFactory, client: httpx.AsyncClient, rows: GitHubRows
) -> None:
    actor = await users.actor()
    ids = [(await projects.project(actor.user))["id"]]
    unlinked = await snapshot(client, actor.user.id, actor.user.username, ids)
    code, state = await authorize(await start(actor), LOGIN)
    assert (await callback(actor.client, code, state)).status_code == 200
    linked = await snapshot(client, actor.user.id, actor.user.username, ids)
    assert linked["verification"] == dict.fromkeys(ids, 5)

    response = await actor.client.post(DISCONNECT)

    assert response.status_code == 200
    data = response.json()["data"]
    assert (data["github_connected"], data["github_username"]) == (False, None)
    stored = await rows.user(actor.user.id)
    assert (stored.github_connected, stored.github_username) == (False, None)
    after = await snapshot(client, actor.user.id, actor.user.username, ids)
    assert after["verification"] == dict.fromkeys(ids, 0)
    for key in PROJECT_READS:
        assert after[key] == {ids[0]: pytest.approx(linked[key][ids[0]] - 5)}, key
    for key in KARMA_READS:
        assert after[key] == pytest.approx(linked[key] - 5), key
    assert after["trending_score"] == pytest.approx(unlinked["trending_score"])
    # Idempotent: a second call answers the same and changes nothing.
    again = await actor.client.post(DISCONNECT)
    assert again.status_code == 200
    assert again.json()["data"]["github_connected"] is False
    assert await snapshot(client, actor.user.id, actor.user.username, ids) == after
    # The login is free again for another account.
    other = await users.actor()
    code, state = await authorize(await start(other), LOGIN)
    assert (await callback(other.client, code, state)).status_code == 200


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"code": "c"},
        {"state": "s"},
        {"code": "", "state": "s"},
        {"code": "c", "state": "s" * 513},
    ],
)
async def test_callback_without_a_valid_code_and_state_is_422(
    params: dict[str, str], users: UserFactory, github: FakeGitHub
) -> None:
    actor = await users.actor()

    response = await actor.client.get(CALLBACK, params=params)

    assert response.status_code == 422
    assert github.token_calls == 0


async def test_every_route_needs_a_token(client: httpx.AsyncClient, github: FakeGitHub) -> None:
    for method, path in (("GET", CONNECT), ("GET", CALLBACK), ("POST", DISCONNECT)):
        response = await client.request(method, path, params={"code": "c", "state": "s"})
        assert response.status_code == 401, path
    assert github.token_calls == 0


@pytest.mark.parametrize(
    "settings_overrides", [{"github_client_id": None}, {"github_client_secret": None}]
)
async def test_unconfigured_github_is_503(users: UserFactory, raw_client: Any) -> None:
    actor = await users.actor()
    client = raw_client(actor.access)

    for response in (
        await client.get(CONNECT),
        await client.get(CALLBACK, params={"code": "c", "state": "s"}),
    ):
        assert response.status_code == 503
        assert response.json()["message"] == "GitHub linking is not configured on this server"


async def test_connect_is_rate_limited_per_user(users: UserFactory) -> None:
    actor = await users.actor()
    for _ in range(30):
        assert (await actor.client.get(CONNECT)).status_code == 200

    response = await actor.client.get(CONNECT)

    assert response.status_code == 429
    other = await users.actor()
    assert (await other.client.get(CONNECT)).status_code == 200
