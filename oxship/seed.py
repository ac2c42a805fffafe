"""The demo dataset behind `oxship seed --demo`: a small, living platform for `make run`.

Everything is created through the services, so counters, scores, karma and notifications are exactly
what the API would have produced. Deterministic (fixed random seed).
"""

from __future__ import annotations

import random
import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select, update

from oxship.chains import membership as chain_membership
from oxship.chains import service as chains
from oxship.chains.schemas import ChainCreate
from oxship.comments import service as comments
from oxship.comments.schemas import CommentCreate
from oxship.db import transaction
from oxship.errors import OxshipError
from oxship.kit.clock import utcnow
from oxship.models import Project, User
from oxship.projects import service as projects
from oxship.projects.schemas import ProjectCreate
from oxship.runtime import Runtime
from oxship.saved import service as saved
from oxship.updates import service as updates
from oxship.updates.schemas import UpdateCreate
from oxship.users import service as users
from oxship.votes import service as votes

DEMO_PASSWORD = "demo-password-1"
NAMED_USERS: tuple[tuple[str, str, dict[str, bool]], ...] = (  # username, display name, roles
    ("admin", "Demo Admin", {"is_admin": True}),
    ("ada", "Ada Builder", {"email_verified": True}),
    ("grace", "Grace Validator", {"is_validator": True}),
    ("linus", "Linus Investor", {"is_investor": True}),
    ("margaret", "Margaret Hacker", {"github_connected": True}),
)
GENERATED_USERS = 35
PROJECTS = 200
VOTES = 1200
THREADS = 200
SAVES = 300
CATEGORIES = (
    "DeFi",
    "AI",
    "Gaming",
    "Social",
    "Infrastructure",
    "DAO",
    "NFT",
    "Privacy",
    "Climate",
)
TECH = ("Rust", "Solidity", "TypeScript", "Python", "Go", "React", "Move", "Cairo", "Zig", "WASM")
HACKATHONS = ("ETHGlobal Lisbon", "Solana Breakpoint", "HackMIT", "Junction", "TreeHacks")
WORDS = (
    "proof",
    "chain",
    "ledger",
    "oracle",
    "vault",
    "swarm",
    "relay",
    "beacon",
    "prism",
    "forge",
    "nexus",
    "pulse",
    "orbit",
    "quorum",
    "shard",
    "lumen",
    "atlas",
    "cipher",
    "echo",
    "flux",
)
COMMENTS = (
    "Love the idea, how do you handle key rotation?",
    "The demo is smooth. What was the hardest part to build?",
    "Great write-up of the architecture.",
    "Have you benchmarked this against the existing solutions?",
    "Would be keen to contribute, is the repo open?",
    "This solves a real problem for our team.",
)
CHAINS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("DeFi Builders", ("DeFi",)),
    ("AI Agents Guild", ("AI",)),
    ("Onchain Games", ("Gaming", "NFT")),
    ("Public Goods", ("DAO", "Climate")),
    ("Zero Knowledge Lab", ("Privacy", "Infrastructure")),
    ("Social Protocols", ("Social",)),
    ("Founders Circle", ("DeFi", "AI")),
)
UPDATE_TYPES = ("milestone", "feature_launch", "announcement", "hackathon_win", "partnership")


async def seed_demo(runtime: Runtime, *, only_if_empty: bool, scale: float = 1.0) -> str | None:
    """Create the demo platform; None when `only_if_empty` and users already exist."""
    size = max(0.01, scale)
    async with transaction(runtime) as session:
        if only_if_empty and (await session.scalar(select(func.count()).select_from(User))):
            return None
    rng = random.Random(42)
    people = await _users(runtime)
    project_ids = await _projects(runtime, rng, people, max(10, round(PROJECTS * size)))
    counts = await _engagement(runtime, rng, people, project_ids, size)
    counts.update(await _chains(runtime, rng, people, project_ids))
    return (
        f"{len(people)} users, {len(project_ids)} projects, {counts['votes']} votes, "
        f"{counts['comments']} comments, {counts['saves']} saves, {counts['updates']} updates, "
        f"{counts['chains']} chains with {counts['chain_projects']} projects "
        f"(password {DEMO_PASSWORD!r}, e.g. login 'ada')"
    )


async def _users(runtime: Runtime) -> list[User]:
    password_hash = await runtime.passwords.hash(DEMO_PASSWORD)
    people: list[User] = []
    generated: tuple[tuple[str, str, dict[str, bool]], ...] = tuple(
        (f"builder{i:02d}", f"Builder {i:02d}", {}) for i in range(1, GENERATED_USERS + 1)
    )
    async with transaction(runtime) as session:
        for username, display_name, flags in NAMED_USERS + generated:
            user = await users.create(
                session,
                email=f"{username}@demo.oxship.local",
                username=username,
                password_hash=password_hash,
                display_name=display_name,
            )
            if flags:
                await users.set_fields(session, user, **flags)
            people.append(user)
    return people


