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


async def test_a_last_seen_write_rewrites_no_index(tmp_path: Path) -> None:
    """A member's last-seen time is written on their first message of each minute (every vote of a burst
    from distinct members): an index holding it made each such write a second random page to commit."""
    db = await Database.open(tmp_path / "bot.db")
    try:
        await migrate(db)
        indexes = await db.fetch_all(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'identities'"
        )
        assert indexes  # the member's identities are still found by an index
        for (name,) in indexes:
            columns = {row["name"] for row in await db.fetch_all(f"PRAGMA index_info({name})")}
            assert "last_seen_at" not in columns, name
        plan = await db.fetch_all(
            "EXPLAIN QUERY PLAN SELECT identity FROM identities WHERE community_id = 1 AND member_id = 7"
            " ORDER BY last_seen_at DESC, identity"
        )
        assert any("identities_by_member" in row["detail"] for row in plan)
    finally:
        await db.close()
