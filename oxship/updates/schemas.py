"""Project-update request/response models and the serializer."""

from __future__ import annotations

import datetime as dt
import math
import uuid
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field, WithJsonSchema, field_validator

from oxship.kit.clock import iso
from oxship.kit.envelope import OutModel
from oxship.kit.text import NulFree, SingleLine, no_nul, trimmed
from oxship.models import ProjectUpdate

UpdateType = Literal[
    "investment", "hackathon_win", "milestone", "feature_launch", "partnership", "announcement"
]
Color = Literal["yellow", "blue", "green", "pink", "purple"]

DEFAULT_COLORS: dict[str, Color] = {
    "investment": "green",
    "hackathon_win": "yellow",
    "milestone": "blue",
    "feature_launch": "purple",
    "partnership": "pink",
    "announcement": "blue",
}

MAX_METADATA_KEYS = 20
MAX_METADATA_TEXT = 500
_MAX_SAFE_INT = 2**53  # beyond it JSON clients lose precision (and orjson cannot emit 2**64)

Title = Annotated[str, trimmed(1, 200), NulFree, SingleLine]
Content = Annotated[str, trimmed(1, 5000), NulFree]
MetadataKey = Annotated[str, trimmed(1, 50), NulFree, SingleLine]


def _scalar(value: Any) -> Any:
    """A metadata value: a short string, a finite number, a boolean or null."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        if abs(value) > _MAX_SAFE_INT:
            raise ValueError("integers must be within ±2^53")
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("numbers must be finite")
        return value
    if isinstance(value, str):
        value = no_nul(value.strip())
        if len(value) > MAX_METADATA_TEXT:
            raise ValueError(f"strings must have at most {MAX_METADATA_TEXT} characters")
        return value
    raise ValueError("must be a string, a number, a boolean or null")


MetadataValue = Annotated[
    Any,
    AfterValidator(_scalar),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "maxLength": MAX_METADATA_TEXT},
                {"type": "number"},
                {"type": "boolean"},
                {"type": "null"},
            ]
        }
    ),
]
Metadata = Annotated[
    dict[MetadataKey, MetadataValue],
    Field(
        max_length=MAX_METADATA_KEYS,
        description="≤20 keys of ≤50 chars (amount, investor, prize, hackathon, metric, partner…)",
    ),
]


class UpdateCreate(BaseModel):
    """`POST /api/projects/{id}/updates`; `color` defaults by type."""

    update_type: UpdateType
    title: Title
    content: Content
    metadata: Metadata = Field(default_factory=dict)
    color: Color | None = None


class UpdatePatch(BaseModel):
    """`PUT /api/projects/{id}/updates/{update_id}`: only the fields sent change."""

    update_type: UpdateType | None = None
    title: Title | None = None
    content: Content | None = None
    metadata: Metadata | None = None
    color: Color | None = None

    @field_validator("update_type", "title", "content", "metadata", "color")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("cannot be null")
        return value


class ProjectUpdateOut(OutModel):
    """A project update."""

    id: uuid.UUID
    project_id: uuid.UUID
    user_id: uuid.UUID
    update_type: UpdateType
    title: str
    content: str
    metadata: dict[str, Any]
    color: Color
    created_at: dt.datetime
    updated_at: dt.datetime


def update_out(item: ProjectUpdate) -> dict[str, Any]:
    """The JSON of a project update."""
    return {
        "id": str(item.id),
        "project_id": str(item.project_id),
        "user_id": str(item.user_id),
        "update_type": item.update_type,
        "title": item.title,
        "content": item.content,
        "metadata": item.extra or {},
        "color": item.color,
        "created_at": iso(item.created_at),
        "updated_at": iso(item.updated_at),
    }
