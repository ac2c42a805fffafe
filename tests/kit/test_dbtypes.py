"""Portable column types round-trip identically on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import Column, Integer, MetaData, Table, Uuid, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from oxship.kit.dbtypes import JSONDoc, StringList, UTCDateTime
from oxship.kit.ids import new_id

scratch = MetaData()
probe = Table(
    "dbtypes_probe",
    scratch,
    Column("id", Integer, primary_key=True),
    Column("uid", Uuid),
    Column("at", UTCDateTime),
    Column("doc", JSONDoc),
    Column("tags", StringList),
)


async def test_types_round_trip(engine: AsyncEngine) -> None:
    uid = new_id()
    at = datetime(2026, 3, 1, 12, 30, 15, 123456, tzinfo=timezone(timedelta(hours=2)))
    doc = {"a": [1, 2, {"b": None}], "unicode": "héllo ✓", "n": 1.5}
    async with engine.connect() as conn:
        outer = await conn.begin()
        await conn.run_sync(lambda c: scratch.create_all(c))
        await conn.execute(
            insert(probe),
            [
                {"id": 1, "uid": uid, "at": at, "doc": doc, "tags": ["rust", "web3", "ünï"]},
                {"id": 2, "uid": None, "at": None, "doc": None, "tags": []},
            ],
        )
        rows = (await conn.execute(select(probe).order_by(probe.c.id))).all()
        await outer.rollback()
    first, second = rows
    assert first.uid == uid
    assert isinstance(first.uid, uuid.UUID)
    assert first.at == at
    assert first.at.tzinfo is not None
    assert first.at.utcoffset() == timedelta(0)
    assert first.at.astimezone(UTC).hour == 10
    assert first.doc == doc
    assert first.tags == ["rust", "web3", "ünï"]
    assert second.tags == []
    assert second.at is None


def test_new_ids_are_time_ordered_version_7() -> None:
    ids = [new_id() for _ in range(1000)]
    assert all(i.version == 7 for i in ids)
    assert len(set(ids)) == 1000
    stamps = [i.int >> 80 for i in ids]
    assert stamps == sorted(stamps)
