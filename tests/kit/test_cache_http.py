"""Cached JSON over HTTP: ETag and 304, Cache-Control, read-your-writes, per-caller overlays."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request
from starlette.responses import Response

from oxship.kit.cache import CacheDep, cached_json
from oxship.kit.envelope import success
from tests.factories.users import UserFactory

PUBLIC = "public, max-age=0, must-revalidate"
PRIVATE = "private, max-age=0, must-revalidate"


async def _profile(client: httpx.AsyncClient, username: str, **headers: str) -> httpx.Response:
    return await client.get(f"/api/users/{username}", headers=headers)


async def test_a_profile_has_an_etag_and_public_cache_headers(
    client: httpx.AsyncClient, users: UserFactory
) -> None:
    user = await users.user()
    response = await _profile(client, user.username)
    assert response.status_code == 200
    etag = response.headers["etag"]
    assert etag.startswith('"')
    assert etag.endswith('"')
    assert len(etag) > 10
    assert response.headers["cache-control"] == PUBLIC
    assert "Authorization" in response.headers["vary"]
    again = await _profile(client, user.username)
    assert again.headers["etag"] == etag
    assert again.content == response.content


@pytest.mark.parametrize(
    "form",
    [
        pytest.param("{etag}", id="exact"),
        pytest.param("W/{etag}", id="weak"),
        pytest.param('"stale-1", {etag}, "stale-2"', id="list"),
        pytest.param('"stale-1",W/{etag}', id="list-weak"),
        pytest.param("*", id="star"),
    ],
)
async def test_a_matching_if_none_match_is_304(
    client: httpx.AsyncClient, users: UserFactory, form: str
) -> None:
    user = await users.user()
    etag = (await _profile(client, user.username)).headers["etag"]
    response = await _profile(client, user.username, **{"If-None-Match": form.format(etag=etag)})
    assert response.status_code == 304
    assert response.content == b""
    assert response.headers["etag"] == etag
    assert response.headers["cache-control"] == PUBLIC


@pytest.mark.parametrize("value", ['"not-it"', 'W/"not-it"', "", '"a", "b"'])
async def test_a_different_if_none_match_gets_the_body(
    client: httpx.AsyncClient, users: UserFactory, value: str
) -> None:
    user = await users.user()
    response = await _profile(client, user.username, **{"If-None-Match": value})
    assert response.status_code == 200
    assert response.json()["data"]["username"] == user.username


async def test_an_update_changes_the_etag_and_the_writer_reads_its_write(
    client: httpx.AsyncClient, users: UserFactory
) -> None:
    owner = await users.actor()
    username = owner.user.username
    before = await _profile(client, username)
    old_etag = before.headers["etag"]

    put = await owner.client.put("/api/users/profile", json={"display_name": "Renamed Person"})
    assert put.status_code == 200

    mine = await _profile(owner.client, username)
    assert mine.json()["data"]["display_name"] == "Renamed Person"
    anonymous = await _profile(client, username, **{"If-None-Match": old_etag})
    assert anonymous.status_code == 200, "the old ETag must no longer match"
    assert anonymous.json()["data"]["display_name"] == "Renamed Person"
    assert anonymous.headers["etag"] != old_etag
    revalidated = await _profile(client, username, **{"If-None-Match": anonymous.headers["etag"]})
    assert revalidated.status_code == 304


@pytest.mark.parametrize("viewer_kind", ["owner", "admin"])
async def test_a_personalised_view_is_never_served_to_anonymous_callers(
    client: httpx.AsyncClient, users: UserFactory, viewer_kind: str
) -> None:
    owner = await users.actor()
    viewer = owner if viewer_kind == "owner" else await users.admin()
    username, email = owner.user.username, owner.user.email

    # The personalised view is computed first, so its anonymous base is what fills the cache.
    personal = await _profile(viewer.client, username)
    assert personal.status_code == 200
    assert personal.json()["data"]["email"] == email
    assert personal.headers["cache-control"] == PRIVATE

    anonymous = await _profile(client, username)
    assert anonymous.status_code == 200
    assert anonymous.json()["data"].get("email") is None
    assert email not in anonymous.text
    assert anonymous.headers["cache-control"] == PUBLIC
    assert anonymous.headers["etag"] != personal.headers["etag"]
    stolen = await _profile(client, username, **{"If-None-Match": personal.headers["etag"]})
    assert stolen.status_code == 200, "a personalised ETag must not validate the public body"

    # …and the personalised view still carries the email when it is served after the public one.
    again = await _profile(viewer.client, username)
    assert again.json()["data"]["email"] == email
    assert again.headers["etag"] == personal.headers["etag"]


async def test_another_signed_in_user_gets_the_public_view(
    client: httpx.AsyncClient, users: UserFactory
) -> None:
    owner = await users.user()
    stranger = await users.actor()
    response = await _profile(stranger.client, owner.username)
    assert response.status_code == 200
    assert response.json()["data"].get("email") is None
    assert owner.email not in response.text
    assert response.headers["etag"] == (await _profile(client, owner.username)).headers["etag"]


# ---- the cache key of a request ---------------------------------------------------------------

LOADS: list[dict[str, Any]] = []


async def echo_query(request: Request, cache: CacheDep) -> Response:
    """A throwaway cached route whose body is its query parameters."""

    async def load() -> dict[str, Any]:
        params = dict(request.query_params)
        LOADS.append(params)
        return success(params)

    return await cached_json(request, cache, namespaces=["echo"], ttl=60, load=load)


@pytest.fixture
def echo_app(app: FastAPI) -> FastAPI:
    LOADS.clear()
    app.add_api_route("/test/echo", echo_query, methods=["GET"])
    return app


@pytest.mark.usefixtures("echo_app")
async def test_equivalent_queries_share_an_entry(client: httpx.AsyncClient) -> None:
    first = await client.get("/test/echo?a=1&b=2")
    second = await client.get("/test/echo?b=2&a=1")
    assert first.json()["data"] == second.json()["data"] == {"a": "1", "b": "2"}
    assert len(LOADS) == 1


@pytest.mark.usefixtures("echo_app")
async def test_different_queries_never_share_an_entry(client: httpx.AsyncClient) -> None:
    split = await client.get("/test/echo?a=1&b=2")
    # One parameter whose value contains `&b=2` is a different request from two parameters.
    joined = await client.get("/test/echo?a=1%26b%3D2")
    assert split.json()["data"] == {"a": "1", "b": "2"}
    assert joined.json()["data"] == {"a": "1&b=2"}
    assert len(LOADS) == 2
