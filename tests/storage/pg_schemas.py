"""The SQLite and the PostgreSQL schema read into the same shape, for the schema tests to compare."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg

ROOT = Path(__file__).resolve().parents[2]
SQLITE_MIGRATIONS = ROOT / "storage" / "sqlite" / "migrations"
POSTGRES_MIGRATIONS = ROOT / "storage" / "postgres" / "migrations"
SCHEMA_MIGRATIONS = (
    "CREATE TABLE schema_migrations"
    " (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
)


def migration_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("[0-9][0-9][0-9][0-9]_*.sql"))


PG_TYPES = {"INTEGER": "bigint", "TEXT": "text", "REAL": "double precision", "BLOB": "bytea"}
NOT_GENERATED = {("clock_state", "community_id"), ("schema_migrations", "version")}
"""SQLite rowid aliases that are not identity columns: a community's id, a file's number (never generated)."""
RANDOM_DEFAULTS = {("sessions", "calendar_key")}
"""Defaults that are a function of randomness in each engine's own words: the scenarios check them."""
FK_ACTIONS = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    not_null: bool
    default: str | None
    generated: bool


@dataclass(frozen=True)
class Index:
    table: str
    columns: tuple[str, ...]
    descending: tuple[bool, ...]
    unique: bool
    where: str | None


@dataclass
class Schema:
    columns: dict[str, list[Column]]
    primary_keys: dict[str, tuple[str, ...]]
    uniques: set[tuple[str, tuple[str, ...]]]
    foreign_keys: list[tuple[Any, ...]]
    indexes: dict[str, Index]
    triggers: set[tuple[str, str]]


def _default(value: str | None) -> str | None:
    """A default as text without PostgreSQL's casts (`'pending'::text` is SQLite's `'pending'`)."""
    return None if value is None else re.sub(r"::[a-z ]+", "", value)


def _predicate(value: str | None) -> str | None:
    """A partial index's WHERE in one spelling: PostgreSQL writes `IN (...)` as `= ANY (ARRAY[...])`."""
    if value is None:
        return None
    text = re.sub(r"::[a-z ]+", "", value).lower()
    text = re.sub(r"[\s()]", "", text).replace("=anyarray[", "in").replace("]", "")
    return text


def sqlite_schema(path: Path) -> Schema:
    conn = sqlite3.connect(path)
    try:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        schema = Schema({}, {}, set(), [], {}, set())
        for table in tables:
            info = conn.execute(f"PRAGMA table_info({table})").fetchall()
            pk = [row for row in info if row[5]]
            rowid = len(pk) == 1 and pk[0][2].upper() == "INTEGER"
            schema.columns[table] = [
                Column(
                    name,
                    PG_TYPES[kind.upper()],
                    bool(not_null or key),  # a key is never NULL (a rowid cannot be)
                    None if (table, name) in RANDOM_DEFAULTS else default,
                    rowid and bool(key) and (table, name) not in NOT_GENERATED,
                )
                for _, name, kind, not_null, default, key in info
            ]
            if pk:
                schema.primary_keys[table] = tuple(row[1] for row in sorted(pk, key=lambda row: row[5]))
            for _, index, unique, origin, partial in conn.execute(f"PRAGMA index_list({table})"):
                keys = conn.execute(f"PRAGMA index_xinfo({index})").fetchall()
                keys = [row for row in keys if row[5]]
                columns = tuple(row[2] for row in keys)
                if origin == "u":
                    schema.uniques.add((table, columns))
                elif origin == "c":
                    sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (index,)).fetchone()[0]
                    where = re.search(r"\bWHERE\b(.*)$", sql, re.S | re.I) if partial else None
                    schema.indexes[index] = Index(
                        table,
                        columns,
                        tuple(bool(row[3]) for row in keys),
                        bool(unique),
                        _predicate(where[1]) if where else None,
                    )
            keys_by_id: dict[int, list[tuple[Any, ...]]] = {}
            for row in conn.execute(f"PRAGMA foreign_key_list({table})"):
                keys_by_id.setdefault(row[0], []).append(row)
            for rows in keys_by_id.values():
                rows.sort(key=lambda row: row[1])
                schema.foreign_keys.append(
                    (
                        table,
                        tuple(row[3] for row in rows),
                        rows[0][2],
                        tuple(row[4] for row in rows),
                        rows[0][5],
                        rows[0][6],
                    )
                )
        schema.triggers = set(conn.execute("SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'"))
        schema.foreign_keys.sort()
        return schema
    finally:
        conn.close()


async def postgres_schema(conn: asyncpg.Connection) -> Schema:
    schema = Schema({}, {}, set(), [], {}, set())
    for row in await conn.fetch(
        "SELECT table_name, column_name, data_type, is_nullable, column_default, is_identity"
        " FROM information_schema.columns WHERE table_schema = 'public'"
        " ORDER BY table_name, ordinal_position"
    ):
        table, name = row["table_name"], row["column_name"]
        schema.columns.setdefault(table, []).append(
            Column(
                name,
                row["data_type"],
                row["is_nullable"] == "NO",
                None if (table, name) in RANDOM_DEFAULTS else _default(row["column_default"]),
                row["is_identity"] == "YES",
            )
        )
    for row in await conn.fetch(
        "SELECT c.conrelid::regclass::text AS tab, c.contype::text,"
        " array(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY AS k (num, ord)"
        "  JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.num ORDER BY k.ord) AS cols,"
        " c.confrelid::regclass::text AS ref,"
        " array(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY AS k (num, ord)"
        "  JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.num ORDER BY k.ord) AS ref_cols,"
        " c.confupdtype::text, c.confdeltype::text"
        " FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace"
        " WHERE n.nspname = 'public' AND c.contype IN ('p', 'u', 'f')"
    ):
        columns = tuple(row["cols"])
        if row["contype"] == "p":
            schema.primary_keys[row["tab"]] = columns
        elif row["contype"] == "u":
            schema.uniques.add((row["tab"], columns))
        else:
            schema.foreign_keys.append(
                (
                    row["tab"],
                    columns,
                    row["ref"],
                    tuple(row["ref_cols"]),
                    FK_ACTIONS[row["confupdtype"]],
                    FK_ACTIONS[row["confdeltype"]],
                )
            )
    schema.foreign_keys.sort()
    for row in await conn.fetch(
        "SELECT x.relname AS name, t.relname AS tab, i.indisunique,"
        " array(SELECT pg_get_indexdef(i.indexrelid, k, true) FROM generate_series(1, i.indnkeyatts) AS k"
        "  ORDER BY k) AS cols,"
        " array(SELECT (i.indoption[k - 1] & 1) = 1 FROM generate_series(1, i.indnkeyatts) AS k"
        "  ORDER BY k) AS descending,"
        " pg_get_expr(i.indpred, i.indrelid) AS predicate"
        " FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid"
        " JOIN pg_namespace n ON n.oid = t.relnamespace"
        " WHERE n.nspname = 'public'"
        " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)"
    ):
        schema.indexes[row["name"]] = Index(
            row["tab"],
            tuple(column.strip('"') for column in row["cols"]),
            tuple(row["descending"]),
            row["indisunique"],
            _predicate(row["predicate"]),
        )
    schema.triggers = {
        (row["tgname"], row["tab"])
        for row in await conn.fetch(
            "SELECT tgname, tgrelid::regclass::text AS tab FROM pg_trigger WHERE NOT tgisinternal"
        )
    }
    return schema
