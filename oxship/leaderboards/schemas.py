"""Leaderboard responses."""

from __future__ import annotations

import datetime as dt

from oxship.chains.schemas import ChainOut
from oxship.kit.envelope import OutModel
from oxship.projects.schemas import ProjectOut
from oxship.users.schemas import UserOut


class TrendingOut(OutModel):
    """The top of every board."""

    projects: list[ProjectOut]
    users: list[UserOut]
    chains: list[ChainOut]
    generated_at: dt.datetime
