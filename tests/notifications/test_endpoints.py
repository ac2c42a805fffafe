"""The notification routes: the caller's own rows only, filters, counts, and the unread push."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.factories.projects import ProjectFactory
from tests.factories.users import Actor, UserFactory
from tests.notifications.conftest import Notes

LIST = "/api/notifications"
SOME_ID = "0190a0b0-0000-7000-8000-000000000001"


async def _ids(client: httpx.AsyncClient, **params: Any) -> list[str]:
    response = await client.get(LIST, params=params)
    assert response.status_code == 200, response.text
    return [n["id"] for n in response.json()["data"]]


@pytest.fixture
async def alice(users: UserFactory) -> Actor:
    """The caller of most tests."""
    return await users.actor()


@pytest.fixture
async def bob(users: UserFactory) -> Actor:
    """Someone else, with notifications of his own."""
    return await users.actor()


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", LIST),
        ("GET", f"{LIST}/unread-count"),
        ("POST", f"{LIST}/read-all"),
        ("PUT", f"{LIST}/{SOME_ID}/read"),
        ("DELETE", f"{LIST}/{SOME_ID}"),
        ("DELETE", f"{LIST}/all"),
    ],
)
async def test_every_route_needs_a_user(client: httpx.AsyncClient, method: str, path: str) -> None:
    response = await client.request(method, path)

    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"


async def test_list_is_the_callers_own_latest_activity_first(
    alice: Actor, bob: Actor, notes: Notes
) -> None:
    first = await notes.notify(alice.user, title="first")
    second = await notes.notify(alice.user, type="badge", title="second")
    await notes.notify(bob.user, title="not alice's")

    response = await alice.client.get(LIST)

    assert response.status_code == 200
    body = response.json()
    assert [n["id"] for n in body["data"]] == [str(second), str(first)]
    assert body["pagination"] == {
        "page": 1,
        "per_page": 20,
        "total": 2,
        "total_pages": 1,
        "has_next": False,
        "has_prev": False,
    }
    assert body["meta"] == {"unread_count": 2}
    assert response.headers["Cache-Control"] == "private, no-store"
    item = body["data"][0]
    assert item["type"] == "badge"
    assert item["is_read"] is False
    assert item["read_at"] is None
    assert item["created_at"].endswith("Z")


async def test_a_coalesced_notification_moves_to_the_top_when_it_grows(
    alice: Actor, users: UserFactory, projects: ProjectFactory, notes: Notes
) -> None:
    project = await projects.project(alice.user)
    await notes.vote(owner=alice.user, voter=await users.user(), project=project)
    later = await notes.notify(alice.user, title="later")
    await notes.vote(owner=alice.user, voter=await users.user(), project=project)

    response = await alice.client.get(LIST)

    assert [n["type"] for n in response.json()["data"]] == ["vote", "system"]
    assert response.json()["data"][1]["id"] == str(later)


async def test_pagination_pages_through_the_list(alice: Actor, notes: Notes) -> None:
    made = [await notes.notify(alice.user, title=f"n{i}") for i in range(5)]

    page2 = await alice.client.get(LIST, params={"page": 2, "per_page": 2})

    body = page2.json()
    assert [n["id"] for n in body["data"]] == [str(made[2]), str(made[1])]
    assert body["pagination"]["total"] == 5
    assert body["pagination"]["total_pages"] == 3
    assert body["pagination"]["has_next"] is True
    assert body["pagination"]["has_prev"] is True


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page": 0}, "page"),
        ({"per_page": 101}, "per_page"),
        ({"per_page": "many"}, "per_page"),
        ({"unread_only": "perhaps"}, "unread_only"),
        ({"types": "vote,nonsense"}, "types"),
        ({"types": "x" * 1001}, "types"),
    ],
)
async def test_bad_query_parameters_are_422(
    alice: Actor, params: dict[str, Any], field: str
) -> None:
    response = await alice.client.get(LIST, params=params)

    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "validation_error"
    assert body["details"][0]["field"] == field


async def test_an_unknown_type_is_named_in_the_error(alice: Actor) -> None:
    response = await alice.client.get(LIST, params={"types": "vote, nonsense"})

    assert response.json()["details"] == [
        {"field": "types", "message": "unknown notification type: nonsense"}
    ]


async def test_unread_only_lists_unread_notifications(alice: Actor, notes: Notes) -> None:
    read = await notes.notify(alice.user)
    unread = await notes.notify(alice.user)
    assert (await alice.client.put(f"{LIST}/{read}/read")).status_code == 200

    response = await alice.client.get(LIST, params={"unread_only": "true"})

    assert [n["id"] for n in response.json()["data"]] == [str(unread)]
    assert response.json()["pagination"]["total"] == 1
    assert response.json()["meta"]["unread_count"] == 1
    assert await _ids(alice.client, unread_only="false") == [str(unread), str(read)]


async def test_types_filter_takes_a_comma_list(alice: Actor, notes: Notes) -> None:
    vote = await notes.notify(alice.user, type="vote")
    badge = await notes.notify(alice.user, type="badge")
    await notes.notify(alice.user, type="message")

    assert await _ids(alice.client, types="vote") == [str(vote)]
    assert await _ids(alice.client, types=" badge , VOTE ") == [str(badge), str(vote)]
    assert len(await _ids(alice.client, types="")) == 3
    assert await _ids(alice.client, types="comment") == []
    filtered = await alice.client.get(LIST, params={"types": "vote"})
    assert filtered.json()["meta"]["unread_count"] == 3  # all unread, whatever the filter


async def test_unread_only_and_types_combine(alice: Actor, notes: Notes) -> None:
    old_vote = await notes.notify(alice.user, type="vote")
    new_vote = await notes.notify(alice.user, type="vote")
    await notes.notify(alice.user, type="badge")
    await alice.client.put(f"{LIST}/{old_vote}/read")

    assert await _ids(alice.client, types="vote", unread_only="true") == [str(new_vote)]


async def test_unread_count_counts_only_the_callers_unread(
    alice: Actor, bob: Actor, notes: Notes
) -> None:
    first = await notes.notify(alice.user)
    await notes.notify(alice.user)
    await notes.notify(bob.user)
    await alice.client.put(f"{LIST}/{first}/read")

    response = await alice.client.get(f"{LIST}/unread-count")

    assert response.status_code == 200
    assert response.json()["data"] == {"unread_count": 1}
    assert response.headers["Cache-Control"] == "private, no-store"


async def test_read_one_marks_it_and_pushes_the_unread_count(alice: Actor, notes: Notes) -> None:
    target = await notes.notify(alice.user)
    await notes.notify(alice.user)
    [before] = [n for n in await notes.of(alice.user) if n.id == target]

    response = await alice.client.put(f"{LIST}/{target}/read")

    assert response.status_code == 200
    data = response.json()["data"]
    assert data["id"] == str(target)
    assert data["is_read"] is True
    assert data["read_at"] is not None
    [after] = [n for n in await notes.of(alice.user) if n.id == target]
    assert after.updated_at == before.updated_at  # reading is not activity
    assert after.read_at is not None
    [pushed] = notes.events("notifications:unread", alice.user)
    assert pushed.payload == {"count": 1}


async def test_reading_twice_keeps_the_first_read_time(alice: Actor, notes: Notes) -> None:
    target = await notes.notify(alice.user)
    first = await alice.client.put(f"{LIST}/{target}/read")

    again = await alice.client.put(f"{LIST}/{target}/read")

    assert again.status_code == 200
    assert again.json()["data"]["read_at"] == first.json()["data"]["read_at"]


async def test_someone_elses_notification_cannot_be_read_or_deleted(
    alice: Actor, bob: Actor, notes: Notes
) -> None:
    bobs = await notes.notify(bob.user)

    read = await alice.client.put(f"{LIST}/{bobs}/read")
    deleted = await alice.client.delete(f"{LIST}/{bobs}")

    assert read.status_code == 404
    assert deleted.status_code == 404
    assert read.json()["error"] == "not_found"
    [row] = await notes.of(bob.user)
    assert row.is_read is False
    assert notes.events("notifications:unread", alice.user) == []
    assert notes.events("notifications:unread", bob.user) == []


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
async def test_unknown_or_malformed_ids(alice: Actor, method: str) -> None:
    suffix = "/read" if method == "PUT" else ""

    unknown = await alice.client.request(method, f"{LIST}/{uuid.uuid4()}{suffix}")
    malformed = await alice.client.request(method, f"{LIST}/not-a-uuid{suffix}")

    assert unknown.status_code == 404
    assert malformed.status_code == 422
    assert malformed.json()["details"][0]["field"] == "notification_id"


async def test_read_all_marks_only_the_callers_notifications(
    alice: Actor, bob: Actor, notes: Notes
) -> None:
    for _ in range(3):
        await notes.notify(alice.user)
    await notes.notify(bob.user)

    response = await alice.client.post(f"{LIST}/read-all")
    again = await alice.client.post(f"{LIST}/read-all")

    assert response.status_code == 200
    assert response.json()["data"] == {"marked": 3, "unread_count": 0}
    assert again.json()["data"] == {"marked": 0, "unread_count": 0}
    assert all(n.is_read and n.read_at for n in await notes.of(alice.user))
    assert [n.is_read for n in await notes.of(bob.user)] == [False]
    assert [e.payload for e in notes.events("notifications:unread", alice.user)] == [
        {"count": 0},
        {"count": 0},
    ]


async def test_delete_one_removes_it_and_pushes_the_unread_count(
    alice: Actor, notes: Notes
) -> None:
    target = await notes.notify(alice.user)
    kept = await notes.notify(alice.user)

    response = await alice.client.delete(f"{LIST}/{target}")
    again = await alice.client.delete(f"{LIST}/{target}")

    assert response.status_code == 200
    assert response.json()["data"] == {"deleted": True, "unread_count": 1}
    assert again.status_code == 404
    assert [n.id for n in await notes.of(alice.user)] == [kept]
    assert [e.payload for e in notes.events("notifications:unread", alice.user)] == [{"count": 1}]


async def test_delete_all_removes_only_the_callers_notifications(
    alice: Actor, bob: Actor, notes: Notes
) -> None:
    await notes.notify(alice.user)
    await notes.notify(alice.user)
    await notes.notify(bob.user)

    response = await alice.client.delete(f"{LIST}/all")

    assert response.status_code == 200
    assert response.json()["data"] == {"deleted": 2, "unread_count": 0}
    assert await notes.of(alice.user) == []
    assert len(await notes.of(bob.user)) == 1
    assert [e.payload for e in notes.events("notifications:unread", alice.user)] == [{"count": 0}]
    listed = await alice.client.get(LIST)
    assert listed.json()["data"] == []
    assert listed.json()["meta"] == {"unread_count": 0}


@pytest.mark.parametrize("per_page", [1, 20, 100])
async def test_the_list_runs_the_same_statements_whatever_the_page_size(
    alice: Actor, notes: Notes, query_count: Callable[[int], Any], per_page: int
) -> None:
    for kind in ("vote", "badge", "system", "message", "comment"):
        await notes.notify(alice.user, type=kind)

    # token session lookup, page count, page rows, unread count
    with query_count(4):
        response = await alice.client.get(
            LIST, params={"per_page": per_page, "types": "vote,badge"}
        )

    assert response.status_code == 200
