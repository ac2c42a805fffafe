"""Input limits: every documented string and list limit of API.md, JSON shape, query length, unicode."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import orjson
import pytest

from oxship.kit import middleware
from oxship.kit.middleware import MAX_QUERY_VALUE_CHARS, json_shape_problem
from tests.factories.projects import ProjectFactory
from tests.factories.users import Actor, UserFactory


@dataclass
class Setup:
    """A logged-in owner of a project and a chain, and another user to write to."""

    owner: Actor
    other: Actor
    project_id: str
    slug: str

    def fill(self, template: str) -> str:
        """The path with its placeholders replaced."""
        return template.format(project=self.project_id, slug=self.slug, other=self.other.user.id)


@pytest.fixture
async def setup(users: UserFactory, projects: ProjectFactory) -> Setup:
    """An owner with a project and a chain."""
    owner = await users.actor()
    other = await users.actor()
    project_id = await projects.project_id(owner.user)
    chain = await owner.client.post(
        "/api/chains", json={"name": "Limits chain", "description": "A chain for limit tests."}
    )
    assert chain.status_code == 201, chain.text
    return Setup(owner, other, str(project_id), chain.json()["data"]["slug"])


EVENT = {
    "description": "An event for limit tests.",
    "event_type": "hackathon",
    "start_date": "2030-01-01T10:00:00Z",
    "end_date": "2030-01-03T10:00:00Z",
}
UPDATE = {"update_type": "milestone", "title": "Shipped", "content": "We shipped it."}

# (method, path, body without the field, field, API.md minimum or None, API.md maximum)
STRING_LIMITS: list[tuple[str, str, dict[str, Any], str, int | None, int]] = [
    ("PUT", "/api/users/profile", {}, "display_name", None, 100),
    ("PUT", "/api/users/profile", {}, "bio", None, 500),
    ("PUT", "/api/users/profile", {}, "location", None, 100),
    ("PATCH", "/api/projects/{project}", {}, "title", 5, 200),
    ("PATCH", "/api/projects/{project}", {}, "tagline", None, 300),
    ("PATCH", "/api/projects/{project}", {}, "description", 50, 20_000),
    ("PATCH", "/api/projects/{project}", {}, "project_story", None, 10_000),
    ("PATCH", "/api/projects/{project}", {}, "inspiration", None, 10_000),
    ("PATCH", "/api/projects/{project}", {}, "market_comparison", None, 10_000),
    ("PATCH", "/api/projects/{project}", {}, "novelty_factor", None, 10_000),
    ("PATCH", "/api/projects/{project}", {}, "hackathon_name", None, 200),
    ("POST", "/api/comments", {"project_id": "{project}"}, "content", 1, 5_000),
    ("POST", "/api/messages/send", {"recipient_id": "{other}"}, "message", 1, 2_000),
    ("POST", "/api/feedback", {"feedback_type": "suggestion"}, "message", 10, 2_000),
    ("POST", "/api/chains", {"description": "About limits."}, "name", 3, 100),
    ("POST", "/api/chains", {}, "description", 10, 5_000),
    ("PUT", "/api/chains/{slug}", {}, "rules", None, 5_000),
    ("POST", "/api/chains/{slug}/posts", {"content": "Body"}, "title", 3, 300),
    ("POST", "/api/chains/{slug}/posts", {"title": "Thread"}, "content", 1, 10_000),
    ("POST", "/api/projects/{project}/updates", UPDATE, "title", 1, 200),
    ("POST", "/api/projects/{project}/updates", UPDATE, "content", 1, 5_000),
    ("POST", "/api/events", EVENT, "name", 3, 200),
]

# (method, path, field, one valid item, API.md maximum count)
LIST_LIMITS: list[tuple[str, str, str, Any, int]] = [
    ("PATCH", "/api/projects/{project}", "categories", "cat{i}", 10),
    ("PATCH", "/api/projects/{project}", "tech_stack", "tech{i}", 30),
    ("PATCH", "/api/projects/{project}", "team_members", {"name": "Member {i}"}, 20),
    ("PATCH", "/api/projects/{project}", "hackathons", {"name": "Hack {i}"}, 20),
    ("PATCH", "/api/projects/{project}", "screenshot_urls", "https://img.example/{i}.png", 5),
    ("POST", "/api/chains/{slug}/posts", "image_urls", "https://img.example/{i}.png", 4),
    ("POST", "/api/chains", "categories", "cat{i}", 10),
]


def _text(n: int, field: str) -> str:
    # Names become slugs and must hold a letter; elsewhere a 2-byte character shows that the
    # limit counts characters, not bytes.
    if field == "name":
        return ("Name " + "x" * n)[:n]
    return "é" * n


def _body(setup: Setup, base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    filled = {k: setup.fill(v) if isinstance(v, str) else v for k, v in base.items()}
    return {**filled, **extra}


def _item(template: Any, i: int) -> Any:
    if isinstance(template, dict):
        return {k: v.format(i=i) for k, v in template.items()}
    return template.format(i=i)


def _assert_rejects(response: httpx.Response, field: str) -> None:
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["error"] == "validation_error"
    assert field in [d["field"].split(".")[0] for d in body["details"]], body


@pytest.mark.parametrize(
    ("method", "path", "base", "field", "low", "high"),
    STRING_LIMITS,
    ids=[f"{p}:{f}" for _, p, _, f, _, _ in STRING_LIMITS],
)
async def test_documented_string_limits(
    setup: Setup,
    method: str,
    path: str,
    base: dict[str, Any],
    field: str,
    low: int | None,
    high: int,
) -> None:
    client = setup.owner.client
    url = setup.fill(path)

    async def send(n: int) -> httpx.Response:
        extra = {field: _text(n, field)}
        if path == "/api/chains" and field != "name":
            extra["name"] = f"Chain of {n}"  # chain names are unique
        return await client.request(method, url, json=_body(setup, base, extra))

    at_max = await send(high)
    assert at_max.status_code in {200, 201}, at_max.text
    _assert_rejects(await send(high + 1), field)
    if low is not None:
        at_min = await send(low)
        assert at_min.status_code in {200, 201}, at_min.text
        _assert_rejects(await send(low - 1), field)


@pytest.mark.parametrize(
    ("method", "path", "field", "item", "high"),
    LIST_LIMITS,
    ids=[f"{p}:{f}" for _, p, f, _, _ in LIST_LIMITS],
)
async def test_documented_list_limits(
    setup: Setup, method: str, path: str, field: str, item: Any, high: int
) -> None:
    base: dict[str, Any] = {}
    if path.endswith("/posts"):
        base = {"title": "Thread", "content": "Body"}
    elif path == "/api/chains":
        base = {"description": "About limits."}
    url = setup.fill(path)

    async def send(n: int, name: str) -> httpx.Response:
        extra: dict[str, Any] = {field: [_item(item, i) for i in range(n)]}
        if path == "/api/chains":
            extra["name"] = name
        return await setup.owner.client.request(method, url, json={**base, **extra})

    at_max = await send(high, "Full chain")
    assert at_max.status_code in {200, 201}, at_max.text
    _assert_rejects(await send(high + 1, "Overfull chain"), field)


async def test_username_and_password_limits(client: httpx.AsyncClient) -> None:
    async def register(username: str, password: str = "password123") -> httpx.Response:
        return await client.post(
            "/api/auth/register",
            json={
                "email": f"{uuid.uuid4().hex[:10]}@example.com",
                "username": username,
                "password": password,
            },
        )

    assert (await register("abc")).status_code == 201
    assert (await register("u" * 30)).status_code == 201
    _assert_rejects(await register("ab"), "username")
    _assert_rejects(await register("v" * 31), "username")
    assert (await register("longpw", "a1" * 64)).status_code == 201
    _assert_rejects(await register("longerpw", "a1" * 64 + "x"), "password")
    _assert_rejects(await register("shortpw", "a1b2c3d"), "password")


# ---- unicode and control characters ---------------------------------------------------------

UNICODE = "Ship 🚀 👩🏽‍💻 שלום עולם مرحبا e\u0301 漢字かな 한국어"


async def test_unicode_is_stored_and_returned_exactly(setup: Setup) -> None:
    client = setup.owner.client
    description = f"{UNICODE}\n\twith a tab, a newline and enough text to pass fifty characters."
    patched = await client.patch(
        f"/api/projects/{setup.project_id}",
        json={"title": UNICODE, "tagline": UNICODE, "description": description},
    )
    assert patched.status_code == 200, patched.text
    comment = await client.post(
        "/api/comments", json={"project_id": setup.project_id, "content": f"{UNICODE}\nline 2"}
    )
    assert comment.status_code == 201, comment.text
    sent = await client.post(
        "/api/messages/send", json={"recipient_id": str(setup.other.user.id), "message": UNICODE}
    )
    assert sent.status_code == 201, sent.text

    project = (await client.get(f"/api/projects/{setup.project_id}")).json()["data"]
    comments = (await client.get(f"/api/comments?project_id={setup.project_id}")).json()["data"]
    thread = await setup.other.client.get(f"/api/messages/conversation/{setup.owner.user.id}")

    assert project["title"] == UNICODE
    assert project["tagline"] == UNICODE
    assert project["description"] == description
    assert comments[0]["content"] == f"{UNICODE}\nline 2"
    assert thread.json()["data"][-1]["message"] == UNICODE


CONTROL_CHARACTERS = ["\x07", "\x1b", "\n", "\t", "\x7f", "\x85", "\u2028"]


@pytest.mark.parametrize(
    ("method", "path", "field"),
    [
        ("PATCH", "/api/projects/{project}", "title"),
        ("PATCH", "/api/projects/{project}", "tagline"),
        ("PATCH", "/api/projects/{project}", "tech_stack"),
        ("PUT", "/api/users/profile", "display_name"),
        ("PUT", "/api/users/profile", "location"),
        ("POST", "/api/chains", "name"),
    ],
)
async def test_control_characters_in_single_line_fields_are_422(
    setup: Setup, method: str, path: str, field: str
) -> None:
    for char in CONTROL_CHARACTERS:
        value = f"Good title{char}[31m red"
        body: dict[str, Any] = {field: [value] if field == "tech_stack" else value}
        if path == "/api/chains":
            body["description"] = "About control characters."
        response = await setup.owner.client.request(method, setup.fill(path), json=body)

        _assert_rejects(response, field)
    clean: dict[str, Any] = {field: ["Clean"] if field == "tech_stack" else "Clean title"}
    if path == "/api/chains":
        clean["description"] = "About control characters."
    accepted = await setup.owner.client.request(method, setup.fill(path), json=clean)
    assert accepted.status_code in {200, 201}, accepted.text


async def test_control_characters_in_usernames_are_422(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/auth/register",
        json={"email": "ctl@example.com", "username": "bad\x1bname", "password": "password123"},
    )
    _assert_rejects(response, "username")


async def test_control_characters_in_long_text_are_kept_exactly(setup: Setup) -> None:
    content = "bell \x07 escape \x1b[31m tab\tnewline\nend"
    created = await setup.owner.client.post(
        "/api/comments", json={"project_id": setup.project_id, "content": content}
    )

    assert created.status_code == 201, created.text
    assert created.json()["data"]["content"] == content


# ---- JSON shape -------------------------------------------------------------------------------


def _nested(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


async def _vote(setup: Setup, voter: Actor, extra: Any, **kwargs: Any) -> httpx.Response:
    body = {"project_id": setup.project_id, "vote_type": "up", "extra": extra}
    return await voter.client.post("/api/votes", content=orjson.dumps(body), **kwargs)


async def test_json_nesting_up_to_the_limit_passes_and_deeper_is_422(setup: Setup) -> None:
    # The body object is level 1, so `extra` may nest 31 more levels (unknown fields are ignored).
    ok = await _vote(setup, setup.other, _nested(31), headers={"content-type": "application/json"})
    deep = await _vote(
        setup, setup.other, _nested(32), headers={"content-type": "application/json"}
    )

    assert ok.status_code == 200, ok.text
    assert deep.status_code == 422
    assert deep.json() == {
        "status": "error",
        "error": "validation_error",
        "message": "body: must not nest arrays and objects deeper than 32 levels",
        "details": [
            {"field": "body", "message": "must not nest arrays and objects deeper than 32 levels"}
        ],
    }


async def test_pathologically_deep_json_is_422_not_500(setup: Setup) -> None:
    body = b"[" * 100_000 + b"]" * 100_000
    for content_type in ("application/json", "application/merge-patch+json", None):
        headers = {"content-type": content_type} if content_type else {}
        response = await setup.other.client.post("/api/votes", content=body, headers=headers)

        assert response.status_code == 422
        assert response.json()["details"][0]["field"] == "body"


async def test_arrays_up_to_the_limit_pass_and_longer_are_422(setup: Setup) -> None:
    ok = await _vote(
        setup, setup.other, list(range(1000)), headers={"content-type": "application/json"}
    )
    removed = await _vote(
        setup,
        setup.other,
        {"items": list(range(1000))},
        headers={"content-type": "application/json"},
    )
    too_long = await _vote(
        setup,
        setup.other,
        {"items": list(range(1001))},
        headers={"content-type": "application/json"},
    )

    assert ok.status_code == 200, ok.text
    assert removed.status_code == 200, removed.text
    assert too_long.status_code == 422
    assert too_long.json()["details"] == [
        {"field": "extra.items", "message": "must have at most 1000 items"}
    ]


@pytest.mark.parametrize("settings_overrides", [{"max_json_depth": 3, "max_json_array_items": 10}])
async def test_json_limits_follow_the_settings(setup: Setup) -> None:
    # Levels: the body object, then `extra`'s arrays.
    shallow = await _vote(setup, setup.other, [[1]], headers={"content-type": "application/json"})
    deep = await _vote(setup, setup.other, [[[1]]], headers={"content-type": "application/json"})
    long = await _vote(
        setup, setup.other, list(range(11)), headers={"content-type": "application/json"}
    )

    assert shallow.status_code == 200, shallow.text
    assert deep.status_code == 422
    assert long.status_code == 422
    assert long.json()["details"][0]["field"] == "extra"


async def test_malformed_json_is_still_the_usual_400(setup: Setup) -> None:
    # Many brackets (so the guard parses it) but not valid JSON: the route's own error stands.
    body = b'{"project_id": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[ "oops"'
    response = await setup.other.client.post(
        "/api/votes", content=body, headers={"content-type": "application/json"}
    )

    assert response.status_code == 400
    assert response.json()["message"] == "Malformed JSON body"


def test_ordinary_bodies_are_cleared_without_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    class NoParsing:
        JSONDecodeError = orjson.JSONDecodeError

        @staticmethod
        def loads(_: bytes) -> Any:
            raise AssertionError("the guard parsed an ordinary body")

    monkeypatch.setattr(middleware, "orjson", NoParsing)
    vote = orjson.dumps({"project_id": str(uuid.uuid4()), "vote_type": "up"})
    project = orjson.dumps(
        {"title": "T" * 200, "description": "d" * 20_000, "tech_stack": ["a"] * 30}
    )

    assert json_shape_problem(vote, 32, 1000) is None
    assert json_shape_problem(project, 32, 1000) is None


# ---- query strings ---------------------------------------------------------------------------


async def test_over_long_query_values_are_422_naming_the_parameter(
    client: httpx.AsyncClient,
) -> None:
    at_limit = await client.get("/api/projects", params={"tech": "t" * MAX_QUERY_VALUE_CHARS})
    over = await client.get("/api/projects", params={"tech": "t" * (MAX_QUERY_VALUE_CHARS + 1)})
    search = await client.get("/api/search", params={"q": "s" * 201})

    assert at_limit.status_code == 200
    assert over.status_code == 422
    assert over.json()["details"] == [
        {"field": "tech", "message": f"must have at most {MAX_QUERY_VALUE_CHARS} characters"}
    ]
    assert search.status_code == 422  # API.md: q is 2..200 characters
    assert search.json()["details"][0]["field"] == "q"
