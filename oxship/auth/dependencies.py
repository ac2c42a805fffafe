"""Caller dependencies: `CurrentUser`, `OptionalUser`, `AdminUser`… and the runtime."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from oxship.auth import service
from oxship.auth.service import BannedCaller, Caller
from oxship.db import SessionDep
from oxship.errors import Forbidden, Unauthorized
from oxship.models import User
from oxship.runtime import Runtime

_bearer = HTTPBearer(auto_error=False, description="Access token from /api/auth/login")


async def get_runtime(request: Request) -> Runtime:
    """Dependency: the process runtime."""
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


async def client_ip(request: Request) -> str:
    """The client address (uvicorn resolves trusted proxy headers)."""
    return request.client.host if request.client else "unknown"


ClientIp = Annotated[str, Depends(client_ip)]
Bearer = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


async def current_caller(session: SessionDep, runtime: RuntimeDep, credentials: Bearer) -> Caller:
    """The authenticated caller; 401 without a valid token of an active user."""
    if credentials is None:
        raise Unauthorized("Authentication required")
    return await service.resolve_caller(session, runtime, token=credentials.credentials)


async def optional_caller(
    session: SessionDep, runtime: RuntimeDep, credentials: Bearer
) -> Caller | None:
    """The caller if a valid token is presented; anonymous for a bad token; 401 if banned."""
    if credentials is None:
        return None
    try:
        return await service.resolve_caller(session, runtime, token=credentials.credentials)
    except BannedCaller:
        raise
    except Unauthorized:
        return None


CurrentCaller = Annotated[Caller, Depends(current_caller)]
OptionalCaller = Annotated[Caller | None, Depends(optional_caller)]


async def current_user(caller: CurrentCaller) -> User:
    """The authenticated user."""
    return caller.user


async def optional_user(caller: OptionalCaller) -> User | None:
    """The authenticated user, or None for anonymous callers."""
    return caller.user if caller else None


async def admin_user(user: Annotated[User, Depends(current_user)]) -> User:
    """The authenticated user, who must be an admin (403 otherwise)."""
    if not user.is_admin:
        raise Forbidden("Admin access required")
    return user


async def validator_user(user: Annotated[User, Depends(current_user)]) -> User:
    """The authenticated user, who must be a validator (403 otherwise)."""
    if not user.is_validator:
        raise Forbidden("Validator access required")
    return user


async def investor_user(user: Annotated[User, Depends(current_user)]) -> User:
    """The authenticated user, who must be an approved investor (403 otherwise)."""
    if not user.is_investor:
        raise Forbidden("Only approved investors can do this")
    return user


CurrentUser = Annotated[User, Depends(current_user)]
OptionalUser = Annotated[User | None, Depends(optional_user)]
AdminUser = Annotated[User, Depends(admin_user)]
ValidatorUser = Annotated[User, Depends(validator_user)]
InvestorUser = Annotated[User, Depends(investor_user)]
