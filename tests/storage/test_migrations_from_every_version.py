"""Migrations apply from every earlier schema version with data in it (a deployment upgrades from wherever it
stood): for each version N, a file migrated up to N gets a row in every table it has, then the remaining
migrations run; every row is still there with its values, and the file passes SQLite's integrity and
foreign key checks.

The rows are made from the schema itself (each table's columns, types, foreign keys and CHECK lists), so a
table a later migration adds gets its row in this test without anyone writing one; OVERRIDES holds the few
values a constraint needs that a column's type does not tell.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from storage.sqlite import migrations
from storage.sqlite.database import Database
from storage.sqlite.migrations import Migration, available, migrate

MOMENT = "2026-12-01T09:00:00.000000Z"

OVERRIDES: dict[str, dict[str, Any]] = {
    # (recipient IS NOT NULL) + (member_id IS NOT NULL) + (channel IS NOT NULL) = 1
    "deliveries": {"recipient": "whatsapp:+33612345678", "member_id": None},
    "circles": {"size": 2},
    "nps_answers": {"score": 9},
    "referrals": {"referrer_id": 2},  # newcomer_id <> referrer_id: the second member (SECOND_ROWS)
    "newsletter_issues": {"number": 1},  # (state = 'sent') = (number IS NOT NULL)
    "ledger": {"delta": 5},
    "balances": {"balance": 5, "earned": 5},
    "polls": {"max_picks": 1},
    "idea_backers": {"member_id": 2},  # a member cannot back their own idea
    "announcements": {"next_at": MOMENT},
    "newsletter_picks": {
        "state": "published"
    },  # (state = 'published') = (issue_id IS NOT NULL)  # (state = 'scheduled') = (next_at IS NOT NULL)
}
"""Values a CHECK needs (per table, per column) that the generic rules below would not give."""

COUNTED = {"polls": ("voters",), "poll_options": ("votes",), "ideas": ("backers",)}
"""Counters that triggers move when a child row goes in after the parent's was written."""

SECOND_ROWS = ("members",)
"""Tables that get a second row (id 2), for rows that name two of them (a referral: newcomer and referrer)."""


def migrations_upto(version: int) -> list[Migration]:
    return [m for m in available() if m.version <= version]


async def migrate_with(path: Path, wanted: list[Migration]) -> None:
    db = await Database.open(path)
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(migrations, "available", lambda: wanted)
            await migrate(db)
    finally:
        await db.close()


def tables(connection: sqlite3.Connection) -> dict[str, str]:
    return dict(
        connection.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " AND name <> 'schema_migrations'"
        ).fetchall()
    )


def in_order(connection: sqlite3.Connection, names: list[str]) -> list[str]:
    """Parents before the tables that refer to them."""
    parents = {
        name: {row[2] for row in connection.execute(f"PRAGMA foreign_key_list({name})")} - {name}
        for name in names
    }
    done: list[str] = []
    while len(done) < len(names):
        ready = sorted(
            n for n in names if n not in done and parents[n] <= {*done, *(set(parents[n]) - set(names))}
        )
        assert ready, f"a cycle of foreign keys among {sorted(set(names) - set(done))}"
        done.extend(ready)
    return done


def value_for(table: str, sql: str, column: str, kind: str) -> Any:
    choices = re.search(rf"\b{column}\s+IN\s*\(([^)]*)\)", sql)
    if choices:
        first = choices[1].split(",")[0].strip()
        return first.strip("'") if first.startswith("'") else int(first)
    if re.search(rf"json_valid\({column}\)", sql):
        return "[]"
    if column == "month":
        return "2026-12"
    if column.endswith("_at") or column in ("at", "since", "until", "start", "deadline", "day_start"):
        return MOMENT
    kind = kind.upper()
    if "INT" in kind:
        return 1
    if "REAL" in kind:
        return 1.0
    if "BLOB" in kind:
        return b"\x01"
    return f"{table}-{column}"