def _project_fields(rng: random.Random, i: int, people: list[User]) -> dict[str, Any]:
    name = f"{rng.choice(WORDS).title()}{rng.choice(WORDS)}"
    fields: dict[str, Any] = {
        "title": f"{name} #{i}",
        "tagline": f"{rng.choice(WORDS).title()} for the {rng.choice(WORDS)} economy",
        "description": (
            f"{name} is a hackathon project exploring {rng.choice(WORDS)} and "
            f"{rng.choice(WORDS)} primitives. "
        )
        * rng.randint(1, 6),
        "categories": rng.sample(CATEGORIES, rng.randint(1, 3)),
        "tech_stack": rng.sample(TECH, rng.randint(1, 4)),
        "hackathon_name": rng.choice(HACKATHONS),
    }
    if rng.random() < 0.6:
        fields["demo_url"] = f"https://{name.lower()}.demo.example.com"
    if rng.random() < 0.7:
        fields["github_url"] = f"https://github.com/demo/{name.lower()}"
    if rng.random() < 0.5:
        fields["screenshot_urls"] = [
            f"https://img.example.com/{name.lower()}/{n}.png" for n in range(rng.randint(1, 4))
        ]
    if rng.random() < 0.3:
        mate = rng.choice(people)
        fields["team_members"] = [{"name": mate.display_name, "role": "dev", "user_id": mate.id}]
    return fields


async def _projects(
    runtime: Runtime, rng: random.Random, people: list[User], how_many: int
) -> list[uuid.UUID]:
    ids: list[uuid.UUID] = []
    async with transaction(runtime) as session:
        for i in range(1, how_many + 1):
            owner = people[min(int(rng.paretovariate(1.2)) - 1, len(people) - 1)]
            data = ProjectCreate(**_project_fields(rng, i, people))
            created = await projects.create(session, owner=owner, data=data)
            ids.append(uuid.UUID(created["id"]))
        # Spread creation over the last 60 days so recency matters in the feed.
        now = utcnow()
        for project_id in ids:
            age = timedelta(days=rng.uniform(0, 60))
            await session.execute(
                update(Project).where(Project.id == project_id).values(created_at=now - age)
            )
            await projects.recompute(session, project_id)
    return ids


async def _engagement(
    runtime: Runtime,
    rng: random.Random,
    people: list[User],
    project_ids: list[uuid.UUID],
    size: float,
) -> dict[str, int]:
    counts = {"votes": 0, "comments": 0, "saves": 0, "updates": 0}
    # Popularity is skewed: a few projects get most of the attention.
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(project_ids))]
    async with transaction(runtime) as session:
        for _ in range(round(VOTES * size)):
            project_id = rng.choices(project_ids, weights)[0]
            voter = rng.choice(people)
            kind = "up" if rng.random() < 0.85 else "down"
            if await _quietly(
                votes.cast(session, user=voter, project_id=project_id, vote_type=kind)
            ):
                counts["votes"] += 1
    async with transaction(runtime) as session:
        for _ in range(round(THREADS * size)):
            project_id = rng.choices(project_ids, weights)[0]
            thread: list[uuid.UUID] = []
            for _depth in range(rng.randint(1, 4)):
                data = CommentCreate(
                    project_id=project_id,
                    content=rng.choice(COMMENTS),
                    parent_id=thread[-1] if thread and rng.random() < 0.7 else None,
                )
                made = await comments.create(session, user=rng.choice(people), data=data)
                thread.append(uuid.UUID(made["id"]))
                counts["comments"] += 1
    async with transaction(runtime) as session:
        for _ in range(round(SAVES * size)):
            project_id = rng.choices(project_ids, weights)[0]
            user = rng.choice(people)
            if await _quietly(saved.save(session, user=user, project_id=project_id)):
                counts["saves"] += 1
        for project_id in rng.sample(project_ids, min(len(project_ids), round(60 * size) or 1)):
            project = await projects.get_live(session, project_id)
            owner = await users.get(session, project.user_id)
            assert owner is not None
            kind = rng.choice(UPDATE_TYPES)
            news = UpdateCreate(
                update_type=kind,
                title=f"{kind.replace('_', ' ').title()} for {project.title}",
                content="We shipped a new version with faster proofs and a cleaner UI.",
                metadata={"metric": "users", "value": rng.randint(10, 5000)},
            )
            await updates.create(session, user=owner, project_id=project_id, data=news)
            counts["updates"] += 1
        admin = people[0]
        for project_id in project_ids[:5]:
            await projects.toggle_feature(session, project_id=project_id, admin=admin)
    return counts


async def _chains(
    runtime: Runtime, rng: random.Random, people: list[User], project_ids: list[uuid.UUID]
) -> dict[str, int]:
    counts = {"chains": 0, "chain_projects": 0}
    async with transaction(runtime) as session:
        for i, (name, categories) in enumerate(CHAINS):
            owner = people[(i * 7) % len(people)]
            data = ChainCreate(
                name=name,
                description=f"A community for {', '.join(categories)} builders to share their work.",
                categories=list(categories),
                requires_approval=i % 3 == 2,
                is_public=i != len(CHAINS) - 1,
            )
            chain = await chains.create(session, owner=owner, data=data)
            counts["chains"] += 1
            slug = chain["slug"]
            for fan in rng.sample(people, rng.randint(3, 15)):
                await _quietly(chains.follow(session, slug=slug, user=fan))
            for project_id in rng.sample(project_ids, min(len(project_ids), rng.randint(4, 12))):
                project = await projects.get_live(session, project_id)
                builder = await users.get(session, project.user_id)
                assert builder is not None
                try:
                    status, _ = await chain_membership.add(
                        session, slug=slug, user=builder, project_id=project_id, message=None
                    )
                except OxshipError:  # the project is already in 5 chains
                    continue
                counts["chain_projects"] += status == 201
    return counts


async def _quietly(work: Any) -> bool:
    """Run a service call whose refusal (own project, already saved…) is part of random data."""
    try:
        await work
    except OxshipError:
        return False
    return True
