"""Backup and restore files (storage/sqlite/backup.py) on real database files: a backup taken while another
connection commits is one committed state; a file is checked before it may replace the database."""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

import pytest

from storage.sqlite import migrations
from storage.sqlite.backup import DataCareError, backup, check_database, lease_of, replace_database
from storage.sqlite.database import Database
from storage.sqlite.migrations import available, migrate

MEMBERS = 20


async def migrated(path: Path, upto: int | None = None) -> None:
    """A database file with every migration, or those up to `upto`."""
    wanted = [m for m in available() if upto is None or m.version <= upto]
    db = await Database.open(path)
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(migrations, "available", lambda: wanted)
            await migrate(db)
    finally:
        await db.close()


def seed(path: Path) -> None:
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("BEGIN")
    connection.execute(
        "INSERT INTO communities (id, slug, created_at) VALUES (1, 'c', '2026-12-01T00:00:00Z')"
    )
    for n in range(1, MEMBERS + 1):
        connection.execute(
            "INSERT INTO members (id, community_id, handle, display_name, status, joined_at)"
            " VALUES (?, 1, ?, ?, 'member', '2026-12-01T00:00:00Z')",
            (n, f"m{n}", f"Member {n}"),
        )
    connection.execute("COMMIT")
    connection.close()


def award(connection: sqlite3.Connection, n: int) -> None:
    """One ledger entry and its balance, in one transaction (as the bot writes them)."""
    member = 1 + n % MEMBERS
    connection.execute("BEGIN IMMEDIATE")
    connection.execute(
        "INSERT INTO ledger (community_id, member_id, delta, kind, reason, source, created_at, month)"
        " VALUES (1, ?, ?, 'award', 'test', ?, '2026-12-01T00:00:00Z', '2026-12')",
        (member, 1 + n % 7, f"test:{n}"),
    )
    connection.execute(
        "INSERT INTO balances (community_id, member_id, balance, earned) VALUES (1, ?, ?, ?)"
        " ON CONFLICT (community_id, member_id) DO UPDATE SET balance = balance + excluded.balance,"
        " earned = earned + excluded.earned",
        (member, 1 + n % 7, 1 + n % 7),
    )
    connection.execute("COMMIT")


def unbalanced(path: Path) -> list[tuple[int, int, int]]:
    """Members whose balance is not the sum of their ledger entries."""
    connection = sqlite3.connect(path)
    try:
        return connection.execute(
            "SELECT b.member_id, b.balance, l.s FROM balances b LEFT JOIN"
            " (SELECT member_id, sum(delta) AS s FROM ledger GROUP BY member_id) l"
            " ON l.member_id = b.member_id"
            " WHERE b.balance IS NOT l.s"
        ).fetchall()
    finally:
        connection.close()


def entries(path: Path) -> int:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("SELECT count(*) FROM ledger").fetchone()[0]
    finally:
        connection.close()


async def test_a_backup_taken_while_another_connection_commits_is_one_committed_state(tmp_path: Path) -> None:
    database = tmp_path / "bot.db"
    await migrated(database)
    seed(database)
    stop = threading.Event()
    written = [0]

    def write() -> None:
        connection = sqlite3.connect(database, isolation_level=None, timeout=10)
        connection.execute("PRAGMA busy_timeout = 10000")
        while not stop.is_set():
            award(connection, written[0])
            written[0] += 1
        connection.close()

    writer = threading.Thread(target=write)
    writer.start()
    try:
        copies = []
        for n in range(8):
            while written[0] < 200 * (n + 1):  # the writer is busy before and during each copy
                stop.wait(0.001)
            copy = tmp_path / f"copy{n}.db"
            backup(database, copy)
            copies.append(copy)
    finally:
        stop.set()
        writer.join()
    counts = []
    for copy in copies:
        connection = sqlite3.connect(copy)
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("delete",)  # a file on its own
        connection.close()
        assert unbalanced(copy) == []
        assert not copy.with_name(copy.name + "-wal").exists()
        counts.append(entries(copy))
    assert counts == sorted(counts) and counts[0] > 0 and counts[-1] < written[0]
    assert not [name for name in os.listdir(tmp_path) if name.endswith(".tmp")]


