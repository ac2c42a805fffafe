"""The cache warmer: warmed URLs are hits on first read, re-warm after bumps, leader lock, switch."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from oxship.kit.outbox import drain_background
from oxship.leaderboards import endpoints as leaderboard_endpoints
from oxship.runtime import Runtime
from oxship.warmer import jobs
from oxship.warmer.service import HOT_URLS, TOP_PROFILES
from tests.chains.conftest import make_chain
from tests.factories.projects import ProjectFactory
from tests.factories.users import UserFactory
from tests.forum.helpers import start_thread
from tests.warmer.conftest import HITS, assert_all_hits, cache_counts, delta, make_warmer

REQUESTS = "oxship_cache_requests_total"
WARMER_REQUESTS = "oxship_cache_warmer_requests_total"
FEED_FAMILIES = {"feed", "leaderboard", "chains", "events", "investors"}


async def _some_projects(users: UserFactory, projects: ProjectFactory) -> None:
    owner = await users.user()
    for n in range(3):
        await projects.project(owner, title=f"Warm project {n}")


async def _a_chain_with_a_thread(users: UserFactory) -> dict[str, Any]:
    founder = await users.actor()
    chain = await make_chain(founder.client, "Warm chain")
    await start_thread(founder.client, chain, title="Hot thread")
    return chain


async def test_warm_pass_makes_the_first_read_of_every_hot_url_a_hit(
    app: FastAPI,
    runtime: Runtime,
    client: httpx.AsyncClient,
    users: UserFactory,
    projects: ProjectFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await _some_projects(users, projects)
    chain = await _a_chain_with_a_thread(users)
    # The boards live 5 s; a pass plus the reads below can take longer on a loaded machine.
    monkeypatch.setattr(leaderboard_endpoints, "TTL", 120)
    warmer = make_warmer(app, runtime)

    before = await cache_counts(client)
    result = await warmer.run_pass()
    after_warm = await cache_counts(client)
    top = (await client.get("/api/leaderboard/users")).json()["data"]

    assert result is not None
    assert result.ok, result.statuses
    # The fixed hot URLs, then the top builders' profiles and the trending chains' threads.
    follow_ups = [f"/api/users/{u['username']}" for u in top[:TOP_PROFILES]]
    follow_ups.append(f"/api/chains/{chain['slug']}/posts")
    assert len(top) >= 2
    assert set(result.statuses) == set(HOT_URLS) | set(follow_ups)
    touched = {ns for names in result.namespaces.values() for ns in names}
    assert touched >= FEED_FAMILIES
    assert all(result.namespaces[url] for url in result.statuses)  # every URL is a cached one
    # The warmer's own lookups are counted apart: hit/miss figures do not move.
    assert delta(before, after_warm, REQUESTS) == {}
    warmed = delta(before, after_warm, WARMER_REQUESTS)
    assert sum(v for (_, result_), v in warmed.items() if result_ == "miss") >= len(result.statuses)

    for url in result.statuses:
        first = await cache_counts(client)
        response = await client.get(url)
        assert response.status_code == 200, url
        changes = delta(first, await cache_counts(client), REQUESTS)
        assert changes, url
        assert all(result_ in HITS for (_, result_) in changes), (url, changes)


async def test_without_warming_the_first_read_is_a_miss(
    app: FastAPI, client: httpx.AsyncClient, users: UserFactory, projects: ProjectFactory
) -> None:
    # The control of the test above: the same read, unwarmed, misses.
    await _some_projects(users, projects)
    before = await cache_counts(client)
    assert (await client.get("/api/projects")).status_code == 200
    assert delta(before, await cache_counts(client), REQUESTS) == {("feed", "miss"): 1}


async def test_a_warm_pass_leaves_what_is_cached_untouched(
    app: FastAPI, runtime: Runtime, client: httpx.AsyncClient
) -> None:
    warmer = make_warmer(app, runtime)
    first = await warmer.warm()
    before = await cache_counts(client)
    second = await warmer.warm()
    changes = delta(before, await cache_counts(client), WARMER_REQUESTS)
    assert first.ok
    assert second.ok
    assert_all_hits(changes)


@pytest.mark.committed
async def test_a_write_that_bumps_the_feed_is_rewarmed_before_the_next_read(
    app: FastAPI, runtime: Runtime, client: httpx.AsyncClient, users: UserFactory
) -> None:
    warmer = make_warmer(app, runtime)
    warmer.listen()
    try:
        assert (await warmer.warm()).ok
        owner = await users.actor()
        created = await owner.client.post(
            "/api/projects", json={"title": "Fresh after write", "description": "d" * 50}
        )
        assert created.status_code == 201
        await drain_background()
        await warmer.settle()
        assert warmer.rewarms >= 1

        before = await cache_counts(client)
        feed = await client.get("/api/projects?sort=newest")
        changes = delta(before, await cache_counts(client), REQUESTS)
        assert feed.status_code == 200
        assert [p["title"] for p in feed.json()["data"]] == ["Fresh after write"]
        assert_all_hits(changes)
    finally:
        await warmer.close()


@pytest.mark.committed
async def test_a_warmed_profile_is_rewarmed_after_its_owner_edits_it(
    app: FastAPI, runtime: Runtime, client: httpx.AsyncClient, users: UserFactory
) -> None:
    builder = await users.actor()
    warmer = make_warmer(app, runtime)
    warmer.listen()
    try:
        result = await warmer.warm()
        profile = f"/api/users/{builder.user.username}"
        assert result.ok
        assert profile in result.statuses  # a follow-up of the users leaderboard

        edited = await builder.client.put("/api/users/profile", json={"bio": "Rewarmed bio"})
        assert edited.status_code == 200
        await drain_background()
        await warmer.settle()

        before = await cache_counts(client)
        read = await client.get(profile)
        assert read.json()["data"]["bio"] == "Rewarmed bio"
        assert_all_hits(delta(before, await cache_counts(client), REQUESTS))
    finally:
        await warmer.close()


@pytest.mark.committed
async def test_without_the_bump_listener_the_read_after_a_write_misses(
    app: FastAPI, runtime: Runtime, client: httpx.AsyncClient, users: UserFactory
) -> None:
    warmer = make_warmer(app, runtime)  # warmed once, but not listening for bumps
    assert (await warmer.warm()).ok
    owner = await users.actor()
    created = await owner.client.post(
        "/api/projects", json={"title": "Fresh after write", "description": "d" * 50}
    )
    assert created.status_code == 201
    await drain_background()
    before = await cache_counts(client)
    assert (await client.get("/api/projects?sort=newest")).status_code == 200
    assert delta(before, await cache_counts(client), REQUESTS) == {("feed", "miss"): 1}
    assert warmer.rewarms == 0


@pytest.mark.committed
async def test_bumps_in_a_burst_are_rewarmed_once_per_gap(
    app: FastAPI, runtime: Runtime, client: httpx.AsyncClient
) -> None:
    warmer = make_warmer(app, runtime, rewarm_delay=0.5, rewarm_min_gap=1.0)
    warmer.listen()
    try:
        assert (await warmer.warm()).ok
        for _ in range(5):
            await runtime.cache.bump(["feed"])
        await warmer.settle()
        assert warmer.rewarms == 1
        await runtime.cache.bump(["investors"])  # another namespace: its own re-warm at once
        await runtime.cache.bump(["not-hot"])  # no hot URL lives there: nothing to do
        await warmer.settle()
        assert warmer.rewarms == 2
        before = await cache_counts(client)
        assert (await client.get("/api/investors/stats")).status_code == 200
        assert (await client.get("/api/projects")).status_code == 200
        changes = delta(before, await cache_counts(client), REQUESTS)
        assert set(changes) <= {("investors", r) for r in HITS} | {("feed", r) for r in HITS}
        assert changes
    finally:
        await warmer.close()


async def test_two_warmers_sharing_redis_warm_once_per_interval(
    app: FastAPI, runtime: Runtime, settings: Any
) -> None:
    if runtime.redis is None:
        pytest.skip(
            "the leader lock is a Redis lock; CI's PostgreSQL + Redis pass runs this "
            "(embedded mode is covered by test_without_redis_every_process_is_its_own_leader)"
        )
    other_runtime = Runtime.build(settings, engine=runtime.engine)
    await other_runtime.start()
    try:
        one = make_warmer(app, runtime, interval=60)
        two = make_warmer(app, other_runtime, interval=60)
        results = await asyncio.gather(one.run_pass(), two.run_pass())
        assert sorted(r is None for r in results) == [False, True]
        assert one.passes + two.passes == 1
        assert await one.run_pass() is None
        assert await two.run_pass() is None
        leader = f"{settings.cache_prefix}:warmer:leader"
        assert 0 < await runtime.redis.pttl(leader) <= 60_000
        await runtime.redis.pexpire(leader, 50)  # fast-forward to the next interval
        await asyncio.sleep(0.1)
        results = await asyncio.gather(two.run_pass(), one.run_pass())
        assert sorted(r is None for r in results) == [False, True]
        assert one.passes + two.passes == 2
    finally:
        await other_runtime.close()


async def test_without_redis_every_process_is_its_own_leader(
    app: FastAPI, runtime: Runtime
) -> None:
    if runtime.redis is not None:
        pytest.skip(
            "without Redis each process leads: CI's SQLite pass (no Redis) runs this; the Redis "
            "leader lock is test_two_warmers_sharing_redis_warm_once_per_interval"
        )
    warmer = make_warmer(app, runtime)
    assert await warmer.run_pass() is not None
    assert await warmer.run_pass() is not None
    assert warmer.passes == 2


async def test_the_loop_warms_once_per_interval_until_stopped(
    app: FastAPI, runtime: Runtime
) -> None:
    warmer = make_warmer(app, runtime, interval=0.3)
    stop = asyncio.Event()
    task = asyncio.create_task(warmer.run_forever(stop))
    loop = asyncio.get_running_loop()
    started = loop.time()
    for _ in range(1000):  # the pass at start, then the next one
        if warmer.passes >= 2:
            break
        await asyncio.sleep(0.01)
    elapsed = loop.time() - started
    stop.set()
    await asyncio.wait_for(task, timeout=10)
    assert warmer.passes == 2
    assert elapsed >= 0.3  # the second pass waited for its interval
    assert not runtime.cache._bump_listeners  # stopped: no longer listening for bumps


class TestLifespan:
    """The web process's lifespan starts the warmer when enabled."""

    @pytest.fixture
    def settings_overrides(self, request: pytest.FixtureRequest) -> dict[str, Any]:
        return {"gc_thresholds": "", **getattr(request, "param", {})}

    @pytest.mark.committed
    async def test_enabled_warms_at_startup(self, app: FastAPI, client: httpx.AsyncClient) -> None:
        async with app.router.lifespan_context(app):
            warmer = app.state.warmer
            assert warmer is not None
            for _ in range(200):
                if warmer.passes:
                    break
                await asyncio.sleep(0.05)
            assert warmer.passes == 1
            before = await cache_counts(client)
            assert (await client.get("/api/events")).status_code == 200
            changes = delta(before, await cache_counts(client), REQUESTS)
            assert_all_hits(changes)

    @pytest.mark.committed
    @pytest.mark.parametrize("settings_overrides", [{"cache_warmer_enabled": False}], indirect=True)
    async def test_disabled_warms_nothing(
        self, app: FastAPI, runtime: Runtime, client: httpx.AsyncClient
    ) -> None:
        before = await cache_counts(client)
        async with app.router.lifespan_context(app):
            assert app.state.warmer is None
            assert jobs.start(app, runtime) is None
            await asyncio.sleep(0.3)
            await runtime.cache.bump(["feed"])
            await asyncio.sleep(0.3)
        assert delta(before, await cache_counts(client), WARMER_REQUESTS) == {}
        assert (await client.get("/api/events")).status_code == 200
        assert delta(before, await cache_counts(client), REQUESTS) == {("events", "miss"): 1}


