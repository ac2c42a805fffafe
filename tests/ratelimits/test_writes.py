"""Per-user write limits: the write past the limit is a 429 with Retry-After and writes nothing;
other users keep their own budget; an empty limit or RATE_LIMIT_ENABLED=false turns them off.

The runtime's limiter uses Redis when OXSHIP_TEST_REDIS_URL is set, memory otherwise.
"""

from __future__ import annotations

import uuid

import httpx
import pytest

from oxship.models import (
    ChainFollower,
    ChainPost,
    ChainPostReaction,
    Comment,
    CommentVote,
    DirectMessage,
    EventSubscriber,
    Vote,
)
from oxship.runtime import Runtime
from tests.chains.conftest import make_chain
from tests.events.conftest import make_event
from tests.factories.projects import ProjectFactory
from tests.factories.users import UserFactory
from tests.forum.helpers import posts_url, start_thread
from tests.ratelimits.conftest import assert_rate_limited, count_rows
from tests.support.databases import TEST_REDIS_URL

limits = pytest.mark.parametrize


@limits("settings_overrides", [{"rate_limit_votes": "3/minute"}])
async def test_votes_past_the_limit_are_refused_and_not_recorded(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime
) -> None:
    # Counted in Redis (shared by processes) in the Redis run, in memory otherwise.
    assert (type(runtime.limiter.storage).__name__ == "RedisStorage") is bool(TEST_REDIS_URL)
    owner = await users.user()
    p1, p2, p3, p4 = [await projects.project(owner) for _ in range(4)]
    voter = await users.actor()
    # Every vote route shares one budget.
    ok = [
        await voter.client.post("/api/votes", json={"project_id": p1["id"], "vote_type": "up"}),
        await voter.client.post(f"/api/projects/{p2['id']}/upvote"),
        await voter.client.post(f"/api/projects/{p3['id']}/downvote"),
    ]
    assert [r.status_code for r in ok] == [200, 200, 200]
    refused = await voter.client.post(f"/api/projects/{p4['id']}/upvote")
    assert_rate_limited(refused)
    assert await count_rows(runtime, Vote, project_id=uuid.UUID(p4["id"])) == 0
    refused_delete = await voter.client.delete(f"/api/projects/{p1['id']}/vote")
    assert_rate_limited(refused_delete)
    assert await count_rows(runtime, Vote, user_id=voter.user.id) == 3

    other = await users.actor()
    allowed = await other.client.post(f"/api/projects/{p4['id']}/upvote")
    assert allowed.status_code == 200
    assert await count_rows(runtime, Vote, project_id=uuid.UUID(p4["id"])) == 1


@limits("settings_overrides", [{"rate_limit_votes": "2/minute"}])
async def test_comment_votes_and_post_reactions_count_as_votes(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime
) -> None:
    owner = await users.actor()
    project = await projects.project(owner.user)
    created = await owner.client.post(
        "/api/comments", json={"project_id": project["id"], "content": "Nice"}
    )
    assert created.status_code == 201
    comment_id = created.json()["data"]["id"]
    chain = await make_chain(owner.client, "Reaction chain")
    post = await start_thread(owner.client, chain)

    voter = await users.actor()
    voted = await voter.client.post(f"/api/comments/{comment_id}/vote", json={"vote_type": "up"})
    assert voted.status_code == 200
    reacted = await voter.client.post(
        f"{posts_url(chain)}/{post['id']}/react", json={"reaction_type": "upvote"}
    )
    assert reacted.status_code == 200, reacted.text
    assert_rate_limited(await voter.client.post(f"/api/projects/{project['id']}/upvote"))
    assert await count_rows(runtime, Vote, user_id=voter.user.id) == 0
    assert await count_rows(runtime, CommentVote, user_id=voter.user.id) == 1
    assert await count_rows(runtime, ChainPostReaction, user_id=voter.user.id) == 1


@limits("settings_overrides", [{"rate_limit_comments": "2/minute"}])
async def test_comments_past_the_limit_are_refused_and_not_written(
    users: UserFactory, projects: ProjectFactory, runtime: Runtime
) -> None:
    owner = await users.user()
    project = await projects.project(owner)
    author = await users.actor()
    body = {"project_id": project["id"], "content": "First!"}
    first = await author.client.post("/api/comments", json=body)
    assert first.status_code == 201
    edited = await author.client.put(
        f"/api/comments/{first.json()['data']['id']}", json={"content": "First, edited"}
    )
    assert edited.status_code == 200  # edits share the budget
    assert_rate_limited(await author.client.post("/api/comments", json=body))
    assert await count_rows(runtime, Comment, user_id=author.user.id) == 1

    other = await users.actor()
    assert (await other.client.post("/api/comments", json=body)).status_code == 201
    assert await count_rows(runtime, Comment, project_id=uuid.UUID(project["id"])) == 2