def fill(connection: sqlite3.Connection) -> dict[str, dict[str, Any]]:
    """One row in every table; returns what was written, by table and column."""
    schema = tables(connection)
    written: dict[str, dict[str, Any]] = {}
    for table in in_order(connection, sorted(schema)):
        references = {
            row[3]: (row[2], row[4]) for row in connection.execute(f"PRAGMA foreign_key_list({table})")
        }
        row: dict[str, Any] = {}
        for _, column, kind, notnull, default, _pk in connection.execute(f"PRAGMA table_info({table})"):
            if column in OVERRIDES.get(table, {}):
                row[column] = OVERRIDES[table][column]
            elif column in references:
                parent, key = references[column]
                if parent == table or parent not in written:
                    row[column] = None  # a row pointing at itself (merged_into, reverses) or outside
                else:
                    row[column] = written[parent][key or "id"]
            elif (notnull and default is None) or _pk:
                row[column] = value_for(table, schema[table], column, kind)
        columns = ", ".join(row)
        marks = ", ".join(f":{name}" for name in row)
        try:
            connection.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", row)
        except sqlite3.Error as error:
            raise AssertionError(f"{table}: {error} (row {row}): add what it needs to OVERRIDES") from error
        if table in SECOND_ROWS:
            second = {
                name: 2 if name == "id" else f"{value}-2" if value == f"{table}-{name}" else value
                for name, value in row.items()
            }
            connection.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", second)
        written[table] = row
    # Read back once all are in (triggers keep counters on parents): defaults, the ids SQLite chose and the
    # counters are part of what must survive.
    for table, row in written.items():
        where = " AND ".join(f"{name} IS :{name}" for name in row if name not in COUNTED.get(table, ()))
        cursor = connection.execute(f"SELECT * FROM {table} WHERE {where or 1} ORDER BY 1 LIMIT 1", row)
        names = [d[0] for d in cursor.description]
        written[table] = dict(zip(names, cursor.fetchone(), strict=True))
    return written


def lost_rows(connection: sqlite3.Connection, written: dict[str, dict[str, Any]]) -> list[str]:
    """Rows written before the migrations that are not there after them, with every column kept."""
    now = tables(connection)
    lost = []
    for table, row in written.items():
        if table not in now:
            lost.append(f"{table}: dropped")
            continue
        columns = {d[0] for d in connection.execute(f"SELECT * FROM {table} LIMIT 0").description}
        kept = {name: value for name, value in row.items() if name in columns}
        where = " AND ".join(f"{name} IS :{name}" for name in kept)
        if connection.execute(f"SELECT count(*) FROM {table} WHERE {where}", kept).fetchone()[0] != 1:
            lost.append(f"{table}: {kept} not found")
    return lost


async def filled_upto(path: Path, version: int) -> dict[str, dict[str, Any]]:
    await migrate_with(path, migrations_upto(version))
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("BEGIN")
        written = fill(connection)
        connection.execute("COMMIT")
    finally:
        connection.close()
    return written


VERSIONS = [m.version for m in available()][:-1]


@pytest.mark.parametrize("version", VERSIONS)
async def test_migrations_apply_from_this_version_with_data_in_every_table(
    tmp_path: Path, version: int
) -> None:
    path = tmp_path / "bot.db"
    written = await filled_upto(path, version)
    assert len(written) == len(tables_of(path))  # a row in every table the version has

    await migrate_with(path, available())

    connection = sqlite3.connect(path)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        versions = [row[0] for row in connection.execute("SELECT version FROM schema_migrations ORDER BY 1")]
        assert versions == [m.version for m in available()]
        assert lost_rows(connection, written) == []
    finally:
        connection.close()


async def test_a_migration_that_loses_or_alters_a_row_is_caught(tmp_path: Path) -> None:
    """The check above can fail: a migration that rewrites a value or drops rows is reported."""
    path = tmp_path / "bot.db"
    written = await filled_upto(path, VERSIONS[-1])
    lossy = Migration(9998, "lossy", "UPDATE members SET display_name = 'x';\nDELETE FROM identities;\n")
    await migrate_with(path, [*available(), lossy])
    connection = sqlite3.connect(path)
    try:
        lost = lost_rows(connection, written)
    finally:
        connection.close()
    assert sorted(item.split(":")[0] for item in lost) == ["identities", "members"]


def tables_of(path: Path) -> dict[str, str]:
    connection = sqlite3.connect(path)
    try:
        return tables(connection)
    finally:
        connection.close()
