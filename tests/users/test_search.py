"""GET /api/users/search: prefix typeahead on username and display name, never emails."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from tests.auth.rows import Rows
from tests.factories.users import UserFactory

SEARCH = "/api/users/search"
CARD_FIELDS = {"id", "username", "display_name", "avatar_url"}


async def search(client: httpx.AsyncClient, q: str, **params: object) -> httpx.Response:
    return await client.get(SEARCH, params={"q": q, **params})


def usernames(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [u["username"] for u in response.json()["data"]]


async def test_prefix_matches_username_and_display_name(
    client: httpx.AsyncClient, users: UserFactory
) -> None:
    await users.user(username="lena", display_name="Lena L.", karma=3)
    await users.user(username="zz_top", display_name="Lenny Z.", karma=2)
    await users.user(username="olena", display_name="O. Lena", karma=1)
    await users.user(username="mark", display_name="Mark", email="lena.mark@example.com")

    response = await search(client, "le")

    assert usernames(response) == ["lena", "zz_top"]
    for card in response.json()["data"]:
        assert set(card) == CARD_FIELDS


@pytest.mark.parametrize("q", ["LE", "Le", " le ", "lE"])
async def test_prefix_is_case_insensitive_and_trimmed(
    client: httpx.AsyncClient, users: UserFactory, q: str
) -> None:
    await users.user(username="lena", display_name="LENA")
    await users.user(username="other", display_name="leNNy")

    assert sorted(usernames(await search(client, q))) == ["lena", "other"]


async def test_never_returns_emails(client: httpx.AsyncClient, users: UserFactory) -> None:
    await users.user(username="lena", email="lena@example.com")
    await users.user(username="max", email="lena.max@example.com")

    by_name = await search(client, "lena")
    by_email = await search(client, "lena.max@")

    assert usernames(by_name) == ["lena"]
    assert "@" not in by_name.text
    assert "email" not in by_name.text
    assert usernames(by_email) == []


async def test_banned_and_deleted_users_are_excluded(
    client: httpx.AsyncClient, users: UserFactory, rows: Rows
) -> None:
    await users.user(username="lena_ok")
    await users.user(username="lena_banned", is_active=False)
    deleted = await users.user(username="lena_deleted")
    await rows.set_user(deleted.id, deleted_at=deleted.created_at)

    assert usernames(await search(client, "lena")) == ["lena_ok"]


async def test_like_wildcards_are_literal(client: httpx.AsyncClient, users: UserFactory) -> None:
    await users.user(username="a_b", display_name="A B")
    await users.user(username="axb", display_name="100% real")
    await users.user(username="zed", display_name="1000 things")

    assert usernames(await search(client, "a_")) == ["a_b"]
    assert usernames(await search(client, "100%")) == ["axb"]
    assert usernames(await search(client, "%%")) == []


async def test_results_are_ordered_by_karma_and_cut_at_the_limit(
    client: httpx.AsyncClient, users: UserFactory
) -> None:
    for n, karma in enumerate([5, 50, 20, 1, 30]):
        await users.user(username=f"sam{n}", karma=karma)

    assert usernames(await search(client, "sam", limit=3)) == ["sam1", "sam4", "sam2"]
    assert len(usernames(await search(client, "sam"))) == 5


async def test_default_limit_is_ten_and_fifty_is_allowed(
    client: httpx.AsyncClient, users: UserFactory
) -> None:
    for n in range(12):
        await users.user(username=f"bulk{n:02d}")

    assert len(usernames(await search(client, "bulk"))) == 10
    assert len(usernames(await search(client, "bulk", limit=50))) == 12


@pytest.mark.parametrize("q", ["a", "", " a ", "  ", "x" * 51, "a\x00b"])
async def test_bad_query_is_422(client: httpx.AsyncClient, q: str) -> None:
    response = await search(client, q)

    assert response.status_code == 422
    assert [d["field"] for d in response.json()["details"]] == ["q"]


async def test_missing_query_is_422(client: httpx.AsyncClient) -> None:
    response = await client.get(SEARCH)

    assert response.status_code == 422
    assert [d["field"] for d in response.json()["details"]] == ["q"]


@pytest.mark.parametrize("limit", ["0", "-1", "51", "1000", "ten", "1.5"])
async def test_limit_out_of_bounds_is_422(client: httpx.AsyncClient, limit: str) -> None:
    response = await search(client, "lena", limit=limit)

    assert response.status_code == 422
    assert [d["field"] for d in response.json()["details"]] == ["limit"]


async def test_search_is_public_and_ignores_a_bad_token(
    make_client: Callable[[dict[str, str]], httpx.AsyncClient], users: UserFactory
) -> None:
    await users.user(username="lena")
    client = make_client({"Authorization": "Bearer not-a-token"})

    assert usernames(await search(client, "le")) == ["lena"]
