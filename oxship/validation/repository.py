"""SQL for badges, badge types, validator profiles and review assignments."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    String,
    Text,
    Uuid,
    and_,
    cast,
    delete,
    exists,
    false,
    func,
    literal,
    or_,
    select,
    true,
    type_coerce,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from oxship.kit.clock import utcnow
from oxship.kit.dbtypes import UTCDateTime
from oxship.kit.sql import dialect_name, insert_ignoring_conflicts
from oxship.models import (
    Badge,
    BadgeType,
    Project,
    ProjectTag,
    User,
    ValidatorAssignment,
    ValidatorProfile,
)

OWNER_VISIBLE = and_(User.is_active.is_(True), User.deleted_at.is_(None))
LIVE_PROJECT = Project.is_deleted.is_(False)
OPEN_STATUSES = ("pending", "in_review")


def _sql_uuid(session: AsyncSession) -> Any:
    """A fresh random UUID computed by the database (32 hex digits on SQLite, as `Uuid` stores)."""
    if dialect_name(session) == "postgresql":
        return func.gen_random_uuid()
    return func.lower(func.hex(func.randomblob(16)))


def _rowcount(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


# --- badge types ---------------------------------------------------------------------------------


async def custom_type(session: AsyncSession, name: str) -> BadgeType | None:
    """The custom badge type of that (lower-cased) name."""
    return (await session.scalars(select(BadgeType).where(BadgeType.name == name))).one_or_none()


async def custom_type_names(session: AsyncSession, names: Sequence[str]) -> set[str]:
    """Which of these names are custom badge types."""
    if not names:
        return set()
    stmt = select(BadgeType.name).where(BadgeType.name.in_(list(names)))
    return set((await session.scalars(stmt)).all())


async def insert_type(session: AsyncSession, values: dict[str, Any]) -> bool:
    """Insert a custom badge type unless its name exists; True when new."""
    result = await session.execute(insert_ignoring_conflicts(session, BadgeType, values))
    return _rowcount(result) > 0


async def count_types(session: AsyncSession) -> int:
    """How many custom badge types exist."""
    return int((await session.execute(select(func.count()).select_from(BadgeType))).scalar_one())


async def type_page(session: AsyncSession, *, offset: int, limit: int) -> Sequence[BadgeType]:
    """Custom badge types by name."""
    stmt = select(BadgeType).order_by(BadgeType.name).offset(offset).limit(limit)
    return (await session.scalars(stmt)).all()


# --- badges --------------------------------------------------------------------------------------


async def insert_badge(session: AsyncSession, values: dict[str, Any]) -> bool:
    """Insert a badge unless (validator, project) has one; True when new."""
    result = await session.execute(insert_ignoring_conflicts(session, Badge, values))
    return _rowcount(result) > 0


def _badge_with_validator() -> Any:
    return select(Badge, User.username, User.display_name, User.avatar_url).join(
        User, User.id == Badge.validator_id
    )


async def badge_row(session: AsyncSession, badge_id: uuid.UUID) -> Any:
    """(Badge, username, display_name, avatar_url) of one badge."""
    return (await session.execute(_badge_with_validator().where(Badge.id == badge_id))).first()


async def get_badge(
    session: AsyncSession, badge_id: uuid.UUID, *, lock: bool = False
) -> Badge | None:
    """One badge, optionally row-locked."""
    stmt = select(Badge).where(Badge.id == badge_id)
    if lock:
        stmt = stmt.with_for_update()
    return (await session.scalars(stmt)).one_or_none()


async def badge_of(session: AsyncSession, *, validator_id: uuid.UUID, project_id: uuid.UUID) -> Any:
    """The validator's badge on the project, with the validator's card."""
    stmt = _badge_with_validator().where(
        Badge.validator_id == validator_id, Badge.project_id == project_id
    )
    return (await session.execute(stmt)).first()


async def project_badges(
    session: AsyncSession, project_id: uuid.UUID, *, offset: int, limit: int
) -> tuple[list[Any], int]:
    """A project's badges with their validators' cards, newest first; the total."""
    total = (
        await session.execute(
            select(func.count()).select_from(Badge).where(Badge.project_id == project_id)
        )
    ).scalar_one()
    stmt = (
        _badge_with_validator()
        .where(Badge.project_id == project_id)
        .order_by(Badge.created_at.desc(), Badge.id)
        .offset(offset)
        .limit(limit)
    )
    return list((await session.execute(stmt)).all()), int(total)


@dataclass(frozen=True, slots=True)
class BadgeFilters:
    """Filters of the admin badge list."""

    badge_type: str | None = None
    validator_id: uuid.UUID | None = None
    project_id: uuid.UUID | None = None
    badge_id: uuid.UUID | None = None

    def clauses(self) -> list[ColumnElement[bool]]:
        """The WHERE clauses of the filters given."""
        found: list[ColumnElement[bool]] = []
        if self.badge_id is not None:
            found.append(Badge.id == self.badge_id)
        if self.badge_type is not None:
            found.append(Badge.badge_type == self.badge_type)
        if self.validator_id is not None:
            found.append(Badge.validator_id == self.validator_id)
        if self.project_id is not None:
            found.append(Badge.project_id == self.project_id)
        return found


async def badge_page(
    session: AsyncSession, filters: BadgeFilters, *, offset: int, limit: int
) -> tuple[list[Any], int]:
    """(Badge, username, display_name, avatar_url, project title) rows, newest first; the total."""
    where = filters.clauses()
    total = (
        await session.execute(select(func.count()).select_from(Badge).where(*where))
    ).scalar_one()
    stmt = (
        _badge_with_validator()
        .add_columns(Project.title)
        .join(Project, Project.id == Badge.project_id)
        .where(*where)
        .order_by(Badge.created_at.desc(), Badge.id)
        .offset(offset)
        .limit(limit)
    )
    return list((await session.execute(stmt)).all()), int(total)


async def update_badge(session: AsyncSession, badge: Badge, values: dict[str, Any]) -> None:
    """Set columns of one badge (and on the loaded object, without marking it dirty)."""
    await session.execute(
        update(Badge)
        .where(Badge.id == badge.id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    for name, value in values.items():
        set_committed_value(badge, name, value)


async def delete_badge(session: AsyncSession, badge_id: uuid.UUID) -> bool:
    """Hard-delete one badge; False when it was gone."""
    return _rowcount(await session.execute(delete(Badge).where(Badge.id == badge_id))) > 0


async def lock_project(session: AsyncSession, project_id: uuid.UUID) -> Any:
    """Row-lock a project in any state → (user_id, title), or None when it does not exist."""
    stmt = select(Project.user_id, Project.title).where(Project.id == project_id).with_for_update()
    return (await session.execute(stmt)).first()


async def add_user_badge_count(session: AsyncSession, user_id: uuid.UUID, delta: int) -> None:
    """`users.badge_count = badge_count + delta` in SQL (badges received on the user's projects)."""
    await session.execute(
        update(User)
        .where(User.id == user_id)
        .values(badge_count=User.badge_count + delta)
        .execution_options(synchronize_session=False)
    )


async def project_scores(session: AsyncSession, project_id: uuid.UUID) -> Any:
    """The validation counters and scores of a project."""
    stmt = select(
        Project.id,
        Project.badge_count,
        Project.badge_points,
        Project.validation_score,
        Project.proof_score,
        Project.trending_score,
    ).where(Project.id == project_id)
    return (await session.execute(stmt)).one()


async def badges_by_type(session: AsyncSession, validator_id: uuid.UUID) -> dict[str, int]:
    """How many badges the validator awarded, per type."""
    stmt = (
        select(Badge.badge_type, func.count())
        .where(Badge.validator_id == validator_id)
        .group_by(Badge.badge_type)
    )
    return {name: int(n) for name, n in await session.execute(stmt)}


# --- validator profiles --------------------------------------------------------------------------


async def get_profile(session: AsyncSession, user_id: uuid.UUID) -> ValidatorProfile | None:
    """A validator's profile."""
    return await session.get(ValidatorProfile, user_id)


async def insert_profile(session: AsyncSession, values: dict[str, Any]) -> ValidatorProfile:
    """Insert a validator profile and flush it."""
    profile = ValidatorProfile(**values)
    session.add(profile)
    await session.flush()
    return profile


async def update_profile(
    session: AsyncSession, profile: ValidatorProfile, values: dict[str, Any]
) -> None:
    """Set columns of a validator profile (and on the loaded object)."""
    await session.execute(
        update(ValidatorProfile)
        .where(ValidatorProfile.user_id == profile.user_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    for name, value in values.items():
        set_committed_value(profile, name, value)


async def user_by_email(session: AsyncSession, email: str) -> User | None:
    """The undeleted user with this email (emails are stored lower-cased)."""
    stmt = select(User).where(User.email == email.lower(), User.deleted_at.is_(None))
    return (await session.scalars(stmt)).one_or_none()


async def get_user(session: AsyncSession, user_id: uuid.UUID) -> User | None:
    """An undeleted user."""
    stmt = select(User).where(User.id == user_id, User.deleted_at.is_(None))
    return (await session.scalars(stmt)).one_or_none()


async def lock_user(session: AsyncSession, user_id: uuid.UUID) -> User | None:
    """An undeleted user, row-locked (serialises changes to one validator)."""
    stmt = select(User).where(User.id == user_id, User.deleted_at.is_(None)).with_for_update()
    return (await session.scalars(stmt)).one_or_none()


async def set_validator_flag(session: AsyncSession, user: User, value: bool) -> bool:
    """Flip `is_validator` to `value` when it is not already; True when this call changed it."""
    stmt = (
        update(User)
        .where(User.id == user.id, User.is_validator.is_(not value))
        .values(is_validator=value)
        .execution_options(synchronize_session=False)
    )
    changed = _rowcount(await session.execute(stmt)) > 0
    if changed:
        set_committed_value(user, "is_validator", value)
    return changed


async def validator_page(
    session: AsyncSession, *, offset: int, limit: int
) -> tuple[list[Any], int]:
    """(User, ValidatorProfile | None, badges awarded) of validators by username; the total."""
    where = (User.is_validator.is_(True), User.deleted_at.is_(None))
    total = (
        await session.execute(select(func.count()).select_from(User).where(*where))
    ).scalar_one()
    awarded = (
        select(func.count())
        .select_from(Badge)
        .where(Badge.validator_id == User.id)
        .scalar_subquery()
    )
    stmt = (
        select(User, ValidatorProfile, awarded.label("awarded"))
        .outerjoin(ValidatorProfile, ValidatorProfile.user_id == User.id)
        .where(*where)
        .order_by(User.username)
        .offset(offset)
        .limit(limit)
    )
    return list((await session.execute(stmt)).all()), int(total)


# --- assignments ---------------------------------------------------------------------------------


async def insert_assignment(session: AsyncSession, values: dict[str, Any]) -> bool:
    """Insert an assignment unless (validator, project) has one; True when new."""
    result = await session.execute(insert_ignoring_conflicts(session, ValidatorAssignment, values))
    return _rowcount(result) > 0


async def get_assignment(
    session: AsyncSession, assignment_id: uuid.UUID
) -> ValidatorAssignment | None:
    """One assignment."""
    return (
        await session.scalars(
            select(ValidatorAssignment).where(ValidatorAssignment.id == assignment_id)
        )
    ).one_or_none()


async def assignment_of(
    session: AsyncSession, *, validator_id: uuid.UUID, project_id: uuid.UUID
) -> ValidatorAssignment | None:
    """The validator's assignment for the project."""
    stmt = select(ValidatorAssignment).where(
        ValidatorAssignment.validator_id == validator_id,
        ValidatorAssignment.project_id == project_id,
    )
    return (await session.scalars(stmt)).one_or_none()


async def move_assignment(
    session: AsyncSession,
    assignment_id: uuid.UUID,
    *,
    validator_id: uuid.UUID,
    from_statuses: Sequence[str],
    values: dict[str, Any],
) -> bool:
    """Change the caller's assignment only from one of `from_statuses`; True when it moved."""
    stmt = (
        update(ValidatorAssignment)
        .where(
            ValidatorAssignment.id == assignment_id,
            ValidatorAssignment.validator_id == validator_id,
            ValidatorAssignment.status.in_(list(from_statuses)),
        )
        .values(**values, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return _rowcount(await session.execute(stmt)) > 0


async def settle_assignments(
    session: AsyncSession, *, project_id: uuid.UUID, validator_id: uuid.UUID
) -> None:
    """A badge was awarded: the validator's assignment → validated, others' open ones → completed."""
    now = utcnow()
    await session.execute(
        update(ValidatorAssignment)
        .where(
            ValidatorAssignment.project_id == project_id,
            ValidatorAssignment.validator_id == validator_id,
        )
        .values(status="validated", updated_at=now)
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        update(ValidatorAssignment)
        .where(
            ValidatorAssignment.project_id == project_id,
            ValidatorAssignment.validator_id != validator_id,
            ValidatorAssignment.status.in_(OPEN_STATUSES),
        )
        .values(status="completed", updated_at=now)
        .execution_options(synchronize_session=False)
    )


async def delete_assignment(session: AsyncSession, assignment_id: uuid.UUID) -> bool:
    """Delete one assignment; False when it did not exist."""
    stmt = delete(ValidatorAssignment).where(ValidatorAssignment.id == assignment_id)
    return _rowcount(await session.execute(stmt)) > 0


async def delete_open_assignments(session: AsyncSession, validator_id: uuid.UUID) -> int:
    """Delete a validator's pending and in-review assignments; how many."""
    stmt = delete(ValidatorAssignment).where(
        ValidatorAssignment.validator_id == validator_id,
        ValidatorAssignment.status.in_(OPEN_STATUSES),
    )
    return _rowcount(await session.execute(stmt))


def _assignment_values(
    session: AsyncSession, *, priority: str, rank: int, assigned_by: uuid.UUID | None
) -> dict[str, Any]:
    now = utcnow()
    return {
        "id": _sql_uuid(session),
        "status": literal("pending", String(12)),
        "priority": literal(priority, String(8)),
        "priority_rank": literal(rank, Integer),
        "notes": literal(None, Text),
        "assigned_by": literal(assigned_by, Uuid),
        "created_at": literal(now, UTCDateTime),
        "updated_at": literal(now, UTCDateTime),
    }


def _insert_select(session: AsyncSession, columns: list[str], source: Any) -> Any:
    """INSERT INTO validator_assignments (…) SELECT … ON CONFLICT DO NOTHING."""
    if dialect_name(session) == "postgresql":
        return (
            postgresql.insert(ValidatorAssignment)
            .from_select(columns, source)
            .on_conflict_do_nothing()
        )
    return sqlite.insert(ValidatorAssignment).from_select(columns, source).on_conflict_do_nothing()


async def bulk_assign(
    session: AsyncSession,
    *,
    validator_id: uuid.UUID,
    category: str,
    priority: str,
    rank: int,
    limit: int,
    assigned_by: uuid.UUID,
) -> int:
    """Assign to the validator up to `limit` live projects of the category (oldest first) that are
    not theirs and not yet assigned to them, as one `INSERT … SELECT`; how many were created."""
    already = exists().where(
        ValidatorAssignment.validator_id == validator_id,
        ValidatorAssignment.project_id == Project.id,
    )
    tagged = exists().where(
        ProjectTag.project_id == Project.id,
        ProjectTag.kind == "category",
        ProjectTag.tag == category,
    )
    candidates = (
        select(Project.id.label("project_id"))
        .join(User, User.id == Project.user_id)
        .where(LIVE_PROJECT, OWNER_VISIBLE, Project.user_id != validator_id, tagged, ~already)
        .order_by(Project.created_at, Project.id)
        .limit(limit)
        .subquery()
    )
    fields = _assignment_values(session, priority=priority, rank=rank, assigned_by=assigned_by)
    fields["validator_id"] = literal(validator_id, Uuid)
    fields["project_id"] = candidates.c.project_id
    # `WHERE true`: SQLite cannot parse `INSERT … SELECT … ON CONFLICT` without a WHERE.
    source = select(*fields.values()).select_from(candidates).where(true())
    result = await session.execute(_insert_select(session, list(fields), source))
    return _rowcount(result)


def _categories_overlap(session: AsyncSession, categories: Sequence[str]) -> ColumnElement[bool]:
    """The profile's (lower-cased) `allowed_categories` share an element with `categories`."""
    if not categories:
        return false()
    if dialect_name(session) == "postgresql":
        column = type_coerce(ValidatorProfile.allowed_categories, postgresql.ARRAY(Text()))
        overlap: ColumnElement[bool] = column.overlap(
            cast(postgresql.array(list(categories)), postgresql.ARRAY(Text()))
        )
        return overlap
    each = func.json_each(ValidatorProfile.allowed_categories).table_valued("value")
    return exists(select(literal(1)).select_from(each).where(each.c.value.in_(list(categories))))


def active_validators() -> Any:
    """SELECT of the user ids of active validators with an active profile."""
    return (
        select(ValidatorProfile.user_id)
        .join(User, User.id == ValidatorProfile.user_id)
        .where(ValidatorProfile.is_active.is_(True), User.is_validator.is_(True), OWNER_VISIBLE)
    )


async def auto_assign(
    session: AsyncSession, *, project_id: uuid.UUID, owner_id: uuid.UUID, categories: Sequence[str]
) -> int:
    """Assign a new project to every active validator (not its owner) who may validate all
    projects or whose categories it shares, as one `INSERT … SELECT`; how many were created."""
    chosen = (
        active_validators()
        .where(
            ValidatorProfile.user_id != owner_id,
            or_(
                ValidatorProfile.can_validate_all.is_(True),
                _categories_overlap(session, categories),
            ),
        )
        .subquery()
    )
    fields = _assignment_values(session, priority="normal", rank=2, assigned_by=None)
    fields["validator_id"] = chosen.c.user_id
    fields["project_id"] = literal(project_id, Uuid)
    source = select(*fields.values()).select_from(chosen).where(true())
    result = await session.execute(_insert_select(session, list(fields), source))
    return _rowcount(result)


def assignees_of(project_id: uuid.UUID) -> Any:
    """SELECT of the validators assigned to a project."""
    return select(ValidatorAssignment.validator_id).where(
        ValidatorAssignment.project_id == project_id
    )


@dataclass(frozen=True, slots=True)
class AssignmentFilters:
    """Filters of an assignment list."""

    validator_id: uuid.UUID
    status: str | None = None
    priority: str | None = None


async def assignment_page(
    session: AsyncSession, f: AssignmentFilters, *, offset: int, limit: int
) -> tuple[list[Any], int]:
    """(ValidatorAssignment, Project, username, display_name, avatar_url) of live projects,
    most urgent first then oldest; the total."""
    where: list[ColumnElement[bool]] = [
        ValidatorAssignment.validator_id == f.validator_id,
        LIVE_PROJECT,
        OWNER_VISIBLE,
    ]
    if f.status is not None:
        where.append(ValidatorAssignment.status == f.status)
    if f.priority is not None:
        where.append(ValidatorAssignment.priority == f.priority)
    base = (
        select(ValidatorAssignment, Project, User.username, User.display_name, User.avatar_url)
        .join(Project, Project.id == ValidatorAssignment.project_id)
        .join(User, User.id == Project.user_id)
        .where(*where)
    )
    total = (
        await session.execute(
            select(func.count())
            .select_from(ValidatorAssignment)
            .join(Project, Project.id == ValidatorAssignment.project_id)
            .join(User, User.id == Project.user_id)
            .where(*where)
        )
    ).scalar_one()
    stmt = (
        base.order_by(
            ValidatorAssignment.priority_rank,
            ValidatorAssignment.created_at,
            ValidatorAssignment.id,
        )
        .offset(offset)
        .limit(limit)
    )
    return list((await session.execute(stmt)).all()), int(total)


async def assignments_by_status(session: AsyncSession, validator_id: uuid.UUID) -> dict[str, int]:
    """How many assignments the validator has, per status."""
    stmt = (
        select(ValidatorAssignment.status, func.count())
        .where(ValidatorAssignment.validator_id == validator_id)
        .group_by(ValidatorAssignment.status)
    )
    return {status: int(n) for status, n in await session.execute(stmt)}


# --- what a validator may validate ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Scope:
    """The project half of a validator's permission (API §3.10)."""

    validator_id: uuid.UUID
    can_validate_all: bool
    categories: tuple[str, ...]
    project_ids: tuple[uuid.UUID, ...]

    def clause(self) -> ColumnElement[bool]:
        """Projects inside the scope: all, assigned, listed, or sharing a category."""
        if self.can_validate_all:
            return true()
        options: list[ColumnElement[bool]] = [
            exists().where(
                ValidatorAssignment.validator_id == self.validator_id,
                ValidatorAssignment.project_id == Project.id,
            )
        ]
        if self.project_ids:
            options.append(Project.id.in_(list(self.project_ids)))
        if self.categories:
            options.append(
                exists().where(
                    ProjectTag.project_id == Project.id,
                    ProjectTag.kind == "category",
                    ProjectTag.tag.in_(list(self.categories)),
                )
            )
        return or_(*options)


async def in_scope(session: AsyncSession, scope: Scope, project_id: uuid.UUID) -> bool:
    """Whether the project is inside the validator's scope."""
    stmt = select(Project.id).where(Project.id == project_id, scope.clause())
    return (await session.execute(stmt)).first() is not None


async def scope_page(
    session: AsyncSession, scope: Scope, *, validated: bool | None, offset: int, limit: int
) -> tuple[list[Any], int]:
    """(Project, username, display_name, avatar_url, validated_by_me) of live projects in the
    scope (never the validator's own), newest first; the total."""
    mine = exists().where(Badge.validator_id == scope.validator_id, Badge.project_id == Project.id)
    where: list[ColumnElement[bool]] = [
        LIVE_PROJECT,
        OWNER_VISIBLE,
        Project.user_id != scope.validator_id,
        scope.clause(),
    ]
    if validated is True:
        where.append(mine)
    elif validated is False:
        where.append(~mine)
    total = (
        await session.execute(
            select(func.count())
            .select_from(Project)
            .join(User, User.id == Project.user_id)
            .where(*where)
        )
    ).scalar_one()
    stmt = (
        select(Project, User.username, User.display_name, User.avatar_url, mine.label("mine"))
        .join(User, User.id == Project.user_id)
        .where(*where)
        .order_by(Project.created_at.desc(), Project.id)
        .offset(offset)
        .limit(limit)
    )
    return list((await session.execute(stmt)).all()), int(total)
