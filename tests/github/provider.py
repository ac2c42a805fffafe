"""A small local GitHub OAuth provider (an ASGI app served by a real uvicorn server in a thread).

It implements what oxship calls, the way GitHub answers it:
- `GET /login/oauth/authorize`: the "browser" says which GitHub account is signed in with the
  `X-GitHub-Login` header; the provider redirects to `redirect_uri?code=…&state=…` (the state echoed);
- `POST /login/oauth/access_token` (form, `Accept: application/json`): a random single-use code →
  `{access_token, token_type, scope}`; a bad code is a 200 `{"error": "bad_verification_code"}`;
- `GET /user` with `Authorization: Bearer <token>` → `{login, id}`.
`mode` makes the token or user endpoint fail (500, a slow answer, an OAuth error, a non-JSON body).
"""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import parse_qs, urlencode

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

CLIENT_ID = "oxship-local-client"
CLIENT_SECRET = "oxship-local-secret-0123456789"
SLOW_SECONDS = 1.5

Mode = Literal[
    "ok",
    "token_500",
    "token_slow",
    "token_oauth_error",
    "token_not_json",
    "user_500",
    "user_no_login",
]


@dataclass
class Grant:
    """An authorization code: who authorized, for which redirect_uri."""

    login: str
    redirect_uri: str


@dataclass
class FakeGitHub:
    """The provider's state, shared between the test (its thread) and the server's thread."""

    mode: Mode = "ok"
    codes: dict[str, Grant] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    issued_tokens: list[str] = field(default_factory=list)
    token_calls: int = 0
    user_calls: int = 0
    base_url: str = ""

    def reset(self) -> None:
        """Forget every code, token and counter (between tests)."""
        self.mode = "ok"
        self.codes.clear()
        self.tokens.clear()
        self.issued_tokens.clear()
        self.token_calls = 0
        self.user_calls = 0

    def app(self) -> Starlette:
        """The ASGI app."""
        return Starlette(
            routes=[
                Route("/login/oauth/authorize", self.authorize, methods=["GET"]),
                Route("/login/oauth/access_token", self.access_token, methods=["POST"]),
                Route("/user", self.user, methods=["GET"]),
            ]
        )

    async def authorize(self, request: Request) -> Response:
        """The user (signed in as X-GitHub-Login) approves: redirect back with a code."""
        query = request.query_params
        login = request.headers.get("x-github-login")
        if query.get("client_id") != CLIENT_ID or not login or not query.get("redirect_uri"):
            return PlainTextResponse("bad authorize request", status_code=400)
        if query.get("scope") != "read:user":
            return PlainTextResponse("unexpected scope", status_code=400)
        code = secrets.token_hex(10)
        self.codes[code] = Grant(login=login, redirect_uri=query["redirect_uri"])
        params = {"code": code}
        if "state" in query:
            params["state"] = query["state"]
        return RedirectResponse(f"{query['redirect_uri']}?{urlencode(params)}", status_code=302)

    async def access_token(self, request: Request) -> Response:
        """Exchange a code (once) for a token, as GitHub does with `Accept: application/json`."""
        self.token_calls += 1
        if self.mode == "token_500":
            return PlainTextResponse("unicorn", status_code=500)
        if self.mode == "token_slow":
            await asyncio.sleep(SLOW_SECONDS)
        if self.mode == "token_not_json":
            return PlainTextResponse("access_token=x&token_type=bearer")
        if request.headers.get("accept") != "application/json":
            return PlainTextResponse("form answers are not implemented", status_code=406)
        form = {k: v[0] for k, v in parse_qs((await request.body()).decode()).items()}
        if self.mode == "token_oauth_error" or (
            form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET
        ):
            return JSONResponse({"error": "incorrect_client_credentials"})
        grant = self.codes.pop(form.get("code", ""), None)  # single use
        if grant is None or grant.redirect_uri != form.get("redirect_uri"):
            return JSONResponse(
                {"error": "bad_verification_code", "error_description": "The code is incorrect"}
            )
        token = "gho_" + secrets.token_hex(18)
        self.tokens[token] = grant.login
        self.issued_tokens.append(token)
        return JSONResponse({"access_token": token, "token_type": "bearer", "scope": "read:user"})

    async def user(self, request: Request) -> Response:
        """The authenticated account."""
        self.user_calls += 1
        if self.mode == "user_500":
            return PlainTextResponse("unicorn", status_code=500)
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        login = self.tokens.get(token) if scheme.lower() in ("bearer", "token") else None
        if login is None:
            return JSONResponse({"message": "Bad credentials"}, status_code=401)
        if self.mode == "user_no_login":
            return JSONResponse({"id": 1})
        return JSONResponse({"login": login, "id": abs(hash(login)) % 10**8})
