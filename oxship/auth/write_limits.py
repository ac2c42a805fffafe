"""Per-user limits on writes: `dependencies=[write_limit("votes")]` on a route counts one write."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import Depends

from oxship.auth.dependencies import CurrentUser, RuntimeDep

WriteKind = Literal["votes", "comments", "posts", "messages", "follows"]

_NOUNS: dict[WriteKind, str] = {
    "votes": "votes",
    "comments": "comments",
    "posts": "posts",
    "messages": "messages",
    "follows": "follow changes",
}


def write_limit(kind: WriteKind) -> Any:
    """A route dependency: one `kind` write by the caller, 429 + Retry-After past `RATE_LIMIT_<KIND>`.

    It runs after authentication and before the endpoint, so a refused write changes nothing. The
    counters live in the runtime's limiter (Redis when configured: shared by every process).
    """
    setting = f"rate_limit_{kind}"
    scope = f"write-{kind}"
    message = f"Too many {_NOUNS[kind]}, try again later"

    async def limit_writes(user: CurrentUser, runtime: RuntimeDep) -> None:
        spec: str = getattr(runtime.settings, setting)
        if spec:
            await runtime.limiter.hit(spec, scope, str(user.id), message=message)

    return Depends(limit_writes)
