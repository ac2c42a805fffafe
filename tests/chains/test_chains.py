"""Chains: create, list, detail, update, delete, follow, followers, feature, recommendations."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update

from oxship.kit.clock import utcnow
from oxship.models import Chain, Notification
from oxship.runtime import Runtime
from tests.chains.conftest import chain_body, make_chain
from tests.factories.users import UserFactory


async def test_create_returns_the_chain_with_a_slug(users: UserFactory) -> None:
    owner = await users.actor()
    body = chain_body(
        "  Rust Builders  ",
        categories=["Rust", "rust", "Tools"],
        social_links={"twitter": "@rb", "website": "https://rb.dev"},
        logo_url="https://img.example/logo.png",
        rules="Be kind",
    )
    response = await owner.client.post("/api/chains", json=body)
    assert response.status_code == 201, response.text
    chain = response.json()["data"]
    assert chain["name"] == "Rust Builders"
    assert chain["slug"] == "rust-builders"
    assert chain["categories"] == ["Rust", "Tools"]
    assert chain["social_links"]["website"] == "https://rb.dev"
    assert chain["is_public"] is True
    assert chain["requires_approval"] is False
    assert chain["is_owner"] is True
    assert chain["status"] == "active"
    assert chain["creator"]["username"] == owner.user.username


async def test_create_needs_a_user(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/chains", json=chain_body("Anon chain"))
    assert response.status_code == 401


@pytest.mark.parametrize(
    "fields",
    [
        {"name": "ab"},
        {"name": "x" * 101},
        {"description": "too short"},
        {"description": "d" * 5001},
        {"banner_url": "ftp://x.example/a.png"},
        {"logo_url": "javascript:alert(1)"},
        {"categories": [f"c{i}" for i in range(11)]},
        {"categories": ["c" * 51]},
        {"rules": "r" * 5001},
        {"social_links": {"website": "not a url"}},
    ],
)
async def test_create_limits(users: UserFactory, fields: dict[str, Any]) -> None:
    owner = await users.actor()
    response = await owner.client.post("/api/chains", json={**chain_body("Valid name"), **fields})
    assert response.status_code == 422, response.text


async def test_duplicate_name_in_any_case_is_409_and_slugs_get_suffixes(
    users: UserFactory,
) -> None:
    owner = await users.actor()
    await make_chain(owner.client, "Web3 Builders")
    for name in ("web3 builders", "WEB3 BUILDERS", " Web3 Builders "):
        response = await owner.client.post("/api/chains", json=chain_body(name))
        assert response.status_code == 409, response.text
    assert (await make_chain(owner.client, "Web3 Builders!"))["slug"] == "web3-builders-2"
    assert (await make_chain(owner.client, "Web3-Builders"))["slug"] == "web3-builders-3"
    assert (await make_chain(owner.client, "!!!"))["slug"] == "chain"


async def test_list_sorts_filters_and_overlay(
    users: UserFactory, client: httpx.AsyncClient
) -> None:
    owner = await users.actor()
    fan = await users.actor()
    a = await make_chain(owner.client, "Alpha chain", categories=["AI"])
    b = await make_chain(owner.client, "Beta chain", categories=["Games"])
    c = await make_chain(fan.client, "Gamma chain", categories=["ai", "Games"])
    await make_chain(owner.client, "Hidden chain", is_public=False)
    assert (await fan.client.post(f"/api/chains/{b['slug']}/follow")).status_code == 200

    listed = (await client.get("/api/chains")).json()
    assert listed["pagination"]["total"] == 3
    assert listed["data"][0]["slug"] == b["slug"]  # trending: the followed one first
    assert all(not item["is_following"] for item in listed["data"])

    alpha = (await client.get("/api/chains", params={"sort": "alphabetical"})).json()["data"]
    assert [x["slug"] for x in alpha] == [a["slug"], b["slug"], c["slug"]]
    newest = (await client.get("/api/chains", params={"sort": "newest"})).json()["data"]
    assert newest[0]["slug"] == c["slug"]
    most = (await client.get("/api/chains", params={"sort": "most_followers"})).json()["data"]
    assert most[0]["slug"] == b["slug"]
    assert (await client.get("/api/chains", params={"sort": "most_projects"})).status_code == 200
    assert (await client.get("/api/chains", params={"sort": "bogus"})).status_code == 422

    ai = (await client.get("/api/chains", params={"category": "ai"})).json()["data"]
    assert {x["slug"] for x in ai} == {a["slug"], c["slug"]}
    found = (await client.get("/api/chains", params={"search": "GAMMA"})).json()["data"]
    assert [x["slug"] for x in found] == [c["slug"]]
    mine = (await client.get("/api/chains", params={"creator_id": str(fan.user.id)})).json()["data"]
    assert [x["slug"] for x in mine] == [c["slug"]]

    seen = (await fan.client.get("/api/chains", params={"sort": "alphabetical"})).json()["data"]
    flags = {x["slug"]: (x["is_following"], x["is_owner"]) for x in seen}
    assert flags == {
        a["slug"]: (False, False),
        b["slug"]: (True, False),
        c["slug"]: (False, True),
    }


async def test_featured_filter_and_toggle(users: UserFactory, runtime: Runtime) -> None:
    owner = await users.actor()
    admin = await users.admin()
    chain = await make_chain(owner.client, "Featured one")
    assert (await owner.client.post(f"/api/chains/{chain['slug']}/feature")).status_code == 403
    response = await admin.client.post(f"/api/chains/{chain['slug']}/feature")
    assert response.json()["data"] == {"is_featured": True}
    listed = (await owner.client.get("/api/chains", params={"featured": "true"})).json()["data"]
    assert [x["slug"] for x in listed] == [chain["slug"]]
    response = await admin.client.post(f"/api/chains/{chain['slug']}/feature")
    assert response.json()["data"] == {"is_featured": False}
    async with runtime.sessionmaker() as session:
        types = (
            await session.scalars(
                select(Notification.type).where(Notification.user_id == owner.user.id)
            )
        ).all()
    assert list(types) == ["chain_featured"]


async def test_visibility_modes(users: UserFactory, client: httpx.AsyncClient) -> None:
    owner = await users.actor()
    fan = await users.actor()
    admin = await users.admin()
    private = await make_chain(owner.client, "Private club", is_public=False)
    public = await make_chain(fan.client, "Open club")

    mine = (await owner.client.get("/api/chains", params={"visibility": "mine"})).json()["data"]
    assert [x["slug"] for x in mine] == [private["slug"]]
    fan_mine = (await fan.client.get("/api/chains", params={"visibility": "mine"})).json()
    assert [x["slug"] for x in fan_mine["data"]] == [public["slug"]]
    assert (await client.get("/api/chains", params={"visibility": "mine"})).status_code == 401
    assert (await fan.client.get("/api/chains", params={"visibility": "all"})).status_code == 403
    everything = (await admin.client.get("/api/chains", params={"visibility": "all"})).json()
    assert {x["slug"] for x in everything["data"]} == {private["slug"], public["slug"]}


async def test_private_chain_is_invisible_to_outsiders(
    users: UserFactory, client: httpx.AsyncClient
) -> None:
    owner = await users.actor()
    outsider = await users.actor()
    admin = await users.admin()
    chain = await make_chain(owner.client, "Secret society", is_public=False)
    slug = chain["slug"]

    for caller in (client, outsider.client):
        assert (await caller.get(f"/api/chains/{slug}")).status_code == 404
        assert (await caller.get(f"/api/chains/{slug}/followers")).status_code == 404
        listed = (await caller.get("/api/chains")).json()["data"]
        assert slug not in {x["slug"] for x in listed}
    assert (await outsider.client.post(f"/api/chains/{slug}/follow")).status_code == 404

    for caller in (owner.client, admin.client):
        assert (await caller.get(f"/api/chains/{slug}")).status_code == 200
        assert (await caller.get(f"/api/chains/{slug}/followers")).status_code == 200
    # the admin follows; from then on a follower sees it
    assert (await admin.client.post(f"/api/chains/{slug}/follow")).status_code == 200
    mine = (await admin.client.get("/api/chains", params={"visibility": "mine"})).json()["data"]
    assert [x["slug"] for x in mine] == [slug]


async def test_detail_counts_views_and_has_stats(
    users: UserFactory, client: httpx.AsyncClient
) -> None:
    owner = await users.actor()
    chain = await make_chain(owner.client, "Viewed chain")
    first = (await client.get(f"/api/chains/{chain['slug']}")).json()["data"]
    second = (await owner.client.get(f"/api/chains/{chain['slug']}")).json()["data"]
    assert (first["view_count"], second["view_count"]) == (1, 2)
    assert first["stats"] == {"total_views": 0, "total_upvotes": 0, "avg_proof_score": 0.0}
    assert first["is_owner"] is False
    assert second["is_owner"] is True
    assert (await client.get("/api/chains/no-such-chain")).status_code == 404


async def test_update_by_owner_or_admin_and_rename_keeps_slug(users: UserFactory) -> None:
    owner = await users.actor()
    other = await users.actor()
    admin = await users.admin()
    chain = await make_chain(owner.client, "Old name")
    await make_chain(other.client, "Taken name")
    slug = chain["slug"]

    assert (await other.client.put(f"/api/chains/{slug}", json={"rules": "x"})).status_code == 403
    taken = await owner.client.put(f"/api/chains/{slug}", json={"name": "TAKEN NAME"})
    assert taken.status_code == 409
    renamed = await owner.client.put(
        f"/api/chains/{slug}", json={"name": "New name", "categories": ["X"]}
    )
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["data"]["slug"] == slug
    assert renamed.json()["data"]["name"] == "New name"
    same_case = await owner.client.put(f"/api/chains/{slug}", json={"name": "NEW NAME"})
    assert same_case.status_code == 200
    by_admin = await admin.client.put(f"/api/chains/{slug}", json={"description": "Admin words."})
    assert by_admin.json()["data"]["description"] == "Admin words."
    bad = await owner.client.put(f"/api/chains/{slug}", json={"name": None})
    assert bad.status_code == 422
    # the old name is free again
    assert (await make_chain(other.client, "Old name"))["slug"] == "old-name-2"


async def test_soft_delete(users: UserFactory, client: httpx.AsyncClient) -> None:
    owner = await users.actor()
    other = await users.actor()
    chain = await make_chain(owner.client, "Short lived")
    slug = chain["slug"]
    assert (await other.client.delete(f"/api/chains/{slug}")).status_code == 403
    assert (await owner.client.delete(f"/api/chains/{slug}")).status_code == 200
    assert (await client.get(f"/api/chains/{slug}")).status_code == 404
    assert (await owner.client.delete(f"/api/chains/{slug}")).status_code == 404
    assert (await client.get("/api/chains")).json()["pagination"]["total"] == 0
    admin = await users.admin()
    again = await make_chain(owner.client, "Another chain")
    assert (await admin.client.delete(f"/api/chains/{again['slug']}")).status_code == 200


async def test_follow_unfollow_and_followers(
    users: UserFactory, client: httpx.AsyncClient, runtime: Runtime
) -> None:
    owner = await users.actor()
    fan = await users.actor()
    chain = await make_chain(owner.client, "Followed chain")
    slug = chain["slug"]
    response = await fan.client.post(f"/api/chains/{slug}/follow")
    assert response.json()["data"] == {"follower_count": 1}
    assert (await fan.client.post(f"/api/chains/{slug}/follow")).status_code == 409
    assert (await owner.client.post(f"/api/chains/{slug}/follow")).json()["data"] == {
        "follower_count": 2
    }
    followers = (await client.get(f"/api/chains/{slug}/followers")).json()
    assert followers["pagination"]["total"] == 2
    assert {f["username"] for f in followers["data"]} == {
        fan.user.username,
        owner.user.username,
    }
    detail = (await fan.client.get(f"/api/chains/{slug}")).json()["data"]
    assert detail["is_following"] is True
    assert detail["follower_count"] == 2

    assert (await fan.client.delete(f"/api/chains/{slug}/follow")).json()["data"] == {
        "follower_count": 1
    }
    assert (await fan.client.delete(f"/api/chains/{slug}/follow")).status_code == 404
    assert (await client.post(f"/api/chains/{slug}/follow")).status_code == 401

    async with runtime.sessionmaker() as session:
        types = (
            await session.scalars(
                select(Notification.type).where(Notification.user_id == owner.user.id)
            )
        ).all()
    assert list(types) == ["chain_follower"]  # not for the owner's own follow


async def test_user_following_hides_private_chains_from_others(
    users: UserFactory, client: httpx.AsyncClient
) -> None:
    owner = await users.actor()
    fan = await users.actor()
    public = await make_chain(owner.client, "Public follow")
    private = await make_chain(owner.client, "Private follow", is_public=False)
    assert (await owner.client.post(f"/api/chains/{public['slug']}/follow")).status_code == 200
    assert (await owner.client.post(f"/api/chains/{private['slug']}/follow")).status_code == 200
    url = f"/api/chains/user/{owner.user.id}/following"
    own = (await owner.client.get(url)).json()["data"]
    assert {x["slug"] for x in own} == {public["slug"], private["slug"]}
    assert all(x["is_following"] for x in own)
    for caller in (client, fan.client):
        seen = (await caller.get(url)).json()["data"]
        assert [x["slug"] for x in seen] == [public["slug"]]
    assert (await client.get("/api/chains/user/not-a-uuid/following")).status_code == 422


async def test_suspended_chain_is_read_only_until_its_time_ends(
    users: UserFactory, runtime: Runtime, sessionmaker: Any
) -> None:
    owner = await users.actor()
    fan = await users.actor()
    admin = await users.admin()
    chain = await make_chain(owner.client, "Suspended chain")
    slug = chain["slug"]

    async def set_status(status: str, until: Any) -> None:
        async with sessionmaker() as session:
            await session.execute(
                update(Chain).where(Chain.slug == slug).values(status=status, suspended_until=until)
            )
            await session.commit()

    await set_status("suspended", utcnow() + timedelta(days=1))
    assert (await fan.client.post(f"/api/chains/{slug}/follow")).status_code == 403
    assert (await owner.client.put(f"/api/chains/{slug}", json={"rules": "x"})).status_code == 403
    detail = (await fan.client.get(f"/api/chains/{slug}")).json()["data"]
    assert detail["status"] == "suspended"
    assert (await admin.client.post(f"/api/chains/{slug}/follow")).status_code == 200

    await set_status("banned", None)
    assert (await fan.client.post(f"/api/chains/{slug}/follow")).status_code == 403

    await set_status("suspended", utcnow() - timedelta(seconds=1))
    detail = (await fan.client.get(f"/api/chains/{slug}")).json()["data"]
    assert detail["status"] == "active"
    assert (await fan.client.post(f"/api/chains/{slug}/follow")).status_code == 200


async def test_recommendations(users: UserFactory, client: httpx.AsyncClient) -> None:
    owner = await users.actor()
    fan = await users.actor()
    names = [f"Rec chain {i}" for i in range(8)]
    made = [
        await make_chain(owner.client, name, categories=["AI"] if i == 7 else ["Other"])
        for i, name in enumerate(names)
    ]
    await make_chain(owner.client, "Rec private", is_public=False, categories=["AI"])
    assert (await fan.client.post(f"/api/chains/{made[3]['slug']}/follow")).status_code == 200
    recs = (await client.get("/api/chains/recommendations", params={"categories": "ai,ml"})).json()
    slugs = [x["slug"] for x in recs["data"]]
    assert len(slugs) == 6
    assert slugs[0] == made[7]["slug"]  # category overlap first
    assert slugs[1] == made[3]["slug"]  # then trending
    assert "rec-private" not in slugs
    plain = (await client.get("/api/chains/recommendations")).json()["data"]
    assert plain[0]["slug"] == made[3]["slug"]


async def test_pagination_params_are_validated(client: httpx.AsyncClient) -> None:
    for params in ({"page": "x"}, {"per_page": 0}, {"per_page": 101}):
        assert (await client.get("/api/chains", params=params)).status_code == 422


@pytest.mark.parametrize("authenticated", [False, True])
async def test_list_statement_count_is_fixed(
    users: UserFactory,
    client: httpx.AsyncClient,
    query_count: Callable[[int], Any],
    authenticated: bool,
) -> None:
    owner = await users.actor()
    for i in range(25):
        await make_chain(owner.client, f"Counted chain {i:02}")
    caller = owner.client if authenticated else client
    for per_page in (1, 20, 100):
        # anonymous: count + page; a user adds the token lookup and one follow lookup
        with query_count(4 if authenticated else 2):
            response = await caller.get("/api/chains", params={"per_page": per_page})
        assert response.status_code == 200
        assert len(response.json()["data"]) == min(per_page, 25)


async def test_cached_list_is_shared_but_overlaid_and_bumped_by_writes(
    users: UserFactory, client: httpx.AsyncClient
) -> None:
    owner = await users.actor()
    fan = await users.actor()
    chain = await make_chain(owner.client, "Cached chain")
    first = await client.get("/api/chains")
    assert first.json()["data"][0]["follower_count"] == 0
    assert first.headers["ETag"]
    again = await client.get("/api/chains", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert (await fan.client.post(f"/api/chains/{chain['slug']}/follow")).status_code == 200
    anonymous = (await client.get("/api/chains")).json()["data"][0]
    assert anonymous["follower_count"] == 1
    assert anonymous["is_following"] is False
    mine = await fan.client.get("/api/chains")
    assert mine.json()["data"][0]["is_following"] is True
    assert mine.headers["Cache-Control"].startswith("private")
    other = (await owner.client.get("/api/chains")).json()["data"][0]
    assert (other["is_following"], other["is_owner"]) == (False, True)
    assert (
        await owner.client.put(f"/api/chains/{chain['slug']}", json={"name": "Renamed"})
    ).status_code == 200
    assert (await client.get("/api/chains")).json()["data"][0]["name"] == "Renamed"
