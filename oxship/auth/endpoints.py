"""HTTP routes of /api/auth."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.security import HTTPAuthorizationCredentials

from oxship.auth import service
from oxship.auth.dependencies import Bearer, ClientIp, CurrentCaller, CurrentUser, RuntimeDep
from oxship.auth.schemas import (
    AuthOut,
    ChangeIn,
    DoneOut,
    ForgotIn,
    LoginIn,
    RefreshIn,
    RefreshOut,
    RegisterIn,
    ResetIn,
    TokenIn,
)
from oxship.db import SessionDep
from oxship.errors import Unauthorized, ValidationFailed
from oxship.kit.envelope import ERROR_RESPONSES, Envelope, JSONBody, ok
from oxship.users.schemas import MeOut, own_user

router = APIRouter(prefix="/api/auth", tags=["auth"], responses=ERROR_RESPONSES)


@router.post("/register", status_code=201, response_model=Envelope[AuthOut])
async def register(
    body: RegisterIn, session: SessionDep, runtime: RuntimeDep, ip: ClientIp
) -> JSONBody:
    """Create an account and return it with a token pair."""
    user, tokens = await service.register(session, runtime, data=body, client_ip=ip)
    return ok({"user": own_user(user), "tokens": tokens.as_dict()}, status_code=201)


@router.post("/login", response_model=Envelope[AuthOut])
async def login(body: LoginIn, session: SessionDep, runtime: RuntimeDep, ip: ClientIp) -> JSONBody:
    """Log in with email (or username) and password."""
    user, tokens = await service.login(
        session, runtime, identifier=body.email, password=body.password, client_ip=ip
    )
    return ok({"user": own_user(user), "tokens": tokens.as_dict()})


@router.post("/refresh", response_model=Envelope[RefreshOut])
async def refresh(
    session: SessionDep, runtime: RuntimeDep, credentials: Bearer, body: RefreshIn | None = None
) -> JSONBody:
    """Exchange a refresh token (body `refresh` or Bearer) for a new pair; the old one dies."""
    token = body.refresh if body and body.refresh else _bearer_token(credentials)
    if not token:
        raise ValidationFailed.field("refresh", "A refresh token is required")
    result = await service.refresh(session, runtime, token=token)
    if isinstance(result, Unauthorized):
        return JSONBody(result.envelope(), status_code=result.status_code, headers=result.headers)
    assert isinstance(result, service.Tokens)
    return ok({"tokens": result.as_dict()})


def _bearer_token(credentials: HTTPAuthorizationCredentials | None) -> str | None:
    return credentials.credentials if credentials else None


@router.post("/logout", response_model=Envelope[DoneOut])
async def logout(session: SessionDep, caller: CurrentCaller) -> JSONBody:
    """Revoke the presented access token and its refresh token."""
    await service.logout(session, caller=caller)
    return ok({"ok": True}, message="Logged out")


@router.get("/me", response_model=Envelope[MeOut])
async def me(user: CurrentUser) -> JSONBody:
    """The caller, with email and roles."""
    return ok(own_user(user))


@router.post("/verify-email/request", response_model=Envelope[DoneOut])
async def request_verification(
    session: SessionDep, runtime: RuntimeDep, user: CurrentUser
) -> JSONBody:
    """Mail a new email-verification link."""
    await service.request_email_verification(session, runtime, user=user)
    return ok({"ok": True}, message="Verification email sent")


@router.post("/verify-email", response_model=Envelope[MeOut])
async def verify_email(body: TokenIn, session: SessionDep) -> JSONBody:
    """Mark the email of the token's owner verified."""
    user = await service.verify_email(session, token=body.token)
    return ok(own_user(user), message="Email verified")


@router.post("/password/forgot", response_model=Envelope[DoneOut])
async def forgot_password(
    body: ForgotIn, session: SessionDep, runtime: RuntimeDep, ip: ClientIp
) -> JSONBody:
    """Mail a reset token if the account exists (always answers the same)."""
    await service.forgot_password(session, runtime, identifier=body.email, client_ip=ip)
    return ok({"ok": True}, message="If the account exists, a reset link has been sent")


@router.post("/password/reset", response_model=Envelope[DoneOut])
async def reset_password(
    body: ResetIn, session: SessionDep, runtime: RuntimeDep, ip: ClientIp
) -> JSONBody:
    """Set a new password with a mailed reset token; every session is logged out."""
    await service.reset_password(
        session, runtime, token=body.token, password=body.password, client_ip=ip
    )
    return ok({"ok": True}, message="Password updated")


@router.post("/password/change", response_model=Envelope[DoneOut])
async def change_password(
    body: ChangeIn, session: SessionDep, runtime: RuntimeDep, caller: CurrentCaller
) -> JSONBody:
    """Change the caller's password; their other sessions are logged out."""
    await service.change_password(
        session, runtime, caller=caller, current=body.current_password, new=body.new_password
    )
    return ok({"ok": True}, message="Password changed")
