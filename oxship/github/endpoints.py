"""HTTP routes of GitHub linking."""

from __future__ import annotations

from fastapi import APIRouter

from oxship.auth.dependencies import CurrentUser, RuntimeDep
from oxship.db import SessionDep, WriteSessionDep
from oxship.errors import OxshipError
from oxship.github import service
from oxship.github.schemas import ConnectOut, OAuthCode, OAuthState
from oxship.kit.envelope import ERROR_RESPONSES, Envelope, JSONBody, ok
from oxship.users.schemas import MeOut, own_user

router = APIRouter(prefix="/api/auth/github", tags=["auth"], responses=ERROR_RESPONSES)


@router.get("/connect", response_model=Envelope[ConnectOut])
async def connect(session: WriteSessionDep, runtime: RuntimeDep, user: CurrentUser) -> JSONBody:
    """Start linking: GitHub's authorize URL with a fresh state bound to the caller."""
    auth_url = await service.start(session, runtime, user=user)
    return ok({"auth_url": auth_url})


@router.get("/callback", response_model=Envelope[MeOut])
async def callback(
    runtime: RuntimeDep, user: CurrentUser, code: OAuthCode, state: OAuthState
) -> JSONBody:
    """Finish linking with GitHub's `code` and `state`; called with the bearer token of the user
    who started it."""
    try:
        linked = await service.complete(runtime, user_id=user.id, code=code, state=state)
    except OxshipError as exc:
        # The state was spent in its own committed unit of work; answering (rather than raising)
        # ends this request's read session normally, so no enclosing transaction can undo that.
        return JSONBody(exc.envelope(), status_code=exc.status_code, headers=exc.headers)
    return ok(own_user(linked), message="GitHub account linked")


@router.post("/disconnect", response_model=Envelope[MeOut])
async def disconnect(session: SessionDep, user: CurrentUser) -> JSONBody:
    """Unlink the caller's GitHub account (200 whether or not one was linked)."""
    unlinked = await service.disconnect(session, user=user)
    return ok(own_user(unlinked), message="GitHub account unlinked")
