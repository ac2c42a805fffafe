"""GitHub linking request and response models."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from oxship.kit.envelope import OutModel

OAuthCode = Annotated[
    str,
    Query(min_length=1, max_length=512, description="the `code` GitHub appended to redirect_uri"),
]
OAuthState = Annotated[
    str,
    Query(min_length=1, max_length=512, description="the `state` GitHub appended to redirect_uri"),
]


class ConnectOut(OutModel):
    """`{auth_url}`: GitHub's authorize page for a fresh, user-bound, single-use state."""

    auth_url: str
