"""Notification creation through the service: coalescing of votes and comments, own actions."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from oxship.db import transaction
from oxship.notifications import service
from oxship.runtime import Runtime
from tests.factories.projects import ProjectFactory
from tests.factories.users import UserFactory
from tests.notifications.conftest import Notes

LIST = "/api/notifications"


async def test_five_votes_within_an_hour_make_one_unread_notification_counting_five(
    users: UserFactory, projects: ProjectFactory, notes: Notes
) -> None:
    owner = await users.actor()
    project = await projects.project(owner.user, title="Solar ledger")
    for _ in range(5):
        await notes.vote(owner=owner.user, voter=await users.user(), project=project)

    response = await owner.client.get(LIST)

    assert response.status_code == 200
    body = response.json()
    [only] = body["data"]
    assert only["type"] == "vote"
    assert only["count"] == 5
    assert only["message"] == "5 new votes on “Solar ledger”"
    assert only["is_read"] is False
    assert only["project_id"] == project["id"]
    assert body["meta"]["unread_count"] == 1
    assert body["pagination"]["total"] == 1


async def test_first_vote_message_is_singular(
    users: UserFactory, projects: ProjectFactory, notes: Notes
) -> None:
    owner = await users.user()
    project = await projects.project(owner, title="Tiny thing")
    await notes.vote(owner=owner, voter=await users.user(), project=project)

    [row] = await notes.of(owner)

    assert row.message == "1 new vote on “Tiny thing”"
    assert row.count == 1


async def test_votes_on_two_projects_are_two_notifications(
    users: UserFactory, projects: ProjectFactory, notes: Notes
) -> None:
    owner = await users.user()
    first, second = await projects.project(owner), await projects.project(owner)
    voter = await users.user()
    await notes.vote(owner=owner, voter=voter, project=first)
    await notes.vote(owner=owner, voter=voter, project=second)
    await notes.vote(owner=owner, voter=await users.user(), project=second)

    rows = await notes.of(owner)

    assert sorted((r.project_id.hex, r.count) for r in rows if r.project_id) == sorted(
        [(uuid.UUID(first["id"]).hex, 1), (uuid.UUID(second["id"]).hex, 2)]
    )


async def test_a_vote_after_the_hour_starts_a_new_notification(
    users: UserFactory, projects: ProjectFactory, notes: Notes
) -> None:
    owner = await users.user()
    project = await projects.project(owner)
    await notes.vote(owner=owner, voter=await users.user(), project=project)
    await notes.vote(owner=owner, voter=await users.user(), project=project)
    await notes.age(owner, timedelta(minutes=61))

    await notes.vote(owner=owner, voter=await users.user(), project=project)

    assert [r.count for r in await notes.of(owner)] == [2, 1]


async def test_a_coalesced_vote_notification_is_updated_in_place_and_unread_again(
    users: UserFactory, projects: ProjectFactory, notes: Notes
) -> None:
    owner = await users.actor()
    project = await projects.project(owner.user)
    await notes.vote(owner=owner.user, voter=await users.user(), project=project)
    [before] = await notes.of(owner.user)
    assert (await owner.client.put(f"{LIST}/{before.id}/read")).status_code == 200

    await notes.vote(owner=owner.user, voter=await users.user(), project=project)

    [after] = await notes.of(owner.user)
    assert after.id == before.id
    assert after.count == 2
    assert after.is_read is False
    assert after.read_at is None
    assert after.updated_at > before.updated_at
    assert after.created_at == before.created_at


async def test_no_notification_for_a_vote_on_ones_own_project(
    users: UserFactory, projects: ProjectFactory, notes: Notes
) -> None:
    owner = await users.user()
    project = await projects.project(owner)

    await notes.vote(owner=owner, voter=owner, project=project)
    await notes.comment(owner=owner, author=owner, project=project)

    assert await notes.of(owner) == []
    assert notes.events("new_notification", owner) == []


async def test_no_notification_for_ones_own_action_through_notify(
    users: UserFactory, runtime: Runtime
) -> None:
    user = await users.user()
    async with transaction(runtime) as session:
        created = await service.notify(
            session, user_id=user.id, actor_id=user.id, type="system", title="t", message="m"
        )
        coalesced = await service.notify_coalesced(
            session,
            user_id=user.id,
            actor_id=user.id,
            type="vote",
            group_key="g",
            window=timedelta(hours=1),
            title="t",
            message_for=str,
        )

    assert created is None
    assert coalesced is None


async def test_each_notification_and_each_coalesced_update_is_pushed_to_the_users_room(
    users: UserFactory, projects: ProjectFactory, notes: Notes
) -> None:
    owner = await users.user()
    project = await projects.project(owner, title="Pushy")
    await notes.vote(owner=owner, voter=await users.user(), project=project)
    await notes.vote(owner=owner, voter=await users.user(), project=project)

    pushed = notes.events("new_notification", owner)

    assert [e.payload["count"] for e in pushed] == [1, 2]
    assert pushed[1].payload["message"] == "2 new votes on “Pushy”"
    assert pushed[0].payload["id"] == pushed[1].payload["id"]


async def test_a_rolled_back_action_leaves_no_notification_and_no_event(
    users: UserFactory, projects: ProjectFactory, notes: Notes, runtime: Runtime
) -> None:
    owner, voter = await users.user(), await users.user()
    project = await projects.project(owner)

    async def vote_then_fail() -> None:
        async with transaction(runtime) as session:
            await service.vote_received(
                session,
                owner_id=owner.id,
                voter_id=voter.id,
                project_id=uuid.UUID(project["id"]),
                project_title=project["title"],
            )
            raise RuntimeError("the vote failed")

    with pytest.raises(RuntimeError):
        await vote_then_fail()

    assert await notes.of(owner) == []
    assert notes.events("new_notification", owner) == []


async def test_the_first_three_comments_are_separate_then_they_coalesce_in_place(
    users: UserFactory, projects: ProjectFactory, notes: Notes
) -> None:
    owner = await users.actor()
    project = await projects.project(owner.user, title="Chatty")
    comment_ids = [
        await notes.comment(owner=owner.user, author=await users.user(), project=project)
        for _ in range(4)
    ]

    rows = await notes.of(owner.user)
    assert len(rows) == 4
    assert [r.comment_id for r in rows[:3]] == comment_ids[:3]
    assert all(r.count == 1 and r.type == "comment" for r in rows)
    batch = rows[3]
    assert batch.message == "1 more comment on “Chatty”"
    assert (await owner.client.put(f"{LIST}/{batch.id}/read")).status_code == 200

    await notes.comment(owner=owner.user, author=await users.user(), project=project)
    await notes.comment(owner=owner.user, author=await users.user(), project=project)

    rows_after = await notes.of(owner.user)
    assert len(rows_after) == 4
    updated = rows_after[3]
    assert updated.id == batch.id
    assert updated.count == 3
    assert updated.message == "3 more comments on “Chatty”"
    assert updated.is_read is False
    assert updated.updated_at > batch.updated_at
    unread = await owner.client.get(f"{LIST}/unread-count")
    assert unread.json()["data"]["unread_count"] == 4


async def test_comments_are_separate_again_once_the_ten_minutes_have_passed(
    users: UserFactory, projects: ProjectFactory, notes: Notes
) -> None:
    owner = await users.user()
    project = await projects.project(owner)
    for _ in range(3):
        await notes.comment(owner=owner, author=await users.user(), project=project)
    await notes.age(owner, timedelta(minutes=11))

    comment_id = await notes.comment(owner=owner, author=await users.user(), project=project)

    rows = await notes.of(owner)
    assert len(rows) == 4
    assert rows[-1].comment_id == comment_id
    assert rows[-1].group_key == f"comment:{project['id']}"


async def test_replies_coalesce_apart_from_comments(
    users: UserFactory, projects: ProjectFactory, notes: Notes
) -> None:
    owner = await users.user()
    project = await projects.project(owner, title="Threads")
    for _ in range(3):
        await notes.comment(owner=owner, author=await users.user(), project=project)
    for _ in range(5):
        await notes.comment(
            owner=owner, author=await users.user(), project=project, type="comment_reply"
        )

    rows = await notes.of(owner)

    assert [r.type for r in rows] == ["comment"] * 3 + ["comment_reply"] * 4
    assert rows[-1].count == 2
    assert rows[-1].message == "2 more replies on “Threads”"