@limits("settings_overrides", [{"rate_limit_posts": "2/minute"}])
async def test_posts_and_replies_past_the_limit_are_refused_and_not_written(
    users: UserFactory, runtime: Runtime
) -> None:
    owner = await users.actor()
    chain = await make_chain(owner.client, "Busy chain")
    author = await users.actor()
    thread = await start_thread(author.client, chain)
    reply = await author.client.post(
        posts_url(chain), json={"content": "and more", "parent_id": thread["id"]}
    )
    assert reply.status_code == 201
    refused = await author.client.post(
        posts_url(chain), json={"content": "one more", "parent_id": thread["id"]}
    )
    assert_rate_limited(refused)
    assert_rate_limited(
        await author.client.post(posts_url(chain), json={"title": "New", "content": "thread"})
    )
    assert await count_rows(runtime, ChainPost, author_id=author.user.id) == 2

    other = await users.actor()
    answer = await other.client.post(
        posts_url(chain), json={"content": "me too", "parent_id": thread["id"]}
    )
    assert answer.status_code == 201
    assert await count_rows(runtime, ChainPost, chain_id=uuid.UUID(chain["id"])) == 3


@limits("settings_overrides", [{"rate_limit_messages": "2/minute"}])
async def test_messages_past_the_limit_are_refused_and_not_sent(
    users: UserFactory, runtime: Runtime
) -> None:
    sender = await users.actor()
    recipient = await users.actor()
    body = {"recipient_id": str(recipient.user.id), "message": "hi"}
    for _ in range(2):
        assert (await sender.client.post("/api/messages/send", json=body)).status_code == 201
    assert_rate_limited(await sender.client.post("/api/messages/send", json=body))
    assert await count_rows(runtime, DirectMessage, sender_id=sender.user.id) == 2

    reply = {"recipient_id": str(sender.user.id), "message": "hello"}
    assert (await recipient.client.post("/api/messages/send", json=reply)).status_code == 201
    assert await count_rows(runtime, DirectMessage, sender_id=recipient.user.id) == 1


@limits("settings_overrides", [{"rate_limit_follows": "3/minute"}])
async def test_follows_and_subscriptions_past_the_limit_are_refused_and_not_written(
    users: UserFactory, runtime: Runtime
) -> None:
    owner = await users.actor()
    first = await make_chain(owner.client, "Followed chain")
    second = await make_chain(owner.client, "Other chain")
    event = await make_event(owner.client, "Limit jam")
    fan = await users.actor()
    assert (await fan.client.post(f"/api/chains/{first['slug']}/follow")).status_code == 200
    assert (await fan.client.delete(f"/api/chains/{first['slug']}/follow")).status_code == 200
    subscribed = await fan.client.post(f"/api/events/{event['slug']}/subscribe")
    assert subscribed.status_code == 200  # event subscriptions share the follow budget
    assert_rate_limited(await fan.client.post(f"/api/chains/{second['slug']}/follow"))
    assert_rate_limited(await fan.client.delete(f"/api/events/{event['slug']}/subscribe"))
    assert await count_rows(runtime, ChainFollower, user_id=fan.user.id) == 0
    assert await count_rows(runtime, EventSubscriber, user_id=fan.user.id) == 1

    other = await users.actor()
    assert (await other.client.post(f"/api/chains/{second['slug']}/follow")).status_code == 200
    assert await count_rows(runtime, ChainFollower, chain_id=uuid.UUID(second["id"])) == 1


@limits("settings_overrides", [{"rate_limit_messages": "1/minute"}])
async def test_an_anonymous_write_is_401_not_429(client: httpx.AsyncClient) -> None:
    body = {"recipient_id": str(uuid.uuid4()), "message": "hi"}
    for _ in range(3):
        assert (await client.post("/api/messages/send", json=body)).status_code == 401


@limits(
    "settings_overrides",
    [
        {"rate_limit_enabled": False, "rate_limit_messages": "1/minute"},
        {"rate_limit_messages": ""},
    ],
    ids=["switched-off", "empty-limit"],
)
async def test_write_limits_can_be_turned_off(users: UserFactory, runtime: Runtime) -> None:
    sender = await users.actor()
    recipient = await users.user()
    body = {"recipient_id": str(recipient.id), "message": "hi"}
    for _ in range(4):
        assert (await sender.client.post("/api/messages/send", json=body)).status_code == 201
    assert await count_rows(runtime, DirectMessage, sender_id=sender.user.id) == 4
