"""Saved-project response models."""

from __future__ import annotations

import datetime as dt

from oxship.kit.envelope import OutModel
from oxship.projects.schemas import ProjectOut


class SaveStateOut(OutModel):
    """Whether the caller saved the project, and its save count after the change."""

    saved: bool
    save_count: int


class SavedCheckOut(OutModel):
    """Whether the caller saved the project."""

    saved: bool


class SavedProjectOut(ProjectOut):
    """A saved project: the full project plus when the caller saved it."""

    saved_at: dt.datetime
