"""The GitHub side of the OAuth flow: the authorize URL, the code exchange and the `/user` read.

Every failure of GitHub (timeout, refused connection, 5xx, unexpected answer) is an `Unavailable`
(503); a code GitHub rejects is a `BadRequest` (400). The access token lives only in this module's
locals: it is never logged, stored or returned.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx

from oxship.config import Settings
from oxship.errors import BadRequest, Unavailable

SCOPE = "read:user"
CALLBACK_PATH = "/api/auth/github/callback"
NOT_CONFIGURED = "GitHub linking is not configured on this server"
UNREACHABLE = "GitHub could not be reached; try again later"
BAD_CODE = "The GitHub authorization code is invalid or expired; start again"
LOGIN_RE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})")
"""A GitHub login: 1 to 39 letters, digits or hyphens, not starting with a hyphen."""
_CODE_ERRORS = frozenset({"bad_verification_code", "expired_token", "incorrect_code"})


@dataclass(frozen=True, slots=True)
class GitHubApp:
    """The configured OAuth app and GitHub's endpoints."""

    client_id: str
    client_secret: str
    authorize_url: str
    token_url: str
    api_url: str
    redirect_url: str
    timeout: float

    @classmethod
    def from_settings(cls, settings: Settings) -> GitHubApp:
        """The app of these settings; 503 when the id or the secret is missing."""
        if not settings.github_client_id or not settings.github_client_secret:
            raise Unavailable(NOT_CONFIGURED)
        redirect = settings.github_redirect_url or (settings.public_url.rstrip("/") + CALLBACK_PATH)
        return cls(
            client_id=settings.github_client_id,
            client_secret=settings.github_client_secret,
            authorize_url=settings.github_authorize_url,
            token_url=settings.github_token_url,
            api_url=settings.github_api_url.rstrip("/"),
            redirect_url=redirect,
            timeout=settings.github_http_timeout,
        )

    def authorize_url_for(self, state: str) -> str:
        """Where to send the user's browser to authorize the app."""
        query = urlencode(
            {
                "client_id": self.client_id,
                "redirect_uri": self.redirect_url,
                "scope": SCOPE,
                "state": state,
                "allow_signup": "false",
            }
        )
        separator = "&" if "?" in self.authorize_url else "?"
        return f"{self.authorize_url}{separator}{query}"

    async def login_for_code(self, code: str) -> str:
        """Exchange an authorization code for a token, then read the account's login with it."""
        async with httpx.AsyncClient(timeout=self.timeout, follow_redirects=False) as http:
            token = await self._exchange(http, code)
            return await self._login(http, token)

    async def _exchange(self, http: httpx.AsyncClient, code: str) -> str:
        payload = await _json(
            http,
            "POST",
            self.token_url,
            limit=self.timeout,
            data={
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "code": code,
                "redirect_uri": self.redirect_url,
            },
            headers={"Accept": "application/json"},
        )
        error = payload.get("error")
        if error in _CODE_ERRORS:
            raise BadRequest(BAD_CODE)
        token = payload.get("access_token")
        if error is not None or not isinstance(token, str) or not token:
            raise Unavailable(UNREACHABLE)  # a misconfigured app (client id/secret, redirect_uri)
        return token

    async def _login(self, http: httpx.AsyncClient, token: str) -> str:
        payload = await _json(
            http,
            "GET",
            f"{self.api_url}/user",
            limit=self.timeout,
            headers={
                "Accept": "application/vnd.github+json",
                "Authorization": f"Bearer {token}",
            },
        )
        login = payload.get("login")
        if not isinstance(login, str) or not LOGIN_RE.fullmatch(login):
            raise Unavailable(UNREACHABLE)
        return login


async def _json(
    http: httpx.AsyncClient, method: str, url: str, *, limit: float, **kwargs: Any
) -> dict[str, Any]:
    """One call to GitHub, at most `limit` seconds, whose answer must be a 200 JSON object; else 503."""
    try:
        async with asyncio.timeout(limit):  # the whole call, not each network read
            response = await http.request(method, url, **kwargs)
        if response.status_code != 200:
            raise Unavailable(UNREACHABLE)
        payload = response.json()
    except (httpx.HTTPError, httpx.InvalidURL, TimeoutError, ValueError) as exc:
        raise Unavailable(UNREACHABLE) from exc
    if not isinstance(payload, dict):
        raise Unavailable(UNREACHABLE)
    return payload
