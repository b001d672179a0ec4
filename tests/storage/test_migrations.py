from __future__ import annotations

from pathlib import Path

import pytest

from storage.sqlite import migrations
from storage.sqlite.database import Database
from storage.sqlite.migrations import Migration, applied_versions, available, migrate


async def table_names(db: Database) -> set[str]:
    rows = await db.fetch_all("SELECT name FROM sqlite_master WHERE type = 'table'")
    return {row[0] for row in rows}


async def test_empty_database_gets_every_migration_recorded(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "nested" / "dir" / "bot.db")
    try:
        applied = await migrate(db)
        assert [m.version for m in applied] == [m.version for m in available()]
        assert await applied_versions(db) == {m.version for m in available()}
        assert {"members", "identities", "jobs", "communities"} <= await table_names(db)
        journal = await db.fetch_one("PRAGMA journal_mode")
        foreign_keys = await db.fetch_one("PRAGMA foreign_keys")
        assert journal is not None and journal[0] == "wal"
        assert foreign_keys is not None and foreign_keys[0] == 1
    finally:
        await db.close()


async def test_migrated_database_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    db = await Database.open(path)
    await migrate(db)
    await db.close()
    db = await Database.open(path)
    try:
        assert await migrate(db) == []
    finally:
        await db.close()


async def test_a_failing_migration_leaves_nothing_behind(tmp_path: Path, monkeypatch) -> None:
    good = available()
    broken = Migration(9999, "broken", "CREATE TABLE half (id INTEGER);\nTHIS IS NOT SQL;\n")
    monkeypatch.setattr(migrations, "available", lambda: [*good, broken])
    db = await Database.open(tmp_path / "bot.db")
    try:
        with pytest.raises(Exception, match="syntax error"):
            await migrate(db)
        assert "half" not in await table_names(db)
        assert "members" not in await table_names(db)  # all pending migrations were one transaction
        assert await applied_versions(db) == set()
    finally:
        await db.close()


def test_statements_keep_trigger_bodies_whole() -> None:
    sql = (
        "CREATE TABLE a (x INTEGER);\n"
        "CREATE TRIGGER t AFTER INSERT ON a BEGIN\n  UPDATE a SET x = 1;\n  UPDATE a SET x = 2;\nEND;\n"
    )
    statements = Migration(1, "t", sql).statements()
    assert len(statements) == 2
    assert statements[1].count("UPDATE") == 2
