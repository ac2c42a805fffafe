"""The benchmark dataset behind `oxship seed --bench [--scale F]` (issue 7).

At scale 1.0: 10k users, 100k projects, 1M votes, 300k comments, 500 chains with 50k memberships
(25k chain projects + 25k followers), 50k chain posts, 200 events, 2k investors, 200k direct
messages and 500k notifications, with Zipf skew (a few projects get most votes and comments, a few
users do most of the acting). Unlike the demo seed it does not go through the services: every row is
generated in memory first, every denormalized counter, score and karma is computed from those rows
with the same formulas (`projects/scoring.py`, `forum/scoring.py`), then each table is bulk-loaded
(`COPY` via asyncpg on PostgreSQL, `executemany` in one transaction on SQLite). Deterministic for a
given scale and seed, except `now`. Every user's password is `BENCH_PASSWORD` (hashed once).
"""

from __future__ import annotations

import itertools
import json
import random
import uuid
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from oxship.db import transaction
from oxship.forum.scoring import hot_score
from oxship.kit.clock import utcnow
from oxship.models import (
    Chain,
    ChainFollower,
    ChainPost,
    ChainProject,
    Comment,
    Conversation,
    DirectMessage,
    Event,
    EventProject,
    EventSubscriber,
    InvestorProfile,
    InvestorTag,
    Notification,
    Project,
    ProjectTag,
    User,
    Vote,
)
from oxship.projects.scoring import ScoreInputs, proof_scores, trending_score
from oxship.runtime import Runtime
from oxship.seed import CATEGORIES, HACKATHONS, TECH, WORDS

BENCH_PASSWORD = "bench-password-1"
BENCH_EMAIL_DOMAIN = "bench.oxship.local"
FULL = {  # rows at scale 1.0
    "users": 10_000,
    "projects": 100_000,
    "votes": 1_000_000,
    "comments": 300_000,
    "chains": 500,
    "chain_projects": 25_000,
    "chain_followers": 25_000,
    "chain_posts": 50_000,
    "events": 200,
    "event_projects": 4_000,
    "event_subscribers": 10_000,
    "investors": 2_000,
    "direct_messages": 200_000,
    "notifications": 500_000,
}
MINIMUM = {"users": 20, "projects": 20, "chains": 3, "events": 2, "investors": 2}
SENTENCES = (
    "Love the idea, how do you handle key rotation?",
    "The demo is smooth. What was the hardest part to build?",
    "Great write-up of the architecture.",
    "Have you benchmarked this against the existing solutions?",
    "Would be keen to contribute, is the repo open?",
    "This solves a real problem for our team.",
)
EVENT_TYPES = ("hackathon", "conference", "competition", "showcase", "workshop")
STAGES = ("pre-seed", "seed", "series-a", "series-b")
GEOGRAPHIES = ("Europe", "North America", "Asia", "LatAm", "Africa")
DAYS = 365  # projects are spread over the last year
CHUNK = 10_000  # rows per COPY / executemany call
COPY_TIMEOUT = 3600.0  # seconds per COPY chunk: the request timeouts do not apply to a bulk load
MAX_CHAINS_PER_PROJECT = 5


def sizes(scale: float) -> dict[str, int]:
    """Row counts at `scale` (1.0 = the issue's figures), with small floors for tiny scales."""
    return {k: max(MINIMUM.get(k, 1), round(v * scale)) for k, v in FULL.items()}


def _zipf_cum(n: int, exponent: float = 1.0, offset: float = 2.0) -> list[float]:
    """Cumulative Zipf weights of ranks 0..n-1 (for `random.choices(cum_weights=…)`)."""
    return list(itertools.accumulate(1.0 / (r + offset) ** exponent for r in range(n)))


def _allocate(total: int, n: int, cap: int, rng: random.Random) -> list[int]:
    """Split `total` over n Zipf-ranked items, each at most `cap` (rank 0 gets the most)."""
    weights = [1.0 / (r + 5) for r in range(n)]
    counts = [0] * n
    left, free = total, list(range(n))
    for _ in range(4):  # a few passes redistribute what the capped items could not take
        if left <= 0 or not free:
            break
        wsum = sum(weights[i] for i in free)
        for i in free:
            share = left * weights[i] / wsum
            whole = int(share) + (rng.random() < share - int(share))
            counts[i] = min(cap, counts[i] + whole)
        left = total - sum(counts)
        free = [i for i in free if counts[i] < cap]
    return counts