async def test_a_backup_never_overwrites_a_file_unless_forced(tmp_path: Path) -> None:
    database = tmp_path / "bot.db"
    await migrated(database)
    target = tmp_path / "old.db"
    target.write_bytes(b"precious")
    with pytest.raises(DataCareError, match="--force"):
        backup(database, target)
    assert target.read_bytes() == b"precious"
    assert backup(database, target, force=True).version == available()[-1].version
    assert check_database(target).version == available()[-1].version
    with pytest.raises(DataCareError, match="the database itself"):
        backup(database, database, force=True)
    with pytest.raises(DataCareError, match="no database"):
        backup(tmp_path / "missing.db", tmp_path / "x.db")
    with pytest.raises(DataCareError, match="no folder"):
        backup(database, tmp_path / "nowhere" / "x.db")


async def test_check_refuses_what_is_not_a_sound_communitybot_database_of_this_version(
    tmp_path: Path,
) -> None:
    with pytest.raises(DataCareError, match="no file"):
        check_database(tmp_path / "missing.db")
    text = tmp_path / "notes.db"
    text.write_text("SQLite? no, a shopping list\n" * 100)
    with pytest.raises(DataCareError, match="not an SQLite database"):
        check_database(text)
    other = tmp_path / "other.db"
    connection = sqlite3.connect(other)
    connection.execute("CREATE TABLE t (x)")
    connection.commit()
    connection.close()
    with pytest.raises(DataCareError, match="not a communitybot database"):
        check_database(other)
    newer = tmp_path / "newer.db"
    await migrated(newer)
    connection = sqlite3.connect(newer)
    connection.execute("INSERT INTO schema_migrations VALUES (9999, 'future', '2030-01-01T00:00:00Z')")
    connection.commit()
    connection.close()
    with pytest.raises(DataCareError, match="newer than this communitybot"):
        check_database(newer)
    broken = tmp_path / "broken.db"
    await migrated(broken)
    seed(broken)
    data = bytearray(broken.read_bytes())
    page = 4096
    for offset in range(2 * page, len(data) - page, page):  # every page but the first: the header survives
        data[offset + 100 : offset + 400] = bytes(range(256)) + bytes(44)
    broken.write_bytes(bytes(data))
    with pytest.raises(DataCareError, match=r"integrity check|cannot be read"):
        check_database(broken)


async def test_an_older_file_passes_the_check_and_says_its_version(tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    await migrated(old, upto=13)
    found = check_database(old)
    assert (found.version, found.latest) == (13, available()[-1].version)


async def test_replacing_keeps_the_old_database_and_drops_its_log(tmp_path: Path) -> None:
    database = tmp_path / "data" / "bot.db"
    await migrated(database)
    seed(database)
    source = tmp_path / "backup.db"
    backup(database, source)
    connection = sqlite3.connect(database, isolation_level=None)  # stays open: its -wal exists
    connection.execute("PRAGMA journal_mode = WAL")
    award(connection, 1)
    replaced_sum = connection.execute("SELECT sum(delta) FROM ledger").fetchone()[0]
    connection.close()
    kept = replace_database(source, database, "20261202T100000Z")
    assert kept == database.with_name("bot.db.20261202T100000Z.bak")
    assert entries(database) == 0  # the backup was taken before the award
    old = sqlite3.connect(kept)
    assert old.execute("SELECT sum(delta) FROM ledger").fetchone()[0] == replaced_sum
    old.close()
    assert check_database(database).version == available()[-1].version
    with pytest.raises(DataCareError, match="exists already"):
        replace_database(source, database, "20261202T100000Z")


async def test_the_lease_is_read_from_the_file(tmp_path: Path) -> None:
    database = tmp_path / "bot.db"
    assert lease_of(database) is None
    await migrated(database)
    assert lease_of(database) is None
    connection = sqlite3.connect(database)
    connection.execute(
        "INSERT INTO scheduler_lease VALUES ('scheduler', 'host:1:abc', '2026-12-02T10:00:00.000000Z',"
        " '2026-12-02T09:00:00.000000Z')"
    )
    connection.commit()
    connection.close()
    lease = lease_of(database)
    assert lease is not None and lease.holder == "host:1:abc" and lease.expires_at.hour == 10


async def test_a_damaged_database_is_replaced_and_kept_as_it_was(tmp_path: Path) -> None:
    """The usual reason to restore: the database no longer opens."""
    database = tmp_path / "data" / "bot.db"
    await migrated(database)
    source = tmp_path / "backup.db"
    backup(database, source)
    database.write_bytes(b"SQLite format 3\x00" + b"\xff" * 5000)
    kept = replace_database(source, database, "20261202T110000Z")
    assert kept is not None and kept.read_bytes().startswith(b"SQLite format 3\x00\xff\xff")
    assert check_database(database).version == available()[-1].version