@pytest.mark.committed
async def test_a_bump_from_another_process_is_rewarmed_by_one_listener(
    app: FastAPI, runtime: Runtime, settings: Any, client: httpx.AsyncClient
) -> None:
    if runtime.redis is None:
        pytest.skip(
            "bumps reach other processes only through Redis: CI's PostgreSQL + Redis pass runs this"
        )
    writer = Runtime.build(settings, engine=runtime.engine)
    listener = Runtime.build(settings, engine=runtime.engine)
    await writer.start()
    await listener.start()
    one = make_warmer(app, runtime)
    two = make_warmer(app, listener)
    one.listen()
    two.listen()
    try:
        assert (await one.warm()).ok
        await writer.cache.bump(["feed"])  # announced on the channel, not made by either warmer
        for _ in range(100):
            if one._flusher is not None or two._flusher is not None:
                break
            await asyncio.sleep(0.02)
        await one.settle()
        await two.settle()
        assert one.rewarms + two.rewarms == 1  # one re-warm per namespace version
        before = await cache_counts(client)
        assert (await client.get("/api/projects")).status_code == 200
        changes = delta(before, await cache_counts(client), REQUESTS)
        assert_all_hits(changes)
    finally:
        await one.close()
        await two.close()
        await writer.close()
        await listener.close()
