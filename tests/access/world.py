"""The access matrix's fixture world: one committed set of rows per module, built through the API.

Every role the contract names has a user, and the owner owns one of each resource (project,
comment, update, chain, post, event, notification, message, intro request…), so every route can be
called with real path parameters.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from oxship.auth import repository as auth_repository
from oxship.auth.tokens import digest, new_secret
from oxship.db import transaction
from oxship.kit.clock import iso, utcnow
from oxship.models import Notification, TokenPurpose, User
from oxship.runtime import Runtime
from tests.factories.users import DEFAULT_PASSWORD

DESCRIPTION = "A project description that is comfortably longer than fifty characters in total."
RATIONALE = "A careful review: the demo works, the code is clean and the claims hold up well."
BIO = "I invest in early technical teams and help them find their first customers quickly."
REASON = "I want to meet hackathon builders before anyone else does."
ROLES = ("owner", "other", "admin", "validator", "investor", "applicant", "target")


def application(name: str) -> dict[str, Any]:
    """A valid investor application."""
    return {
        "investor_type": "individual",
        "name": name,
        "bio": BIO,
        "reason": REASON,
        "industries": ["AI"],
        "is_public": True,
        "open_to_requests": True,
        "plan_type": "free",
    }


def event_body(name: str) -> dict[str, Any]:
    """A valid event: a hackathon in 10 days, lasting 2 days."""
    return {
        "name": name,
        "description": "A weekend of building things together.",
        "event_type": "hackathon",
        "start_date": iso(utcnow() + timedelta(days=10)),
        "end_date": iso(utcnow() + timedelta(days=12)),
    }


@dataclass
class World:
    """Users (with tokens) and the ids of the rows they own."""

    users: dict[str, User] = field(default_factory=dict)
    access: dict[str, str] = field(default_factory=dict)
    refresh: dict[str, str] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)
    """project (owner's, in the chain and the event), project_free (owner's, in neither),
    project_other (other's), project_deleted, comment, update, chain/chain_slug, post,
    chain_banned_slug, chain_private_slug/private_post, chain_request, event_slug, notification, message, intro_request, intro, badge, assignment,
    application (pending, of `applicant`), feedback, verify_token, reset_token."""

    def uid(self, role: str) -> str:
        """The id of a role's user."""
        return str(self.users[role].id)


class Builder:
    """Builds the world with HTTP calls against the app (on a committing runtime)."""

    def __init__(self, app: FastAPI, runtime: Runtime, password_hash: str) -> None:
        self.app = app
        self.runtime = runtime
        self.password_hash = password_hash
        self.world = World()
        self.clients: dict[str, httpx.AsyncClient] = {}

    async def build(self) -> World:
        """Create everything; each step asserts its status."""
        for role in ROLES:
            await self._user(role)
        await self._banned()
        await self._content()
        await self._roles()
        await self._social()
        await self._tokens()
        for client in self.clients.values():
            await client.aclose()
        return self.world

    async def _user(self, role: str) -> None:
        suffix = uuid.uuid4().hex[:6]
        user = User(
            username=f"{role}_{suffix}",
            email=f"{role}_{suffix}@example.com",
            display_name=role.title(),
            password_hash=self.password_hash,
            is_admin=role == "admin",
        )
        async with self.runtime.sessionmaker() as session:
            session.add(user)
            await session.commit()
        pair = await self._login(user)
        self.world.users[role] = user
        self.world.access[role], self.world.refresh[role] = pair
        self.clients[role] = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app),
            base_url="http://testserver",
            headers={"Authorization": f"Bearer {pair[0]}"},
        )

    async def _banned(self) -> None:
        """A user banned after signing in: their token stays valid, the account does not."""
        await self._user("banned")
        async with self.runtime.sessionmaker() as session:
            user = await session.get(User, self.world.users["banned"].id)
            assert user is not None
            user.is_active = False
            await session.commit()

    async def _login(self, user: User) -> tuple[str, str]:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app), base_url="http://testserver"
        ) as client:
            response = await client.post(
                "/api/auth/login", json={"email": user.email, "password": DEFAULT_PASSWORD}
            )
        assert response.status_code == 200, response.text
        tokens = response.json()["data"]["tokens"]
        return tokens["access"], tokens["refresh"]

    async def call(
        self, role: str, method: str, url: str, body: Any = None, expect: int = 200
    ) -> dict[str, Any]:
        """One request as `role`; its `data`."""
        response = await self.clients[role].request(method, url, json=body)
        assert response.status_code == expect, f"{method} {url}: {response.text}"
        data: dict[str, Any] = response.json().get("data") or {}
        return data

    async def _project(self, role: str, title: str) -> str:
        body = {
            "title": title,
            "description": DESCRIPTION,
            "categories": ["ai"],
            "demo_url": "https://demo.example.com",
        }
        return str((await self.call(role, "POST", "/api/projects", body, expect=201))["id"])

    async def _content(self) -> None:
        ids = self.world.ids
        ids["project"] = await self._project("owner", "Owner main project")
        ids["project_free"] = await self._project("owner", "Owner spare project")
        ids["project_other"] = await self._project("other", "Other main project")
        ids["project_deleted"] = await self._project("owner", "Owner deleted project")
        await self.call("owner", "DELETE", f"/api/projects/{ids['project_deleted']}")
        comment = {"project_id": ids["project"], "content": "Owner's own remark."}
        ids["comment"] = (await self.call("owner", "POST", "/api/comments", comment, expect=201))[
            "id"
        ]
        update = {"update_type": "milestone", "title": "Shipped", "content": "We shipped it."}
        url = f"/api/projects/{ids['project']}/updates"
        ids["update"] = (await self.call("owner", "POST", url, update, expect=201))["id"]
        chain = {
            "name": f"Owner chain {uuid.uuid4().hex[:6]}",
            "description": "A community of builders.",
            "requires_approval": True,
        }
        created = await self.call("owner", "POST", "/api/chains", chain, expect=201)
        ids["chain"], ids["chain_slug"] = created["id"], created["slug"]
        chain_url = f"/api/chains/{ids['chain_slug']}"
        add = {"project_id": ids["project"]}
        await self.call("owner", "POST", f"{chain_url}/projects", add, expect=201)
        pending = await self.call(
            "other", "POST", f"{chain_url}/projects", {"project_id": ids["project_other"]}, 202
        )
        ids["chain_request"] = pending["request"]["id"]
        post = {"title": "Welcome thread", "content": "Say hello."}
        ids["post"] = (await self.call("owner", "POST", f"{chain_url}/posts", post, expect=201))[
            "id"
        ]
        event = await self.call(
            "owner", "POST", "/api/events", event_body(f"Owner jam {uuid.uuid4().hex[:6]}"), 201
        )
        ids["event_slug"] = event["slug"]
        entry = {"project_id": ids["project"]}
        await self.call("owner", "POST", f"/api/events/{event['slug']}/projects", entry, 201)
        banned = {
            "name": f"Banned chain {uuid.uuid4().hex[:6]}",
            "description": "It was spam, now banned.",
        }
        slug = (await self.call("owner", "POST", "/api/chains", banned, expect=201))["slug"]
        await self.call("admin", "POST", f"/api/admin/chains/{slug}/ban", {"reason": "Spam"})
        ids["chain_banned_slug"] = slug
        private = {
            "name": f"Private chain {uuid.uuid4().hex[:6]}",
            "description": "Only for its members.",
            "is_public": False,
        }
        slug = (await self.call("owner", "POST", "/api/chains", private, expect=201))["slug"]
        ids["chain_private_slug"] = slug
        post = {"title": "Members only", "content": "Hello members."}
        url = f"/api/chains/{slug}/posts"
        ids["private_post"] = (await self.call("owner", "POST", url, post, expect=201))["id"]

    async def _roles(self) -> None:
        ids = self.world.ids
        validator = self.world.users["validator"]
        await self.call(
            "admin", "POST", "/api/admin/validators/add-email", {"email": validator.email}
        )
        permissions = {"can_validate_all": True}
        url = f"/api/admin/validators/{validator.id}/permissions"
        await self.call("admin", "POST", url, permissions)
        assignment = {"validator_id": str(validator.id), "project_id": ids["project"]}
        created = await self.call(
            "admin", "POST", "/api/admin/validator-assignments", assignment, expect=201
        )
        ids["assignment"] = created["id"]
        badge = {
            "project_id": ids["project_other"],
            "badge_type": "silver",
            "rationale": RATIONALE,
            "validator_id": str(validator.id),
        }
        ids["badge"] = (
            await self.call("admin", "POST", "/api/admin/badges/award", badge, expect=201)
        )["id"]
        request = await self.call(
            "investor", "POST", "/api/investor-requests/apply", application("Ivy"), expect=201
        )
        await self.call("admin", "POST", f"/api/admin/investor-requests/{request['id']}/approve")
        pending = await self.call(
            "applicant", "POST", "/api/investor-requests/apply", application("Al"), expect=201
        )
        ids["application"] = pending["id"]

    async def _social(self) -> None:
        ids = self.world.ids
        project, slug = ids["project"], ids["chain_slug"]
        send = {"project_id": project, "message": "I would like to talk about your project."}
        ids["intro_request"] = (
            await self.call("investor", "POST", "/api/intro-requests/send", send, expect=201)
        )["id"]
        intro = {
            "project_id": project,
            "recipient_id": self.world.uid("investor"),
            "message": "We are building something you will like.",
            "requester_contact": "owner@example.com",
        }
        ids["intro"] = (await self.call("owner", "POST", "/api/intros/request", intro, 201))["id"]
        message = {"recipient_id": self.world.uid("owner"), "message": "Hello owner"}
        ids["message"] = (
            await self.call("other", "POST", "/api/messages/send", message, expect=201)
        )["id"]
        feedback = {"feedback_type": "suggestion", "message": "Please add dark mode soon."}
        ids["feedback"] = (await self.call("other", "POST", "/api/feedback", feedback, 201))["id"]
        # The investor follows, subscribes, saves and votes, so those can be undone.
        await self.call("investor", "POST", f"/api/chains/{slug}/follow")
        await self.call("investor", "POST", f"/api/events/{ids['event_slug']}/subscribe")
        await self.call("investor", "POST", f"/api/saved/save/{project}", expect=201)
        await self.call(
            "investor", "POST", "/api/votes", {"project_id": project, "vote_type": "up"}
        )
        ids["notification"] = await self._notification_of("owner")

    async def _notification_of(self, role: str) -> str:
        async with self.runtime.sessionmaker() as session:
            found = await session.scalar(
                select(Notification.id).where(Notification.user_id == self.world.users[role].id)
            )
        assert found is not None
        return str(found)

    async def _tokens(self) -> None:
        """Single-use tokens for verify-email and password reset (as the mail would carry)."""
        target = self.world.users["target"]
        async with transaction(self.runtime, write=True) as session:
            for purpose, key in (
                (TokenPurpose.EMAIL_VERIFY, "verify_token"),
                (TokenPurpose.PASSWORD_RESET, "reset_token"),
            ):
                secret = new_secret()
                auth_repository.add_one_time_token(
                    session,
                    user_id=target.id,
                    purpose=purpose.value,
                    token_hash=digest(secret),
                    expires_at=utcnow() + timedelta(hours=1),
                )
                self.world.ids[key] = secret
