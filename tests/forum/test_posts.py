"""Threads and replies: create, read, edit, delete, pin, lock; counters and notifications."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from oxship.models import Notification
from oxship.runtime import Runtime
from tests.chains.conftest import make_chain
from tests.factories.users import UserFactory
from tests.forum.helpers import ForumRows, field_errors, posts_url, reply_to, start_thread


async def test_thread_create_and_read(
    users: UserFactory, client: httpx.AsyncClient, rows: ForumRows
) -> None:
    owner = await users.actor()
    chain = await make_chain(owner.client, "Forum chain")
    author = await users.actor()
    post = await start_thread(
        author.client,
        chain,
        title="  Launch day  ",
        content=" We shipped ",
        image_urls=["https://img.example.com/a.png"],
    )
    assert post["title"] == "Launch day"
    assert post["content"] == "We shipped"
    assert post["image_urls"] == ["https://img.example.com/a.png"]
    assert post["chain_id"] == chain["id"]
    assert post["author_id"] == str(author.user.id)
    assert post["author"]["username"] == author.user.username
    assert post["parent_id"] is None
    assert post["is_author"] is True
    assert post["user_reaction"] is None
    assert (post["comment_count"], post["total_replies"]) == (0, 0)
    assert post["created_at"].endswith("Z")
    assert await rows.post_count(chain) == 1
    detail = (await client.get(f"/api/chains/{chain['slug']}")).json()["data"]
    assert detail["post_count"] == 1

    listed = await client.get(posts_url(chain))
    assert listed.status_code == 200
    (item,) = listed.json()["data"]
    assert item["id"] == post["id"]
    assert item["is_author"] is False
    assert listed.json()["pagination"]["total"] == 1

    one = await client.get(f"{posts_url(chain)}/{post['id']}")
    assert one.status_code == 200
    data = one.json()["data"]
    assert data["replies"] == []
    assert data["replies_pagination"]["total"] == 0


async def test_replies_at_any_depth_move_every_ancestor(
    users: UserFactory, client: httpx.AsyncClient, rows: ForumRows, runtime: Runtime
) -> None:
    owner = await users.actor()
    chain = await make_chain(owner.client, "Deep chain")
    alice, bob = await users.actor(), await users.actor()
    root = await start_thread(alice.client, chain)
    first = await reply_to(bob.client, chain, root, "level 1")
    second = await reply_to(alice.client, chain, first, "level 2")
    third = await reply_to(bob.client, chain, second, "level 3")
    assert third["parent_id"] == second["id"]
    assert await rows.counters(root["id"]) == (1, 3, 0, 0)
    assert await rows.counters(first["id"]) == (1, 2, 0, 0)
    assert await rows.counters(second["id"]) == (1, 1, 0, 0)
    assert await rows.counters(third["id"]) == (0, 0, 0, 0)
    assert await rows.post_count(chain) == 4
    root_row = await rows.post(root["id"])
    third_row = await rows.post(third["id"])
    assert root_row.last_activity_at == third_row.created_at

    # Notifications: the parent's author, never the replier themself.
    async with runtime.sessionmaker() as session:
        notes = (
            await session.scalars(
                select(Notification).where(Notification.type == "chain_post_reply")
            )
        ).all()
    by_user = sorted((str(n.user_id), n.data["post_id"]) for n in notes)
    expected = sorted(
        [
            (str(alice.user.id), first["id"]),
            (str(bob.user.id), second["id"]),
            (str(alice.user.id), third["id"]),
        ]
    )
    assert by_user == expected
    note = next(n for n in notes if n.data["post_id"] == first["id"])
    assert note.data == {
        "chain_id": chain["id"],
        "chain_slug": chain["slug"],
        "post_id": first["id"],
        "parent_id": root["id"],
    }
    own = await reply_to(alice.client, chain, root, "self reply")
    async with runtime.sessionmaker() as session:
        mine = await session.scalars(
            select(Notification).where(Notification.type == "chain_post_reply")
        )
        assert own["id"] not in {n.data["post_id"] for n in mine.all()}

    # The list shows threads only; the detail the direct replies; replies pages too.
    listed = (await client.get(posts_url(chain))).json()["data"]
    assert [p["id"] for p in listed] == [root["id"]]
    detail = (await client.get(f"{posts_url(chain)}/{root['id']}?sort=new")).json()["data"]
    assert [r["id"] for r in detail["replies"]] == [own["id"], first["id"]]
    assert detail["replies_pagination"]["total"] == 2
    page = await client.get(f"{posts_url(chain)}/{first['id']}/replies")
    assert [r["id"] for r in page.json()["data"]] == [second["id"]]
    assert page.json()["pagination"]["total"] == 1
    reply_detail = await client.get(f"{posts_url(chain)}/{third['id']}")
    assert reply_detail.json()["data"]["parent_id"] == second["id"]


async def test_title_rules_and_parent_checks(users: UserFactory, rows: ForumRows) -> None:
    owner = await users.actor()
    chain = await make_chain(owner.client, "Rules chain")
    other = await make_chain(owner.client, "Other chain")
    url = posts_url(chain)
    assert field_errors(await owner.client.post(url, json={"content": "no title"})) == {"title"}
    root = await start_thread(owner.client, chain)
    with_title = {"title": "Nope", "content": "x", "parent_id": root["id"]}
    assert field_errors(await owner.client.post(url, json=with_title)) == {"title"}
    foreign = await start_thread(owner.client, other)
    body = {"content": "x", "parent_id": foreign["id"]}
    assert field_errors(await owner.client.post(url, json=body)) == {"parent_id"}
    body = {"content": "x", "parent_id": "00000000-0000-0000-0000-000000000000"}
    assert field_errors(await owner.client.post(url, json=body)) == {"parent_id"}
    assert (await owner.client.delete(f"{url}/{root['id']}")).status_code == 200
    body = {"content": "x", "parent_id": root["id"]}
    assert field_errors(await owner.client.post(url, json=body)) == {"parent_id"}
    assert await rows.post_count(chain) == 0


async def test_validation_errors_are_422(users: UserFactory, client: httpx.AsyncClient) -> None:
    owner = await users.actor()
    chain = await make_chain(owner.client, "Valid chain")
    url = posts_url(chain)
    post = owner.client.post
    assert field_errors(await post(url, json={"title": "ab", "content": "x"})) == {"title"}
    assert field_errors(await post(url, json={"title": "a" * 301, "content": "x"})) == {"title"}
    assert field_errors(await post(url, json={"title": "Fine", "content": "   "})) == {"content"}
    too_long = {"title": "Fine", "content": "x" * 10_001}
    assert field_errors(await post(url, json=too_long)) == {"content"}
    five = {"title": "Fine", "content": "x", "image_urls": ["https://a.example/x.png"] * 5}
    assert field_errors(await post(url, json=five)) == {"image_urls"}
    bad = {"title": "Fine", "content": "x", "image_urls": ["javascript:alert(1)"]}
    assert "image_urls" in {f.split(".")[0] for f in field_errors(await post(url, json=bad))}
    assert (await post(url, json={"title": "Fine"})).status_code == 422
    assert (await post(url, content=b"not json")).status_code == 422
    ok = await start_thread(owner.client, chain, title="abc", content="x" * 10_000)
    assert (await client.get(f"{url}?sort=sideways")).status_code == 422
    assert (await client.get(f"{url}?per_page=0")).status_code == 422
    assert (await client.get(f"{url}/not-a-uuid")).status_code == 422
    assert (await client.get(f"{url}/{ok['id']}/replies?sort=hot")).status_code == 422
    missing = "00000000-0000-0000-0000-000000000000"
    assert (await client.get(f"{url}/{missing}")).status_code == 404
    assert (await client.get(f"{url}/{missing}/replies")).status_code == 404
    assert (await client.get("/api/chains/no-such-chain/posts")).status_code == 404
    assert (await client.post(url, json={"title": "Anon", "content": "x"})).status_code == 401
    react = await post(f"{url}/{ok['id']}/react", json={"reaction_type": "love"})
    assert field_errors(react) == {"reaction_type"}


async def test_post_from_another_chain_is_404(
    users: UserFactory, client: httpx.AsyncClient
) -> None:
    owner = await users.actor()
    first = await make_chain(owner.client, "First forum")
    second = await make_chain(owner.client, "Second forum")
    post = await start_thread(owner.client, first)
    elsewhere = f"{posts_url(second)}/{post['id']}"
    assert (await client.get(elsewhere)).status_code == 404
    assert (await client.get(f"{elsewhere}/replies")).status_code == 404
    assert (await owner.client.put(elsewhere, json={"content": "x"})).status_code == 404
    assert (await owner.client.delete(elsewhere)).status_code == 404
    react = await owner.client.post(f"{elsewhere}/react", json={"reaction_type": "upvote"})
    assert react.status_code == 404
    assert (await owner.client.post(f"{elsewhere}/pin")).status_code == 404


async def test_edit_by_author_only(
    users: UserFactory, client: httpx.AsyncClient, rows: ForumRows
) -> None:
    owner = await users.actor()
    chain = await make_chain(owner.client, "Edit chain")
    author = await users.actor()
    admin = await users.admin()
    root = await start_thread(author.client, chain)
    url = f"{posts_url(chain)}/{root['id']}"
    for stranger in (owner, admin):
        assert (await stranger.client.put(url, json={"content": "hijack"})).status_code == 403
    edited = await author.client.put(
        url, json={"title": " New title ", "image_urls": ["http://x.example/i.png"]}
    )
    assert edited.status_code == 200, edited.text
    data = edited.json()["data"]
    assert (data["title"], data["content"]) == ("New title", "First post")
    assert data["image_urls"] == ["http://x.example/i.png"]
    assert data["is_edited"] is True
    assert data["is_author"] is True
    assert (await rows.post(root["id"])).is_edited is True
    assert field_errors(await author.client.put(url, json={"content": None})) == {"content"}
    assert field_errors(await author.client.put(url, json={"title": "ab"})) == {"title"}

    reply = await reply_to(author.client, chain, root)
    reply_url = f"{posts_url(chain)}/{reply['id']}"
    assert field_errors(await author.client.put(reply_url, json={"title": "Title"})) == {"title"}
    changed = await author.client.put(reply_url, json={"content": "changed"})
    assert changed.json()["data"]["content"] == "changed"
    assert (await author.client.delete(reply_url)).status_code == 200
    assert (await author.client.put(reply_url, json={"content": "again"})).status_code == 404
    assert (await client.put(url, json={"content": "anon"})).status_code == 401


async def test_delete_moves_counters_once_and_keeps_the_thread(
    users: UserFactory, client: httpx.AsyncClient, rows: ForumRows
) -> None:
    owner = await users.actor()
    chain = await make_chain(owner.client, "Delete chain")
    alice, bob = await users.actor(), await users.actor()
    root = await start_thread(alice.client, chain)
    mid = await reply_to(bob.client, chain, root, "middle")
    leaf = await reply_to(alice.client, chain, mid, "leaf")
    other = await reply_to(alice.client, chain, root, "other")
    assert await rows.counters(root["id"]) == (2, 3, 0, 0)
    assert await rows.post_count(chain) == 4

    assert (await alice.client.delete(f"{posts_url(chain)}/{mid['id']}")).status_code == 403
    gone = await bob.client.delete(f"{posts_url(chain)}/{mid['id']}")
    assert gone.status_code == 200
    assert gone.json()["data"] == {"id": mid["id"], "deleted": True}
    assert await rows.counters(root["id"]) == (1, 2, 0, 0)
    assert await rows.counters(mid["id"]) == (1, 1, 0, 0)
    assert await rows.post_count(chain) == 3
    again = await bob.client.delete(f"{posts_url(chain)}/{mid['id']}")
    assert again.status_code == 404
    assert await rows.counters(root["id"]) == (1, 2, 0, 0)
    assert await rows.post_count(chain) == 3

    # The deleted reply keeps its place (it has a live reply) as [deleted].
    detail = (await client.get(f"{posts_url(chain)}/{root['id']}?sort=new")).json()["data"]
    shown = {r["id"]: r for r in detail["replies"]}
    assert set(shown) == {mid["id"], other["id"]}
    placeholder = shown[mid["id"]]
    assert placeholder["content"] == "[deleted]"
    assert placeholder["title"] is None
    assert (placeholder["author"], placeholder["author_id"]) == (None, None)
    assert placeholder["image_urls"] == []
    assert placeholder["is_deleted"] is True
    leaf_page = (await client.get(f"{posts_url(chain)}/{mid['id']}/replies")).json()["data"]
    assert [r["id"] for r in leaf_page] == [leaf["id"]]

    # The chain owner and admins may delete too; a reply-less deleted post leaves the lists.
    assert (await owner.client.delete(f"{posts_url(chain)}/{other['id']}")).status_code == 200
    admin = await users.admin()
    assert (await admin.client.delete(f"{posts_url(chain)}/{leaf['id']}")).status_code == 200
    assert await rows.counters(root["id"]) == (0, 0, 0, 0)
    detail = (await client.get(f"{posts_url(chain)}/{root['id']}")).json()["data"]
    assert detail["replies"] == []
    assert await rows.post_count(chain) == await rows.live_posts(chain) == 1


async def test_deleted_threads_show_only_while_replies_remain(
    users: UserFactory, client: httpx.AsyncClient, rows: ForumRows
) -> None:
    owner = await users.actor()
    chain = await make_chain(owner.client, "Gone chain")
    lonely = await start_thread(owner.client, chain, title="Lonely")
    busy = await start_thread(owner.client, chain, title="Busy")
    await reply_to(owner.client, chain, busy)
    for post in (lonely, busy):
        assert (await owner.client.delete(f"{posts_url(chain)}/{post['id']}")).status_code == 200
    listed = (await client.get(posts_url(chain))).json()
    assert [p["id"] for p in listed["data"]] == [busy["id"]]
    assert listed["data"][0]["title"] == "[deleted]"
    assert listed["pagination"]["total"] == 1
    # A deleted post still answers by id, as a placeholder.
    one = (await client.get(f"{posts_url(chain)}/{lonely['id']}")).json()["data"]
    assert (one["is_deleted"], one["content"], one["author"]) == (True, "[deleted]", None)
    assert await rows.post_count(chain) == 1


async def test_lists_sort_and_paginate(users: UserFactory, client: httpx.AsyncClient) -> None:
    owner = await users.actor()
    chain = await make_chain(owner.client, "Sorted chain")
    fans = [await users.actor() for _ in range(3)]
    old = await start_thread(owner.client, chain, title="Old one")
    mid = await start_thread(owner.client, chain, title="Middle one")
    new = await start_thread(owner.client, chain, title="New one")
    for fan in fans:
        react = await fan.client.post(
            f"{posts_url(chain)}/{old['id']}/react", json={"reaction_type": "upvote"}
        )
        assert react.status_code == 200
    down = await fans[0].client.post(
        f"{posts_url(chain)}/{new['id']}/react", json={"reaction_type": "downvote"}
    )
    assert down.status_code == 200
    await reply_to(owner.client, chain, mid)

    async def order(query: str) -> list[str]:
        response = await client.get(f"{posts_url(chain)}?{query}")
        assert response.status_code == 200
        return [p["id"] for p in response.json()["data"]]

    assert await order("sort=new") == [new["id"], mid["id"], old["id"]]
    assert await order("sort=top") == [old["id"], mid["id"], new["id"]]
    assert await order("sort=active") == [mid["id"], new["id"], old["id"]]
    assert (await order(""))[0] == old["id"]  # hot: +3 outweighs seconds of recency
    page = await client.get(f"{posts_url(chain)}?sort=new&per_page=2&page=2")
    assert [p["id"] for p in page.json()["data"]] == [old["id"]]
    assert page.json()["pagination"] == {
        "page": 2,
        "per_page": 2,
        "total": 3,
        "total_pages": 2,
        "has_next": False,
        "has_prev": True,
    }

    pin = await owner.client.post(f"{posts_url(chain)}/{new['id']}/pin")
    assert pin.status_code == 200
    assert pin.json()["data"] == {"id": new["id"], "is_pinned": True}
    for sort in ("hot", "new", "top", "active"):
        assert (await order(f"sort={sort}"))[0] == new["id"]
    unpin = await owner.client.post(f"{posts_url(chain)}/{new['id']}/pin")
    assert unpin.json()["data"]["is_pinned"] is False
    assert (await order("sort=top"))[0] == old["id"]


async def test_pin_and_lock_are_for_the_chain_owner(
    users: UserFactory, client: httpx.AsyncClient, rows: ForumRows
) -> None:
    owner = await users.actor()
    chain = await make_chain(owner.client, "Mod chain")
    author = await users.actor()
    root = await start_thread(author.client, chain)
    reply = await reply_to(author.client, chain, root)
    url = posts_url(chain)
    for path in ("pin", "lock"):
        assert (await author.client.post(f"{url}/{root['id']}/{path}")).status_code == 403
        assert (await client.post(f"{url}/{root['id']}/{path}")).status_code == 401
    assert field_errors(await owner.client.post(f"{url}/{reply['id']}/pin")) == {"post_id"}
    admin = await users.admin()
    pinned = await admin.client.post(f"{url}/{root['id']}/pin")
    assert pinned.json()["data"]["is_pinned"] is True
    assert (await rows.post(root["id"])).is_pinned is True

    locked = await owner.client.post(f"{url}/{root['id']}/lock")
    assert locked.status_code == 200
    assert locked.json()["data"] == {"id": root["id"], "is_locked": True}
    # A locked thread refuses replies at any depth, to everyone.
    for target in (root, reply):
        body = {"content": "late", "parent_id": target["id"]}
        for who in (author, owner):
            refused = await who.client.post(url, json=body)
            assert refused.status_code == 403, refused.text
    assert await rows.counters(root["id"]) == (1, 1, 0, 0)
    listed = (await client.get(url)).json()["data"]
    assert listed[0]["is_locked"] is True
    unlocked = await owner.client.post(f"{url}/{root['id']}/lock")
    assert unlocked.json()["data"]["is_locked"] is False
    await reply_to(author.client, chain, reply)

    # Locking a reply closes only its own branch.
    assert (await owner.client.post(f"{url}/{reply['id']}/lock")).status_code == 200
    body = {"content": "x", "parent_id": reply["id"]}
    assert (await author.client.post(url, json=body)).status_code == 403
    await reply_to(author.client, chain, root)
    assert await rows.post_count(chain) == await rows.live_posts(chain) == 4


async def test_pin_and_lock_can_be_set_explicitly(users: UserFactory, rows: ForumRows) -> None:
    owner = await users.actor()
    chain = await make_chain(owner.client, "Set chain")
    root = await start_thread(owner.client, chain)
    url = f"{posts_url(chain)}/{root['id']}"
    for _ in range(2):  # setting is idempotent, unlike toggling
        pinned = await owner.client.post(f"{url}/pin", json={"is_pinned": True})
        assert pinned.json()["data"] == {"id": root["id"], "is_pinned": True}
        locked = await owner.client.post(f"{url}/lock", json={"is_locked": True})
        assert locked.json()["data"] == {"id": root["id"], "is_locked": True}
    row = await rows.post(root["id"])
    assert (row.is_pinned, row.is_locked) == (True, True)
    unlocked = await owner.client.post(f"{url}/lock", json={"is_locked": False})
    assert unlocked.json()["data"]["is_locked"] is False
    assert field_errors(await owner.client.post(f"{url}/pin", json={"is_pinned": "x"}))
