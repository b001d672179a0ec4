"""The PostgreSQL migrations build the SQLite ones' schema: the same files, tables, columns, keys, indexes
and triggers (tests/storage/conftest.py makes the two databases; tests/storage/pg_schemas.py reads them)."""

from __future__ import annotations

from pathlib import Path

import asyncpg

from storage.postgres.migrations import statements
from tests.storage.pg_schemas import (
    POSTGRES_MIGRATIONS,
    SQLITE_MIGRATIONS,
    migration_files,
    postgres_schema,
    sqlite_schema,
)

# --- the files ---


def test_every_postgres_migration_has_its_sqlite_twin_and_back() -> None:
    sqlite_names = [path.name for path in migration_files(SQLITE_MIGRATIONS)]
    postgres_names = [path.name for path in migration_files(POSTGRES_MIGRATIONS)]
    assert postgres_names == sqlite_names
    assert (
        sorted(path.name for path in POSTGRES_MIGRATIONS.iterdir() if path.suffix == ".sql") == postgres_names
    )


def test_splitting_keeps_function_bodies_whole() -> None:
    sql = (
        "-- a header; with a semicolon inside\n"
        "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        "BEGIN\n    RETURN NULL;\nEND;\n$$;\n\n"
        "CREATE TABLE t (a BIGINT);\n"
    )
    assert [s.splitlines()[-1] for s in statements(sql)] == ["$$;", "CREATE TABLE t (a BIGINT);"]


async def test_every_migration_applies_on_a_fresh_database(pg: asyncpg.Connection) -> None:
    rows = await pg.fetch("SELECT version, name FROM schema_migrations ORDER BY version")
    assert [f"{row['version']:04d}_{row['name']}.sql" for row in rows] == [
        path.name for path in migration_files(POSTGRES_MIGRATIONS)
    ]


# --- the schemas match ---


async def test_same_tables_and_columns_in_the_same_order(
    pg: asyncpg.Connection, sqlite_database: Path
) -> None:
    expected, actual = sqlite_schema(sqlite_database), await postgres_schema(pg)
    assert sorted(actual.columns) == sorted(expected.columns)
    for table, columns in expected.columns.items():
        assert actual.columns[table] == columns, table


async def test_same_primary_unique_and_foreign_keys(pg: asyncpg.Connection, sqlite_database: Path) -> None:
    expected, actual = sqlite_schema(sqlite_database), await postgres_schema(pg)
    assert actual.primary_keys == expected.primary_keys
    assert actual.uniques == expected.uniques
    assert actual.foreign_keys == expected.foreign_keys


async def test_same_indexes_partial_and_unique_ones_included(
    pg: asyncpg.Connection, sqlite_database: Path
) -> None:
    expected, actual = sqlite_schema(sqlite_database), await postgres_schema(pg)
    assert sorted(actual.indexes) == sorted(expected.indexes)
    for name, index in expected.indexes.items():
        assert actual.indexes[name] == index, name


async def test_same_triggers_on_the_same_tables(pg: asyncpg.Connection, sqlite_database: Path) -> None:
    assert (await postgres_schema(pg)).triggers == sqlite_schema(sqlite_database).triggers
