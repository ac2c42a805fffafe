"""Caller dependencies: `CurrentUser`, `OptionalUser`, `AdminUser`… and the runtime."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.security.utils import get_authorization_scheme_param

from oxship.auth import service
from oxship.auth.service import BannedCaller, Caller
from oxship.db import SessionDep, transaction
from oxship.errors import Forbidden, RateLimited, Unauthorized
from oxship.kit.readlimit import READS_REFUSED, charge_unauthenticated_read
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


def _as_anonymous(request: Request) -> None:
    """A read with an invalid token is an anonymous read: it counts against the IP's read limit."""
    retry_after = charge_unauthenticated_read(request.scope)
    if retry_after:
        raise RateLimited(READS_REFUSED, retry_after=retry_after)


async def optional_caller(
    request: Request, session: SessionDep, runtime: RuntimeDep, credentials: Bearer
) -> Caller | None:
    """The caller if a valid token is presented; anonymous for a bad token; 401 if banned."""
    if credentials is None:
        return None
    try:
        return await service.resolve_caller(session, runtime, token=credentials.credentials)
    except BannedCaller:
        raise
    except Unauthorized:
        _as_anonymous(request)
        return None


def _resolves_caller(dependant: Any) -> bool:
    """Whether a dependency graph resolves the caller (which refuses banned users itself)."""
    return any(
        sub.call in (current_caller, optional_caller) or _resolves_caller(sub)
        for sub in dependant.dependencies
    )


_RESOLVES_CALLER = "_oxship_resolves_caller"


async def refuse_banned_token(request: Request) -> None:
    """App-wide: a valid token of a banned or deleted user is 401 on every route (API §1.2).

    Routes that resolve their caller refuse it there; for the others (no caller dependency) a
    presented token is checked here. Other bad tokens make an anonymous read (charged to the IP's
    read limit). The header is read directly, so public routes advertise no security scheme.
    """
    scheme, token = get_authorization_scheme_param(request.headers.get("Authorization"))
    if scheme.lower() != "bearer" or not token:
        return
    route = request.scope.get("route")
    if route is not None:
        checks: bool | None = getattr(route, _RESOLVES_CALLER, None)
        if checks is None:  # walked once per route, then remembered on it
            dependant = getattr(route, "dependant", None)
            checks = bool(dependant and _resolves_caller(dependant))
            setattr(route, _RESOLVES_CALLER, checks)
        if checks:
            return
    runtime: Runtime = request.app.state.runtime
    async with transaction(runtime, write=False) as session:
        try:
            await service.resolve_caller(session, runtime, token=token)
        except BannedCaller:
            raise
        except Unauthorized:
            _as_anonymous(request)


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
