"""`communitybot copy-data`: a community's whole SQLite database copied into an empty PostgreSQL one.

Every table is copied as it is (ids kept, so every reference still holds) with PostgreSQL's COPY, in the
order of the foreign keys, in one transaction: the target has all of it or nothing. The tables' own
triggers (the ledger's append-only guard, the poll counters) are off while rows arrive, since the rows
already hold what the triggers would compute; the numbering of each table then continues after its
highest id. Afterwards the counts of every table and each member's balance are compared between the two.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from graphlib import TopologicalSorter
from pathlib import Path

import asyncpg

log = logging.getLogger(__name__)


class CopyError(Exception):
    """The copy cannot start, or its check failed (the message says which)."""


@dataclass(frozen=True)
class Copied:
    rows: dict[str, int]
    """Rows per table, the same in both."""
    members: int
    balance: int
    """The sum of every member's balance, the same in both."""


def _tables(source: sqlite3.Connection) -> tuple[list[str], dict[str, list[tuple[str, str]]]]:
    """The tables in an order where every referenced table comes first, and each one's references to
    itself ((column, referenced column), copied in a second pass)."""
    names = [
        row[0]
        for row in source.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " AND name <> 'schema_migrations' ORDER BY name"
        )
    ]
    graph: dict[str, set[str]] = {}
    itself: dict[str, list[tuple[str, str]]] = {}
    for name in names:
        graph[name] = set()
        for row in source.execute(f'PRAGMA foreign_key_list("{name}")'):
            referenced, column, target = row[2], row[3], row[4]
            if referenced == name:
                itself.setdefault(name, []).append((column, target or "id"))
            else:
                graph[name].add(referenced)
    return list(TopologicalSorter(graph).static_order()), itself


def _converter(kind: str) -> Callable[[object], object]:
    """A SQLite value as the PostgreSQL column takes it (SQLite stores what it is given)."""
    if kind == "text":
        return lambda value: value if value is None or isinstance(value, str) else str(value)
    if kind in ("bigint", "integer", "smallint"):
        return lambda value: int(value) if isinstance(value, (str, float)) and value != "" else value
    if kind == "double precision":
        return lambda value: float(value) if isinstance(value, (int, str)) and value != "" else value
    return lambda value: value


async def copy_database(source_path: Path, target_url: str) -> Copied:
    """Copy the SQLite file (already at the current schema) into the PostgreSQL database at `target_url`
    (already migrated, and empty)."""
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    target = await asyncpg.connect(target_url)
    try:
        order, itself = _tables(source)
        kinds = {
            (row["table_name"], row["column_name"]): row["data_type"]
            for row in await target.fetch(
                "SELECT table_name, column_name, data_type FROM information_schema.columns"
                " WHERE table_schema = current_schema()"
            )
        }
        missing = sorted({t for t in order} - {t for t, _ in kinds})
        if missing:
            raise CopyError(f"the target has no table {', '.join(missing)}: is it migrated to this version?")
        for table in order:
            if await target.fetchval(f'SELECT EXISTS (SELECT 1 FROM "{table}")'):
                raise CopyError(f"the target already holds rows (in {table}): copy into an empty database")
        rows: dict[str, int] = {}
        async with target.transaction():
            for table in order:
                rows[table] = await _copy_table(source, target, table, kinds, itself.get(table, []))
            for table in order:
                if (table, "id") in kinds:  # the numbering continues after the copied ids
                    await target.execute(
                        "SELECT setval(pg_get_serial_sequence($1, 'id'), max(id)) FROM "
                        f'"{table}" HAVING max(id) IS NOT NULL',
                        table,
                    )
        return await _check(source, target, rows)
    finally:
        source.close()
        await target.close()


async def _copy_table(
    source: sqlite3.Connection,
    target: asyncpg.Connection,
    table: str,
    kinds: dict[tuple[str, str], str],
    itself: list[tuple[str, str]],
) -> int:
    columns = [row[1] for row in source.execute(f'PRAGMA table_info("{table}")')]
    unknown = [c for c in columns if (table, c) not in kinds]
    if unknown:
        raise CopyError(f"the target's {table} has no column {', '.join(unknown)}")
    converters = [_converter(kinds[table, c]) for c in columns]
    later = {column for column, _ in itself}
    positions = [i for i, c in enumerate(columns) if c in later]
    records = []
    for row in source.execute(f'SELECT * FROM "{table}"'):
        try:
            values = [convert(value) for convert, value in zip(converters, row, strict=True)]
        except ValueError as error:  # SQLite keeps a text it cannot read as a number in a number column
            raise CopyError(f"{table}: a value PostgreSQL's column type cannot hold: {error}") from error
        for position in positions:  # a reference to the same table: set once every row is there
            values[position] = None
        records.append(tuple(values))
    await target.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER USER')
    if records:
        await target.copy_records_to_table(table, records=records, columns=columns)
    await target.execute(f'ALTER TABLE "{table}" ENABLE TRIGGER USER')
    for column, referenced in itself:
        pairs = list(
            source.execute(f'SELECT "{referenced}", "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL')
        )
        if pairs:
            await target.executemany(f'UPDATE "{table}" SET "{column}" = $2 WHERE "{referenced}" = $1', pairs)
    log.info("copied %d rows of %s", len(records), table)
    return len(records)


async def _check(source: sqlite3.Connection, target: asyncpg.Connection, rows: dict[str, int]) -> Copied:
    for table, count in rows.items():
        there = await target.fetchval(f'SELECT count(*) FROM "{table}"')
        if there != count:
            raise CopyError(f"{table}: {count} rows in the source, {there} in the target")
    balances = "SELECT member_id, sum(delta) FROM ledger GROUP BY member_id ORDER BY member_id"
    here = [tuple(row) for row in source.execute(balances)]
    there = [(row[0], int(row[1])) for row in await target.fetch(balances)]
    if here != there:
        raise CopyError("the members' balances differ between the source and the target")
    kept = "SELECT member_id, balance FROM balances ORDER BY member_id"
    if [tuple(row) for row in source.execute(kept)] != [tuple(row) for row in await target.fetch(kept)]:
        raise CopyError("the kept balances differ between the source and the target")
    return Copied(rows, len(here), sum(total for _, total in here))