def _uuid7(moment: datetime, rng: random.Random) -> uuid.UUID:
    """A UUIDv7 whose timestamp is `moment`, so ids sort like creation times (as in production)."""
    ms = int(moment.timestamp() * 1000) & 0xFFFF_FFFF_FFFF
    value = ms << 80 | rng.getrandbits(80)
    value = (value & ~(0xF << 76)) | (0x7 << 76)
    value = (value & ~(0x3 << 62)) | (0x2 << 62)
    return uuid.UUID(int=value)


@dataclass
class Rows:
    """The generated rows of one table: column names and one tuple per row."""

    table: Table
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]] = field(default_factory=list)


class Dataset:
    """Generates every table in memory with consistent counters (see `generate`)."""

    def __init__(self, scale: float, *, password_hash: str, seed: int = 7) -> None:
        self.n = sizes(scale)
        self.rng = random.Random(seed)
        self.now = utcnow()
        self.password_hash = password_hash
        self.tables: list[Rows] = []

    def _when(self, after: datetime) -> datetime:
        """A moment between `after` and now, biased towards `after` (activity follows posting)."""
        span = (self.now - after).total_seconds()
        return after + timedelta(seconds=span * self.rng.random() ** 2)

    def _text(self, words: int) -> str:
        return " ".join(self.rng.choice(WORDS) for _ in range(words))

    def generate(self) -> None:
        """Build every table; counters and scores are computed from the generated rows."""
        self._users()
        self._projects()
        self._votes()
        self._comments()
        self._chains()
        self._events()
        self._investors()
        self._messages()
        self._notifications()
        self._finish_projects()
        self._finish_users()

    # users -----------------------------------------------------------------------------------

    def _users(self) -> None:
        rng, n = self.rng, self.n["users"]
        self.user_ids: list[uuid.UUID] = []
        self.user_created: list[datetime] = []
        self.user_flags: list[tuple[bool, bool, bool]] = []  # email_verified, oxcert, github
        for i in range(n):
            created = self.now - timedelta(days=DAYS + 30) + timedelta(seconds=i)
            self.user_created.append(created)
            self.user_ids.append(_uuid7(created, rng))
            self.user_flags.append((rng.random() < 0.7, rng.random() < 0.1, rng.random() < 0.4))
        # Activity is skewed: users are ranked by how active they are (rank 0 = most active).
        self.active = list(range(n))
        rng.shuffle(self.active)
        self.user_cum = _zipf_cum(n, 1.0, 10.0)

    def _pick_users(self, k: int) -> list[int]:
        """k user indexes drawn with Zipf weights over the activity ranking."""
        return self.rng.choices(self.active, cum_weights=self.user_cum, k=k)

    # projects --------------------------------------------------------------------------------

    def _projects(self) -> None:
        rng, n = self.rng, self.n["projects"]
        owners = self._pick_users(n)
        self.project_ids: list[uuid.UUID] = []
        self.project_owner = owners
        self.project_created: list[datetime] = []
        self.project_title: list[str] = []
        self.project_quality: list[tuple[bool, bool, int]] = []  # demo, github, description len
        self.project_rows: list[dict[str, Any]] = []
        tags = _rows(ProjectTag, ("kind", "tag", "project_id"), [])
        for i in range(n):
            created = self.now - timedelta(seconds=rng.uniform(0, DAYS * 86_400))
            pid = _uuid7(created, rng)
            name = f"{rng.choice(WORDS).title()}{rng.choice(WORDS)}"
            title = f"{name} #{i + 1}"
            description = (
                f"{name} is a hackathon project exploring {rng.choice(WORDS)} and "
                f"{rng.choice(WORDS)} primitives. "
            ) * rng.randint(1, 6)
            categories = rng.sample(CATEGORIES, rng.randint(1, 3))
            tech = rng.sample(TECH, rng.randint(1, 4))
            hackathon = rng.choice(HACKATHONS)
            demo = f"https://{name.lower()}{i}.demo.example.com" if rng.random() < 0.6 else None
            github = f"https://github.com/bench/{name.lower()}{i}" if rng.random() < 0.7 else None
            self.project_ids.append(pid)
            self.project_created.append(created)
            self.project_title.append(title)
            self.project_quality.append((demo is not None, github is not None, len(description)))
            self.project_rows.append(
                {
                    "id": pid,
                    "user_id": self.user_ids[owners[i]],
                    "title": title,
                    "tagline": f"{rng.choice(WORDS).title()} for the {rng.choice(WORDS)} economy",
                    "description": description,
                    "demo_url": demo,
                    "github_url": github,
                    "hackathon_name": hackathon,
                    "hackathons": [],
                    "categories": categories,
                    "tech_stack": tech,
                    "team_members": [],
                    "created_at": created,
                    "updated_at": created,
                }
            )
            for kind, values in (
                ("category", categories),
                ("tech", tech),
                ("hackathon", [hackathon]),
            ):
                for tag in sorted({v.strip().lower() for v in values}):
                    tags.rows.append((kind, tag, pid))
        # Popularity is independent of age: rank 0 is the most voted and commented project.
        self.popular = list(range(n))
        rng.shuffle(self.popular)
        self.upvotes = [0] * n
        self.downvotes = [0] * n
        self.comment_count = [0] * n
        self.tables.append(tags)

    # votes -------------------------------------------------------------------------------------

    def _votes(self) -> None:
        rng = self.rng
        cols = ("id", "user_id", "project_id", "vote_type", "created_at", "updated_at")
        out = _rows(Vote, cols, [])
        cap = max(1, int(self.n["users"] * 0.6))
        per_project = _allocate(self.n["votes"], self.n["projects"], cap, rng)
        self.vote_sample: list[tuple[int, int, datetime]] = []  # for notifications
        for rank, want in enumerate(per_project):
            if not want:
                continue
            p = self.popular[rank]
            owner = self.project_owner[p]
            voters: dict[int, None] = {}
            for u in self._pick_users(int(want * 1.3) + 2):
                if u != owner:
                    voters[u] = None
                    if len(voters) == want:
                        break
            while len(voters) < want:  # the active users are exhausted: top up uniformly
                u = rng.randrange(self.n["users"])
                if u != owner:
                    voters[u] = None
            pid = self.project_ids[p]
            for u in voters:
                at = self._when(self.project_created[p])
                up = rng.random() < 0.85
                if up:
                    self.upvotes[p] += 1
                else:
                    self.downvotes[p] += 1
                out.rows.append(
                    (_uuid7(at, rng), self.user_ids[u], pid, "up" if up else "down", at, at)
                )
                if rng.random() < 0.25:
                    self.vote_sample.append((p, u, at))
        self.tables.append(out)

    # comments ----------------------------------------------------------------------------------

    def _comments(self) -> None:
        rng = self.rng
        cols = (
            "id",
            "project_id",
            "user_id",
            "parent_id",
            "content",
            "reply_count",
            "created_at",
            "updated_at",
        )
        per_project = _allocate(self.n["comments"], self.n["projects"], 10**9, rng)
        rows: list[list[Any]] = []
        self.comment_notes: list[tuple[int, int, uuid.UUID, datetime]] = []  # project, author…
        for rank, want in enumerate(per_project):
            if not want:
                continue
            p = self.popular[rank]
            pid = self.project_ids[p]
            moments = sorted(self._when(self.project_created[p]) for _ in range(want))
            tops: list[int] = []  # indexes (into rows) of this project's top-level comments
            for at, author in zip(moments, self._pick_users(want), strict=True):
                parent_id = None
                if tops and rng.random() < 0.25:  # a reply, one level deep
                    parent = rows[rng.choice(tops)]
                    parent[5] += 1
                    parent_id = parent[0]
                cid = _uuid7(at, rng)
                rows.append(
                    [cid, pid, self.user_ids[author], parent_id, rng.choice(SENTENCES), 0, at, at]
                )
                if parent_id is None:
                    tops.append(len(rows) - 1)
                self.comment_count[p] += 1
                self.comment_notes.append((p, author, cid, at))
        self.tables.append(_rows(Comment, cols, [tuple(r) for r in rows]))

    # chains, their projects, followers and posts -------------------------------------------------

    def _chains(self) -> None:
        rng, n = self.rng, self.n["chains"]
        chains: list[list[Any]] = []
        for i in range(n):
            created = self.now - timedelta(days=DAYS) + timedelta(minutes=i)
            name = f"Bench Chain {i + 1}"
            chains.append(
                [
                    _uuid7(created, rng),
                    self.user_ids[self._pick_users(1)[0]],
                    name,
                    name.lower(),
                    f"bench-chain-{i + 1}",
                    f"{name}: a community of {self._text(4)} builders.",
                    rng.sample(CATEGORIES, rng.randint(1, 3)),
                    {},
                    i % 10 != 9,  # one chain in ten is private
                    i % 7 == 3,
                    0,  # project_count
                    0,  # follower_count
                    0,  # post_count
                    created,
                    created,
                ]
            )
        chain_cum = _zipf_cum(n, 1.0, 3.0)
        ranks = list(range(n))
        # chain projects: Zipf over chains, a project in at most MAX_CHAINS_PER_PROJECT chains
        pairs: set[tuple[int, int]] = set()
        per_project: Counter[int] = Counter()
        cp: list[tuple[Any, ...]] = []
        target = min(self.n["chain_projects"], n * self.n["projects"] // 2)
        while len(cp) < target:
            c = rng.choices(ranks, cum_weights=chain_cum)[0]
            p = rng.randrange(self.n["projects"])
            if (c, p) in pairs or per_project[p] >= MAX_CHAINS_PER_PROJECT:
                continue
            pairs.add((c, p))
            per_project[p] += 1
            at = self._when(max(chains[c][13], self.project_created[p]))
            cp.append((chains[c][0], self.project_ids[p], self.project_rows[p]["user_id"], at))
            chains[c][10] += 1
        cols = ("chain_id", "project_id", "added_by", "added_at")
        self.tables.append(_rows(ChainProject, cols, cp))
        # followers
        fpairs: set[tuple[int, int]] = set()
        followers: list[tuple[Any, ...]] = []
        target = min(self.n["chain_followers"], n * self.n["users"] // 2)
        while len(followers) < target:
            c = rng.choices(ranks, cum_weights=chain_cum)[0]
            u = self._pick_users(1)[0] if rng.random() < 0.5 else rng.randrange(self.n["users"])
            if (c, u) in fpairs:
                continue
            fpairs.add((c, u))
            followers.append((chains[c][0], self.user_ids[u], self._when(chains[c][13])))
            chains[c][11] += 1
        self.tables.append(_rows(ChainFollower, ("chain_id", "user_id", "created_at"), followers))
        # posts: threads and one-level replies, in public chains only
        public = [c for c in ranks if chains[c][8]]
        public_cum = _zipf_cum(len(public), 1.0, 3.0)
        threads: dict[int, list[list[Any]]] = defaultdict(list)
        posts: list[list[Any]] = []
        for k in range(self.n["chain_posts"]):
            c = rng.choices(public, cum_weights=public_cum)[0]
            author = self.user_ids[self._pick_users(1)[0]]
            if not threads[c] or rng.random() < 0.3 or k < 3:
                at = self._when(chains[c][13])
                post = [
                    _uuid7(at, rng),
                    chains[c][0],
                    author,
                    None,
                    f"Thread about {self._text(3)}",
                    rng.choice(SENTENCES),
                    [],
                    0,  # comment_count
                    0,  # total_replies
                    hot_score(upvotes=0, downvotes=0, created_at=at),
                    at,  # last_activity_at
                    at,
                    at,
                ]
                threads[c].append(post)
            else:
                parent = rng.choice(threads[c])
                at = self._when(parent[11])
                post = [
                    _uuid7(at, rng),
                    chains[c][0],
                    author,
                    parent[0],
                    None,
                    rng.choice(SENTENCES),
                    [],
                    0,
                    0,
                    hot_score(upvotes=0, downvotes=0, created_at=at),
                    at,
                    at,
                    at,
                ]
                parent[7] += 1
                parent[8] += 1
                parent[10] = max(parent[10], at)
            posts.append(post)
            chains[c][12] += 1
        chain_cols = (
            "id",
            "creator_id",
            "name",
            "name_key",
            "slug",
            "description",
            "categories",
            "social_links",
            "is_public",
            "requires_approval",
            "project_count",
            "follower_count",
            "post_count",
            "created_at",
            "updated_at",
        )
        # chains go in before the rows that reference them
        self.tables.insert(
            len(self.tables) - 2, _rows(Chain, chain_cols, [tuple(c) for c in chains])
        )
        post_cols = (
            "id",
            "chain_id",
            "author_id",
            "parent_id",
            "title",
            "content",
            "image_urls",
            "comment_count",
            "total_replies",
            "hot_score",
            "last_activity_at",
            "created_at",
            "updated_at",
        )
        posts.sort(key=lambda row: row[11])  # parents before their replies
        self.tables.append(_rows(ChainPost, post_cols, [tuple(r) for r in posts]))

    # events ------------------------------------------------------------------------------------

    def _events(self) -> None:
        rng, n = self.rng, self.n["events"]
        events: list[list[Any]] = []
        entries: list[tuple[Any, ...]] = []
        subscribers: list[tuple[Any, ...]] = []
        per_entries = _allocate(self.n["event_projects"], n, self.n["projects"], rng)
        per_subs = _allocate(self.n["event_subscribers"], n, self.n["users"], rng)
        for i in range(n):
            start = self.now + timedelta(days=rng.randint(-DAYS, 60))
            created = min(start, self.now) - timedelta(days=30)
            name = f"Bench Event {i + 1}"
            eid = _uuid7(created, rng)
            events.append(
                [
                    eid,
                    self.user_ids[self._pick_users(1)[0]],
                    name,
                    name.lower(),
                    f"bench-event-{i + 1}",
                    f"{name}: builders, judges and prizes for {self._text(3)}.",
                    EVENT_TYPES[i % len(EVENT_TYPES)],
                    start,
                    start + timedelta(days=rng.randint(1, 14)),
                    "Online" if i % 2 else "Lisbon",
                    float(rng.choice((0, 10_000, 50_000, 250_000))) or None,
                    rng.sample(CATEGORIES, 2),
                    per_entries[i],
                    per_subs[i],
                    created,
                    created,
                ]
            )
            for p in rng.sample(range(self.n["projects"]), per_entries[i]):
                entries.append((eid, self.project_ids[p], rng.choice(CATEGORIES), created))
            for u in rng.sample(range(self.n["users"]), per_subs[i]):
                subscribers.append((eid, self.user_ids[u], created))
        cols = (
            "id",
            "creator_id",
            "name",
            "name_key",
            "slug",
            "description",
            "event_type",
            "start_date",
            "end_date",
            "location",
            "prize_pool",
            "categories",
            "project_count",
            "subscriber_count",
            "created_at",
            "updated_at",
        )
        self.tables.append(_rows(Event, cols, [tuple(e) for e in events]))
        self.tables.append(
            _rows(EventProject, ("event_id", "project_id", "track", "added_at"), entries)
        )
        self.tables.append(
            _rows(EventSubscriber, ("event_id", "user_id", "created_at"), subscribers)
        )

    # investors ---------------------------------------------------------------------------------

    def _investors(self) -> None:
        rng = self.rng
        self.investor_users = set(rng.sample(range(self.n["users"]), self.n["investors"]))
        profiles: list[tuple[Any, ...]] = []
        tags: list[tuple[Any, ...]] = []
        for k, u in enumerate(sorted(self.investor_users)):
            at = self.user_created[u] + timedelta(days=1)
            pid = _uuid7(at, rng)
            stages = rng.sample(STAGES, 2)
            industries = rng.sample(CATEGORIES, 3)
            geos = rng.sample(GEOGRAPHIES, rng.randint(1, 2))
            profiles.append(
                (
                    pid,
                    self.user_ids[u],
                    "approved",
                    "organization" if k % 2 else "individual",
                    f"Bench Investor {k + 1}",
                    f"{rng.choice(WORDS).title()} Ventures",
                    "Early-stage investor backing technical founders building open infrastructure.",
                    "I want to meet builders early and help them with their first raise.",
                    stages,
                    industries,
                    geos,
                    25_000 * (1 + k % 10),
                    250_000 * (1 + k % 10),
                    [],
                    [],
                    "free",
                    at,
                    at,
                    at,
                )
            )
            for kind, values in (("stage", stages), ("industry", industries), ("geography", geos)):
                for tag in sorted({v.strip().lower() for v in values}):
                    tags.append((pid, kind, tag))
        cols = (
            "id",
            "user_id",
            "status",
            "investor_type",
            "name",
            "company_name",
            "bio",
            "reason",
            "investment_stages",
            "industries",
            "geographic_focus",
            "ticket_size_min",
            "ticket_size_max",
            "notable_investments",
            "value_adds",
            "plan_type",
            "decided_at",
            "created_at",
            "updated_at",
        )
        self.tables.append(_rows(InvestorProfile, cols, profiles))
        self.tables.append(_rows(InvestorTag, ("profile_id", "kind", "tag"), tags))

    # direct messages -----------------------------------------------------------------------------

    def _messages(self) -> None:
        rng, users = self.rng, self.n["users"]
        total = self.n["direct_messages"]
        conversations = max(1, min(total // 10, users * (users - 1) // 4))
        pairs: set[tuple[uuid.UUID, uuid.UUID]] = set()
        convs: list[list[Any]] = []
        while len(convs) < conversations:
            a, b = self._pick_users(1)[0], rng.randrange(users)
            if a == b:
                continue
            low, high = sorted((self.user_ids[a], self.user_ids[b]))
            if (low, high) in pairs:
                continue
            pairs.add((low, high))
            start = max(self.user_created[a], self.user_created[b]) + timedelta(days=1)
            convs.append([_uuid7(start, rng), low, high, None, start, start])
        per_conv = _allocate(total, conversations, 10**9, rng)
        messages: list[tuple[Any, ...]] = []
        for conv, want in zip(convs, per_conv, strict=True):
            moments = sorted(self._when(conv[5]) for _ in range(want))
            sender = rng.randrange(2)
            for k, at in enumerate(moments):
                if rng.random() < 0.4:
                    sender = 1 - sender
                mid = _uuid7(at, rng)
                read = k < want - 2 or rng.random() < 0.5  # the last ones may still be unread
                messages.append(
                    (
                        mid,
                        conv[0],
                        conv[1 + sender],
                        conv[2 - sender],
                        rng.choice(SENTENCES),
                        read,
                        at if read else None,
                        at,
                    )
                )
                conv[3], conv[4] = mid, at
        conv_cols = (
            "id",
            "user_low",
            "user_high",
            "last_message_id",
            "last_message_at",
            "created_at",
        )
        self.tables.append(_rows(Conversation, conv_cols, [tuple(c) for c in convs]))
        cols = (
            "id",
            "conversation_id",
            "sender_id",
            "recipient_id",
            "body",
            "is_read",
            "read_at",
            "created_at",
        )
        self.tables.append(_rows(DirectMessage, cols, messages))

    # notifications -----------------------------------------------------------------------------

    def _notifications(self) -> None:
        """Comments on one's project (each its own row), then votes (one per project per hour)."""
        rng, want = self.rng, self.n["notifications"]
        rows: list[tuple[Any, ...]] = []
        for p, author, cid, at in self.comment_notes:
            owner = self.project_owner[p]
            if owner == author:
                continue
            if len(rows) >= want * 0.6:
                break
            rows.append(
                (
                    _uuid7(at, rng),
                    self.user_ids[owner],
                    self.user_ids[author],
                    "comment",
                    "New comment on your project",
                    f"New comment on “{self.project_title[p]}”",
                    self.project_ids[p],
                    cid,
                    {},
                    None,
                    1,
                    at < self.now - timedelta(days=7),
                    at,
                    at,
                )
            )
        hours: set[tuple[int, int]] = set()
        for p, voter, at in self.vote_sample:
            if len(rows) >= want:
                break
            hour = int(at.timestamp() // 3600)
            if (p, hour) in hours:
                continue
            hours.add((p, hour))
            rows.append(
                (
                    _uuid7(at, rng),
                    self.user_ids[self.project_owner[p]],
                    self.user_ids[voter],
                    "vote",
                    "New votes on your project",
                    f"1 new vote on “{self.project_title[p]}”",
                    self.project_ids[p],
                    None,
                    {},
                    f"vote:{self.project_ids[p]}",
                    1,
                    at < self.now - timedelta(days=7),
                    at,
                    at,
                )
            )
        while len(rows) < want:  # system announcements top up to the target
            u = self._pick_users(1)[0]
            at = self._when(self.user_created[u])
            rows.append(
                (
                    _uuid7(at, rng),
                    self.user_ids[u],
                    None,
                    "system",
                    "Welcome to the benchmark",
                    "This platform is generated for load tests.",
                    None,
                    None,
                    {},
                    None,
                    1,
                    rng.random() < 0.7,
                    at,
                    at,
                )
            )
        cols = (
            "id",
            "user_id",
            "actor_id",
            "type",
            "title",
            "message",
            "project_id",
            "comment_id",
            "data",
            "group_key",
            "count",
            "is_read",
            "created_at",
            "updated_at",
        )
        self.tables.append(_rows(Notification, cols, rows))

    # scores, karma and the users/projects tables -------------------------------------------------

    def _finish_projects(self) -> None:
        self.karma = [0.0] * self.n["users"]
        self.project_count = [0] * self.n["users"]
        rows: list[tuple[Any, ...]] = []
        cols: tuple[str, ...] = ()
        for p, row in enumerate(self.project_rows):
            owner = self.project_owner[p]
            verified, oxcert, github = self.user_flags[owner]
            demo, repo, length = self.project_quality[p]
            scores = proof_scores(
                ScoreInputs(
                    email_verified=verified,
                    has_oxcert=oxcert,
                    github_connected=github,
                    upvotes=self.upvotes[p],
                    downvotes=self.downvotes[p],
                    comment_count=self.comment_count[p],
                    badge_points=0,
                    has_demo=demo,
                    has_github=repo,
                    has_screenshot=False,
                    description_length=length,
                )
            )
            row.update(
                upvotes=self.upvotes[p],
                downvotes=self.downvotes[p],
                comment_count=self.comment_count[p],
                verification_score=scores.verification,
                community_score=scores.community,
                validation_score=scores.validation,
                quality_score=scores.quality,
                proof_score=scores.proof,
                score_breakdown=scores.breakdown,
                trending_score=trending_score(
                    upvotes=self.upvotes[p],
                    downvotes=self.downvotes[p],
                    comment_count=self.comment_count[p],
                    proof_score=scores.proof,
                    is_featured=False,
                    created_at=self.project_created[p],
                ),
            )
            self.karma[owner] += scores.proof
            self.project_count[owner] += 1
            cols = cols or tuple(row)
            rows.append(tuple(row[c] for c in cols))
        # projects go in right after users (both are inserted first, see `_finish_users`)
        self.tables.insert(0, _rows(Project, cols, rows))
        del self.project_rows

    def _finish_users(self) -> None:
        rows: list[tuple[Any, ...]] = []
        for u, uid in enumerate(self.user_ids):
            verified, oxcert, github = self.user_flags[u]
            name = f"bench{u:05d}"
            rows.append(
                (
                    uid,
                    f"{name}@{BENCH_EMAIL_DOMAIN}",
                    name,
                    f"Bench User {u:05d}",
                    self.password_hash,
                    round(self.karma[u], 2),
                    self.project_count[u],
                    u == 0,  # bench00000 is an admin
                    u in self.investor_users,
                    verified,
                    oxcert,
                    github,
                    self.user_created[u],
                    self.user_created[u],
                )
            )
        cols = (
            "id",
            "email",
            "username",
            "display_name",
            "password_hash",
            "karma",
            "project_count",
            "is_admin",
            "is_investor",
            "email_verified",
            "has_oxcert",
            "github_connected",
            "created_at",
            "updated_at",
        )
        self.tables.insert(0, _rows(User, cols, rows))


def _rows(model: Any, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> Rows:
    return Rows(model.__table__, tuple(columns), rows)


# loading -------------------------------------------------------------------------------------


def _json_columns(table: Table) -> set[str]:
    """Columns stored as JSON (text for COPY), as opposed to text[] arrays and scalars."""
    return {c.name for c in table.columns if type(c.type).__name__ in ("JSON", "Variant", "JSONB")}


async def _copy(session: AsyncSession, rows: Rows, advance: Callable[[int], None]) -> None:
    """PostgreSQL: COPY in chunks over the session's own asyncpg connection (same transaction)."""
    conn = await session.connection()
    raw = await conn.get_raw_connection()
    driver: Any = raw.driver_connection
    json_at = [i for i, c in enumerate(rows.columns) if c in _json_columns(rows.table)]
    for start in range(0, len(rows.rows), CHUNK):
        chunk = rows.rows[start : start + CHUNK]
        if json_at:
            chunk = [
                tuple(json.dumps(v) if i in json_at else v for i, v in enumerate(r)) for r in chunk
            ]
        await driver.copy_records_to_table(
            rows.table.name, records=chunk, columns=list(rows.columns), timeout=COPY_TIMEOUT
        )
        advance(len(chunk))


async def _executemany(session: AsyncSession, rows: Rows, advance: Callable[[int], None]) -> None:
    """SQLite: executemany of chunks through SQLAlchemy Core (its type processing)."""
    stmt = insert(rows.table)
    for start in range(0, len(rows.rows), CHUNK):
        chunk = rows.rows[start : start + CHUNK]
        await session.execute(stmt, [dict(zip(rows.columns, r, strict=True)) for r in chunk])
        advance(len(chunk))


async def seed_bench(
    runtime: Runtime, *, scale: float, only_if_empty: bool = False, quiet: bool = False
) -> dict[str, int] | None:
    """Generate and bulk-load the benchmark dataset; the row counts per table.

    Refuses a database that already has users (raises `RuntimeError`), or returns None when
    `only_if_empty`: the dataset's usernames are fixed and its counters assume it is alone.
    """
    async with transaction(runtime) as session:
        if await session.scalar(select(func.count()).select_from(User)):
            if only_if_empty:
                return None
            raise RuntimeError("the database is not empty: load the benchmark into a fresh one")
    password_hash = await runtime.passwords.hash(BENCH_PASSWORD)
    data = Dataset(scale, password_hash=password_hash)
    columns = (
        TextColumn("{task.description:<20}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, disable=quiet) as progress:
        task = progress.add_task("generating", total=None)
        data.generate()
        progress.update(task, total=1, completed=1)
        postgres = runtime.engine.dialect.name == "postgresql"
        load: Callable[[AsyncSession, Rows, Callable[[int], None]], Awaitable[None]]
        load = _copy if postgres else _executemany
        async with transaction(runtime, write=True) as session:
            if postgres:  # a bulk load is not a request: no request statement timeout
                await session.execute(text("SET LOCAL statement_timeout = 0"))
            else:
                await session.execute(text("PRAGMA defer_foreign_keys = ON"))
            for rows in data.tables:
                bar = progress.add_task(rows.table.name, total=len(rows.rows))
                await load(session, rows, partial(progress.advance, bar))
        if postgres:  # fresh statistics, so the planner sees the sizes at once
            async with transaction(runtime, write=True) as session:
                for rows in data.tables:
                    await session.execute(text(f"ANALYZE {rows.table.name}"))
    counts: Counter[str] = Counter()
    for rows in data.tables:
        counts[rows.table.name] += len(rows.rows)
    return dict(counts)
