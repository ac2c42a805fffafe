"""POST /api/projects: every field and limit of API §3.5, the 422 details, auth."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.factories.users import UserFactory
from tests.projects.conftest import LONG_DESCRIPTION, ProjectRows, field_errors

BASE: dict[str, Any] = {
    "title": "Proof of hack",
    "description": "d" * 50,
}
URL_2048 = "https://example.com/" + "a" * (2048 - len("https://example.com/"))


def body(**overrides: Any) -> dict[str, Any]:
    """A valid create body with some fields replaced."""
    return {**BASE, **overrides}


FULL: dict[str, Any] = {
    "title": "  Full project  ",
    "tagline": "  The tagline  ",
    "description": LONG_DESCRIPTION,
    "project_story": "Story. " * 10 + "End",
    "inspiration": "Inspired",
    "market_comparison": "Better than the rest",
    "novelty_factor": "Very novel",
    "pitch_deck_url": "https://deck.example.com/x.pdf",
    "demo_url": "http://demo.example.com",
    "github_url": "https://github.com/acme/full",
    "hackathon_name": "ETHGlobal Paris",
    "hackathon_date": "2025-07-20",
    "hackathons": [
        {
            "name": "ETHGlobal Paris",
            "date": "2025-07-20",
            "prize": "1st",
            "track": "DeFi",
            "is_winner": True,
            "rank": 1,
        },
        {"name": "Solana Breakpoint"},
    ],
    "categories": ["DeFi", "AI"],
    "tech_stack": ["Rust", "TypeScript", "Solidity"],
    "team_members": [{"name": "Ada", "role": "Lead"}, {"name": "Linus"}],
    "screenshot_urls": [
        "https://img.example.com/3.png",
        "https://img.example.com/1.png",
        "https://img.example.com/2.png",
    ],
}


async def test_create_with_every_field_returns_the_full_project(users: UserFactory) -> None:
    owner = await users.actor()
    member = await users.user()
    sent = {
        **FULL,
        "team_members": [*FULL["team_members"], {"name": "M", "user_id": str(member.id)}],
    }
    response = await owner.client.post("/api/projects", json=sent)
    assert response.status_code == 201, response.text
    p = response.json()["data"]
    assert p["title"] == "Full project"  # trimmed
    assert p["tagline"] == "The tagline"
    assert p["user_id"] == str(owner.user.id)
    for name in (
        "description",
        "project_story",
        "inspiration",
        "market_comparison",
        "novelty_factor",
        "pitch_deck_url",
        "demo_url",
        "github_url",
        "hackathon_name",
        "hackathon_date",
        "categories",
        "tech_stack",
    ):
        assert p[name] == sent[name], name
    assert p["hackathons"][0] == sent["hackathons"][0]
    assert p["hackathons"][1]["name"] == "Solana Breakpoint"
    assert p["hackathons"][1]["is_winner"] is False
    assert p["hackathons"][1]["date"] is None
    assert [m["name"] for m in p["team_members"]] == ["Ada", "Linus", "M"]
    assert p["team_members"][0]["role"] == "Lead"
    assert p["team_members"][2]["user_id"] == str(member.id)
    assert [s["url"] for s in p["screenshots"]] == sent["screenshot_urls"]
    assert [s["order_index"] for s in p["screenshots"]] == [0, 1, 2]
    assert len({s["id"] for s in p["screenshots"]}) == 3
    assert p["creator"] == {
        "id": str(owner.user.id),
        "username": owner.user.username,
        "display_name": owner.user.display_name,
        "avatar_url": None,
    }
    for counter in ("upvotes", "downvotes", "comment_count", "view_count", "share_count"):
        assert p[counter] == 0
    assert p["save_count"] == p["badge_count"] == 0
    assert p["badges"] == []
    assert p["chains"] == []
    assert p["upvote_ratio"] == 0
    assert p["is_featured"] is False
    assert p["featured_at"] is None
    assert p["user_vote"] is None
    assert p["is_saved"] is False
    assert p["quality_score"] == 20
    assert p["proof_score"] == 20
    assert p["created_at"].endswith("Z")

    again = await owner.client.get(f"/api/projects/{p['id']}")
    assert again.json()["data"] == {k: v for k, v in p.items() if k != "chain_results"}


async def test_minimal_create_defaults(users: UserFactory) -> None:
    owner = await users.actor()
    response = await owner.client.post("/api/projects", json=body())
    assert response.status_code == 201, response.text
    p = response.json()["data"]
    for name in ("tagline", "demo_url", "github_url", "hackathon_name", "hackathon_date"):
        assert p[name] is None
    for name in ("hackathons", "categories", "tech_stack", "team_members", "screenshots"):
        assert p[name] == []
    assert p["proof_score"] == 0
    assert p["score_breakdown"]["quality"]["score"] == 0


async def test_create_moves_the_owners_counters(users: UserFactory, rows: ProjectRows) -> None:
    owner = await users.actor(email_verified=True)
    first = (await owner.client.post("/api/projects", json=body(demo_url="https://d.io"))).json()
    second = (await owner.client.post("/api/projects", json=body())).json()
    row = await rows.user(owner.user.id)
    assert row.project_count == 2
    assert row.karma == pytest.approx(first["data"]["proof_score"] + second["data"]["proof_score"])
    assert row.karma == 10 + 5  # verification 5 on each, demo 5 on the first
    profile = await owner.client.get(f"/api/users/{owner.user.username}")
    assert profile.json()["data"]["project_count"] == 2
    assert profile.json()["data"]["karma"] == 15


async def test_unknown_and_server_fields_are_ignored(users: UserFactory) -> None:
    owner = await users.actor()
    other = await users.user()
    response = await owner.client.post(
        "/api/projects",
        json=body(
            upvotes=1000,
            proof_score=100,
            is_featured=True,
            user_id=str(other.id),
            view_count=5,
            nonsense={"a": 1},
        ),
    )
    assert response.status_code == 201, response.text
    p = response.json()["data"]
    assert p["upvotes"] == 0
    assert p["proof_score"] == 0
    assert p["view_count"] == 0
    assert p["is_featured"] is False
    assert p["user_id"] == str(owner.user.id)


async def test_categories_and_tech_are_deduplicated_case_insensitively(users: UserFactory) -> None:
    owner = await users.actor()
    response = await owner.client.post(
        "/api/projects",
        json=body(categories=["DeFi", " defi ", "AI"], tech_stack=["Rust", "RUST", "Go"]),
    )
    p = response.json()["data"]
    assert p["categories"] == ["DeFi", "AI"]
    assert p["tech_stack"] == ["Rust", "Go"]


async def test_limits_at_their_maximum_are_accepted(users: UserFactory) -> None:
    owner = await users.actor()
    response = await owner.client.post(
        "/api/projects",
        json={
            "title": "t" * 200,
            "tagline": "g" * 300,
            "description": "d" * 20_000,
            "project_story": "s" * 10_000,
            "inspiration": "i" * 10_000,
            "market_comparison": "m" * 10_000,
            "novelty_factor": "n" * 10_000,
            "pitch_deck_url": URL_2048,
            "demo_url": URL_2048,
            "github_url": URL_2048,
            "hackathon_name": "h" * 200,
            "hackathons": [{"name": f"Hack {i}", "prize": "p" * 200} for i in range(20)],
            "categories": [f"{i}" + "c" * 49 for i in range(10)],
            "tech_stack": [f"{i:02d}" + "t" * 48 for i in range(30)],
            "team_members": [{"name": "n" * 100, "role": "r" * 100} for _ in range(20)],
            "screenshot_urls": [f"https://img.example.com/{i}.png" for i in range(5)],
        },
    )
    assert response.status_code == 201, response.text
    p = response.json()["data"]
    assert len(p["hackathons"]) == 20
    assert len(p["categories"]) == 10
    assert len(p["tech_stack"]) == 30
    assert len(p["team_members"]) == 20
    assert len(p["screenshots"]) == 5
    assert len(p["description"]) == 20_000


async def test_minimum_lengths_count_after_trimming(users: UserFactory) -> None:
    owner = await users.actor()
    ok = await owner.client.post("/api/projects", json=body(title="  12345  "))
    assert ok.status_code == 201, ok.text
    assert ok.json()["data"]["title"] == "12345"
    assert field_errors(await owner.client.post("/api/projects", json=body(title="  1234  "))) == {
        "title"
    }
    short = await owner.client.post("/api/projects", json=body(description=" " + "d" * 49 + " "))
    assert field_errors(short) == {"description"}


def _many(n: int, item: Any) -> list[Any]:
    return [item(i) if callable(item) else item for i in range(n)]


INVALID: list[tuple[str, dict[str, Any], str]] = [
    ("title too short", {"title": "abcd"}, "title"),
    ("title too long", {"title": "t" * 201}, "title"),
    ("title missing", {"title": None}, "title"),
    ("title not a string", {"title": 12345}, "title"),
    ("description too short", {"description": "d" * 49}, "description"),
    ("description too long", {"description": "d" * 20_001}, "description"),
    ("tagline too long", {"tagline": "g" * 301}, "tagline"),
    ("project_story too long", {"project_story": "s" * 10_001}, "project_story"),
    ("inspiration too long", {"inspiration": "s" * 10_001}, "inspiration"),
    ("market_comparison too long", {"market_comparison": "s" * 10_001}, "market_comparison"),
    ("novelty_factor too long", {"novelty_factor": "s" * 10_001}, "novelty_factor"),
    ("demo_url ftp", {"demo_url": "ftp://example.com/x"}, "demo_url"),
    ("demo_url javascript", {"demo_url": "javascript:alert(1)"}, "demo_url"),
    ("demo_url not a url", {"demo_url": "not a url"}, "demo_url"),
    ("demo_url no host", {"demo_url": "https://"}, "demo_url"),
    ("demo_url too long", {"demo_url": URL_2048 + "a"}, "demo_url"),
    ("github_url bad", {"github_url": "github.com/a/b"}, "github_url"),
    ("github_url too long", {"github_url": URL_2048 + "a"}, "github_url"),
    ("pitch_deck_url bad", {"pitch_deck_url": "mailto:a@b.c"}, "pitch_deck_url"),
    ("pitch_deck_url too long", {"pitch_deck_url": URL_2048 + "a"}, "pitch_deck_url"),
    ("hackathon_name too long", {"hackathon_name": "h" * 201}, "hackathon_name"),
    ("hackathon_date not a date", {"hackathon_date": "next week"}, "hackathon_date"),
    ("too many hackathons", {"hackathons": _many(21, lambda i: {"name": f"H{i}"})}, "hackathons"),
    ("hackathon without name", {"hackathons": [{"prize": "1st"}]}, "hackathons.0.name"),
    ("hackathon empty name", {"hackathons": [{"name": "  "}]}, "hackathons.0.name"),
    ("hackathon name too long", {"hackathons": [{"name": "h" * 201}]}, "hackathons.0.name"),
    ("hackathon bad date", {"hackathons": [{"name": "H", "date": "x"}]}, "hackathons.0.date"),
    ("hackathon prize too long", {"hackathons": [{"name": "H", "prize": "p" * 201}]}, "hackathons.0.prize"),
    ("hackathon track too long", {"hackathons": [{"name": "H", "track": "p" * 201}]}, "hackathons.0.track"),
    ("hackathon rank zero", {"hackathons": [{"name": "H", "rank": 0}]}, "hackathons.0.rank"),
    ("hackathon winner not bool", {"hackathons": [{"name": "H", "is_winner": "maybe"}]}, "hackathons.0.is_winner"),
    ("hackathons not a list", {"hackathons": "ETHGlobal"}, "hackathons"),
    ("too many categories", {"categories": _many(11, lambda i: f"c{i}")}, "categories"),
    ("category too long", {"categories": ["c" * 51]}, "categories.0"),
    ("category empty", {"categories": ["ok", " "]}, "categories.1"),
    ("too many tech", {"tech_stack": _many(31, lambda i: f"t{i}")}, "tech_stack"),
    ("tech too long", {"tech_stack": ["t" * 51]}, "tech_stack.0"),
    ("too many team members", {"team_members": _many(21, {"name": "A"})}, "team_members"),
    ("team member without name", {"team_members": [{"role": "dev"}]}, "team_members.0.name"),
    ("team member name too long", {"team_members": [{"name": "n" * 101}]}, "team_members.0.name"),
    ("team member role too long", {"team_members": [{"name": "A", "role": "r" * 101}]}, "team_members.0.role"),
    ("team member bad user_id", {"team_members": [{"name": "A", "user_id": "x"}]}, "team_members.0.user_id"),
    ("too many screenshots", {"screenshot_urls": _many(6, lambda i: f"https://i.io/{i}")}, "screenshot_urls"),
    ("screenshot not a url", {"screenshot_urls": ["https://i.io/1", "file:///etc/passwd"]}, "screenshot_urls.1"),
    ("screenshot too long", {"screenshot_urls": [URL_2048 + "a"]}, "screenshot_urls.0"),
    ("too many chains", {"chain_ids": _many(6, lambda i: str(uuid.uuid4()))}, "chain_ids"),
    ("chain id not a uuid", {"chain_ids": ["chain-1"]}, "chain_ids.0"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "overrides", "field"), INVALID, ids=[c[0] for c in INVALID])
async def test_each_limit_is_a_422_naming_the_field(
    users: UserFactory, rows: ProjectRows, case: str, overrides: dict[str, Any], field: str
) -> None:
    owner = await users.actor()
    sent = body(**overrides)
    if sent.get("title") is None:
        sent.pop("title")
    response = await owner.client.post("/api/projects", json=sent)
    assert field_errors(response) == {field}, case
    assert response.json()["message"].startswith(field)
    assert (await rows.user(owner.user.id)).project_count == 0


async def test_every_invalid_field_is_named(users: UserFactory) -> None:
    owner = await users.actor()
    response = await owner.client.post(
        "/api/projects",
        json={
            "title": "abc",
            "tagline": "g" * 301,
            "demo_url": "ftp://x.io",
            "categories": ["c" * 51],
            "screenshot_urls": ["nope"],
        },
    )
    assert field_errors(response) == {
        "title",
        "description",
        "tagline",
        "demo_url",
        "categories.0",
        "screenshot_urls.0",
    }


@pytest.mark.parametrize("payload", [[], "a string", 42])
async def test_a_body_that_is_not_an_object_is_a_422(users: UserFactory, payload: Any) -> None:
    owner = await users.actor()
    response = await owner.client.post("/api/projects", json=payload)
    assert response.status_code == 422, response.text


async def test_nul_characters_are_a_422(users: UserFactory) -> None:
    owner = await users.actor()
    response = await owner.client.post("/api/projects", json=body(title="Hello\x00World"))
    assert response.status_code == 422, response.text
    assert response.json()["error"] == "validation_error"


async def test_missing_or_malformed_body(users: UserFactory) -> None:
    owner = await users.actor()
    missing = await owner.client.post("/api/projects")
    assert missing.status_code == 422, missing.text
    malformed = await owner.client.post(
        "/api/projects", content=b'{"title": ', headers={"Content-Type": "application/json"}
    )
    assert malformed.status_code == 400, malformed.text


async def test_anonymous_and_bad_tokens_are_401(
    client: httpx.AsyncClient, users: UserFactory, rows: ProjectRows
) -> None:
    anonymous = await client.post("/api/projects", json=body())
    assert anonymous.status_code == 401
    assert anonymous.json()["error"] == "unauthorized"
    bad = await client.post(
        "/api/projects", json=body(), headers={"Authorization": "Bearer not-a-token"}
    )
    assert bad.status_code == 401
    banned = await users.actor()
    await rows.set_user(banned.user.id, is_active=False)
    refused = await banned.client.post("/api/projects", json=body())
    assert refused.status_code == 401
    feed = await client.get("/api/projects")
    assert feed.json()["pagination"]["total"] == 0


async def test_names_that_grow_when_lower_cased_still_fit_and_filter(
    users: UserFactory, client: httpx.AsyncClient
) -> None:
    # "İ".lower() is two code points: a valid 200-char name must not overflow the tag column
    owner = await users.actor()
    response = await owner.client.post(
        "/api/projects",
        json=body(
            hackathon_name="İ" * 200,
            hackathons=[{"name": "İ" * 200}],
            categories=["İ" * 50],
            tech_stack=["İ" * 50],
        ),
    )
    assert response.status_code == 201, response.text
    pid = response.json()["data"]["id"]
    for params in ({"hackathon": "İ" * 200}, {"category": "İ" * 50}, {"tech": "İ" * 50}):
        feed = await client.get("/api/projects", params=params)
        assert [p["id"] for p in feed.json()["data"]] == [pid], params
