"""The PostgreSQL migrations build the SQLite ones' schema, and their triggers refuse and count alike.

A database of its own is made on the local server for this module and dropped at its end. The same SQL
scenarios run on both engines (each in a transaction rolled back), so a trigger or CHECK that behaves
differently shows as a different outcome.
"""

from __future__ import annotations

import asyncio
import re
import secrets
import sqlite3
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from storage.store import Store

ROOT = Path(__file__).resolve().parents[2]
SQLITE_MIGRATIONS = ROOT / "storage" / "sqlite" / "migrations"
POSTGRES_MIGRATIONS = ROOT / "storage" / "postgres" / "migrations"
SERVER = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}

SCHEMA_MIGRATIONS = (
    "CREATE TABLE schema_migrations"
    " (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
)
PG_TYPES = {"INTEGER": "bigint", "TEXT": "text", "REAL": "double precision", "BLOB": "bytea"}
NOT_GENERATED = {("clock_state", "community_id"), ("schema_migrations", "version")}
"""SQLite rowid aliases that are not identity columns: a community's id, a file's number (never generated)."""
RANDOM_DEFAULTS = {("sessions", "calendar_key")}
"""Defaults that are a function of randomness in each engine's own words: the scenarios check them."""
FK_ACTIONS = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}


def statements(sql: str) -> list[str]:
    """Split on `;` at line ends outside dollar-quoted bodies, as the PostgreSQL runner does."""
    found: list[str] = []
    current: list[str] = []
    quote: str | None = None
    for line in sql.splitlines():
        current.append(line)
        for tag in re.findall(r"\$[A-Za-z_]*\$", line):
            if quote is None:
                quote = tag
            elif tag == quote:
                quote = None
        if quote is None and line.rstrip().endswith(";"):
            statement = "\n".join(current).strip()
            current = []
            if any(part.strip() and not part.strip().startswith("--") for part in statement.splitlines()):
                found.append(statement)
    if any(part.strip() and not part.strip().startswith("--") for part in current):
        raise ValueError("the file ends inside a statement")
    return found


def migration_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("[0-9][0-9][0-9][0-9]_*.sql"))


async def _server() -> asyncpg.Connection:
    try:
        return await asyncpg.connect(**SERVER, database="postgres", timeout=5)
    except (TimeoutError, OSError, asyncpg.PostgresError) as error:
        pytest.skip(f"no PostgreSQL server on 127.0.0.1:5432 ({error})")


async def _create(name: str) -> None:
    server = await _server()
    try:
        await server.execute(f'CREATE DATABASE "{name}"')
    finally:
        await server.close()
    conn = await asyncpg.connect(**SERVER, database=name)
    try:
        async with conn.transaction():  # all the files or none, as the SQLite runner applies them
            await conn.execute(SCHEMA_MIGRATIONS)
            for path in migration_files(POSTGRES_MIGRATIONS):
                for statement in statements(path.read_text(encoding="utf-8")):
                    await conn.execute(statement)
                version, name_ = path.stem.split("_", 1)
                await conn.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, 'now')",
                    int(version),
                    name_,
                )
    finally:
        await conn.close()


async def _drop(name: str) -> None:
    server = await _server()
    try:
        await server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await server.close()


@pytest.fixture(scope="module")
def pg_database() -> Iterator[str]:
    """A fresh database with every PostgreSQL migration applied; dropped at the end, whatever happened."""
    name = f"cb_schema_{secrets.token_hex(6)}"
    try:
        asyncio.run(_create(name))
        yield name
    finally:
        asyncio.run(_drop(name))


@pytest.fixture(scope="module")
def sqlite_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite_schema") / "x.db"

    async def build() -> None:
        store = await Store.open(path, "test")
        await store.close()

    asyncio.run(build())
    return path


@pytest.fixture
async def pg(pg_database: str) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(**SERVER, database=pg_database)
    try:
        yield conn
    finally:
        await conn.close()


@pytest.fixture
def lite(sqlite_database: Path) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(sqlite_database, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    try:
        yield conn
    finally:
        conn.close()


# --- the two schemas, read into the same shape ---


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


# --- the triggers and the rewritten CHECKs behave alike ---

SEED = [
    "INSERT INTO communities (id, slug, created_at) VALUES (100, 'parity', 't')",
    "INSERT INTO members (id, community_id, handle, display_name, status, joined_at)"
    " VALUES (101, 100, 'ann', 'Ann', 'member', 't'), (102, 100, 'bob', 'Bob', 'member', 't'),"
    " (103, 100, 'cy', 'Cy', 'member', 't')",
]

APPEND_ONLY = "the ledger is append-only"
NOT_OPEN = "poll is not open"
NO_RSVP = "session takes no RSVPs"
WAITLIST = "the waitlist comes first"


def rsvp(session: int, member: int, state: str, seq: int) -> str:
    return (
        "INSERT INTO session_rsvps (session_id, member_id, state, seq, changed_at)"
        f" VALUES ({session}, {member}, '{state}', {seq}, 't')"
    )


Step = str | tuple[str, str]
"""A statement, or a statement and how it is refused: a trigger's message, or `check`, `foreign key`..."""

SCENARIOS: dict[str, list[Step]] = {
    "ledger": [
        "INSERT INTO ledger (id, community_id, member_id, delta, kind, reason, actor_identity, source,"
        " created_at, month)"
        " VALUES (200, 100, 101, 5, 'kudos', 'thanks', 'console:bob', 's1', 't', '2026-01')",
        ("UPDATE ledger SET delta = 6 WHERE id = 200", APPEND_ONLY),
        ("UPDATE ledger SET source = 's2' WHERE id = 200", APPEND_ONLY),
        (
            "UPDATE ledger SET reason = 'other' WHERE id = 200",
            "ledger texts can only be erased (when a member is forgotten)",
        ),
        (
            "UPDATE ledger SET actor_identity = 'x' WHERE id = 200",
            "ledger texts can only be erased (when a member is forgotten)",
        ),
        "UPDATE ledger SET reason = '', actor_identity = NULL WHERE id = 200",
        "UPDATE ledger SET member_id = 102, actor_id = 103 WHERE id = 200",
        ("DELETE FROM ledger WHERE id = 200", APPEND_ONLY),
        "SELECT member_id, delta, reason, actor_identity FROM ledger WHERE id = 200",
    ],
    "polls": [
        "INSERT INTO polls (id, community_id, question, max_picks, multiple, anonymous, hidden, channel,"
        " deadline, state, created_at) VALUES (300, 100, 'Q', 2, 1, 0, 0, 'general', 't', 'open', 't'),"
        " (301, 100, 'Q', 1, 0, 0, 0, 'general', 't', 'closed', 't')",
        "INSERT INTO poll_options (poll_id, position, label)"
        " VALUES (300, 1, 'a'), (300, 2, 'b'), (300, 3, 'c'), (301, 1, 'a')",
        "INSERT INTO poll_ballots (poll_id, member_id, voted_at, changed_at) VALUES (300, 101, 't', 't')",
        (
            "INSERT INTO poll_ballots (poll_id, member_id, voted_at, changed_at) VALUES (301, 101, 't', 't')",
            NOT_OPEN,
        ),
        "INSERT INTO poll_picks (poll_id, member_id, position) VALUES (300, 101, 1), (300, 101, 2)",
        (
            "INSERT INTO poll_picks (poll_id, member_id, position) VALUES (300, 101, 3)",
            "more picks than the poll allows",
        ),
        "INSERT INTO poll_ballots (poll_id, member_id, voted_at, changed_at) VALUES (300, 102, 't', 't')",
        "INSERT INTO poll_picks (poll_id, member_id, position) VALUES (300, 102, 1)",
        "SELECT voters FROM polls WHERE id = 300",
        "SELECT position, votes FROM poll_options WHERE poll_id = 300 ORDER BY position",
        "DELETE FROM poll_ballots WHERE poll_id = 300 AND member_id = 101",  # its picks go by the cascade
        "UPDATE poll_ballots SET member_id = 103 WHERE poll_id = 300 AND member_id = 102",  # a merge
        "SELECT member_id, position FROM poll_picks WHERE poll_id = 300",
        "SELECT voters FROM polls WHERE id = 300",
        "SELECT position, votes FROM poll_options WHERE poll_id = 300 ORDER BY position",
        "UPDATE polls SET state = 'closed' WHERE id = 300",
        ("INSERT INTO poll_picks (poll_id, member_id, position) VALUES (300, 103, 2)", NOT_OPEN),
    ],
    "unlocks": [
        "INSERT INTO unlocks (id, community_id, title, goal, reward, channel, deadline, state, created_at)"
        " VALUES (400, 100, 'U', 2, 'r', 'general', 't', 'open', 't'),"
        " (401, 100, 'U', 2, 'r', 'general', 't', 'expired', 't')",
        "INSERT INTO unlock_pledges (unlock_id, member_id, pledged_at)"
        " VALUES (400, 101, 't'), (400, 102, 't')",
        (
            "INSERT INTO unlock_pledges (unlock_id, member_id, pledged_at) VALUES (401, 101, 't')",
            "unlock takes no pledges",
        ),
        "SELECT pledges FROM unlocks WHERE id = 400",
        "DELETE FROM unlock_pledges WHERE unlock_id = 400 AND member_id = 101",
        "SELECT pledges FROM unlocks WHERE id = 400",
    ],
    "ideas": [
        "INSERT INTO ideas (id, community_id, member_id, text, status, created_at)"
        " VALUES (500, 100, 101, 'idea', 'new', 't'), (501, 100, 101, 'old', 'shipped', 't')",
        "INSERT INTO idea_backers (idea_id, member_id, backed_at) VALUES (500, 102, 't'), (500, 103, 't')",
        (
            "INSERT INTO idea_backers (idea_id, member_id, backed_at) VALUES (500, 101, 't')",
            "a member cannot back their own idea",
        ),
        (
            "INSERT INTO idea_backers (idea_id, member_id, backed_at) VALUES (501, 102, 't')",
            "idea is not open",
        ),
        "SELECT backers FROM ideas WHERE id = 500",
        "DELETE FROM idea_backers WHERE idea_id = 500 AND member_id = 102",
        "SELECT backers FROM ideas WHERE id = 500",
    ],
    "challenges": [
        "INSERT INTO challenges (id, community_id, title, description, starts_at, ends_at, review, channel,"
        " state, created_at) VALUES (600, 100, 'C', 'd', 't', 't', 'auto', 'general', 'open', 't'),"
        " (601, 100, 'C', 'd', 't', 't', 'auto', 'general', 'closed', 't')",
        "INSERT INTO challenge_submissions (id, challenge_id, member_id, text, state, created_at)"
        " VALUES (610, 600, 101, 'x', 'pending', 't')",
        (
            "INSERT INTO challenge_submissions (id, challenge_id, member_id, text, state, created_at)"
            " VALUES (611, 601, 101, 'x', 'pending', 't')",
            "challenge takes no submissions",
        ),
        "SELECT id FROM challenge_submissions WHERE challenge_id IN (600, 601)",
    ],
    "sessions": [
        "INSERT INTO sessions (id, community_id, title, start, length_minutes, place, capacity, channel,"
        " code, state, created_at, changed_at)"
        " VALUES (700, 100, 'S', 't', 60, 'here', 1, 'general', 'c', 'scheduled', 't', 't'),"
        " (701, 100, 'S', 't', 60, 'here', 1, 'general', 'c', 'cancelled', 't', 't')",
        "SELECT length(calendar_key), trim(calendar_key, '0123456789abcdef') FROM sessions WHERE id = 700",
        rsvp(700, 101, "going", 1),
        (
            rsvp(700, 102, "going", 2),
            "check",
        ),
        rsvp(700, 102, "waiting", 2),
        (
            rsvp(700, 103, "going", 3),
            WAITLIST,
        ),
        (
            rsvp(701, 103, "going", 3),
            NO_RSVP,
        ),
        rsvp(701, 103, "cancelled", 3),
        ("UPDATE session_rsvps SET state = 'going' WHERE session_id = 701 AND member_id = 103", NO_RSVP),
        "UPDATE session_rsvps SET state = 'cancelled' WHERE session_id = 700 AND member_id = 101",
        rsvp(700, 103, "waiting", 3),
        "SELECT going, waiting FROM sessions WHERE id = 700",
        ("UPDATE session_rsvps SET state = 'going' WHERE session_id = 700 AND member_id = 103", WAITLIST),
        "UPDATE session_rsvps SET state = 'going' WHERE session_id = 700 AND member_id = 102",
        "SELECT going, waiting FROM sessions WHERE id = 700",
        "DELETE FROM session_rsvps WHERE session_id = 700 AND member_id = 102",
        "SELECT going, waiting FROM sessions WHERE id = 700",
    ],
    "rewritten checks": [
        "INSERT INTO deliveries (id, community_id, kind, recipient, payload, next_attempt_at, created_at,"
        " updated_at) VALUES (800, 100, 'k', 'console:ann', '{}', 't', 't', 't')",
        (
            "INSERT INTO deliveries (id, community_id, kind, recipient, member_id, payload, next_attempt_at,"
            " created_at, updated_at) VALUES (801, 100, 'k', 'console:ann', 101, '{}', 't', 't', 't')",
            "check",
        ),
        "INSERT INTO broadcasts (id, community_id, key, platform, kind, messages, created_at)"
        """ VALUES (810, 100, 'b1', 'discord', 'k', '{"en": ["hi"]}', 't')""",
        (
            "INSERT INTO broadcasts (id, community_id, key, platform, kind, messages, created_at)"
            " VALUES (811, 100, 'b2', 'discord', 'k', '{en: hi', 't')",
            "check",
        ),
        "INSERT INTO jobs (id, community_id, kind, run_at, state) VALUES (820, 100, 'k', 't', 'missed')",
        (
            "INSERT INTO jobs (id, community_id, kind, run_at, state) VALUES (821, 100, 'k', 't', 'asleep')",
            "check",
        ),
        ("INSERT INTO jobs (id, community_id, kind, run_at, late) VALUES (822, 100, 'k', 't', 2)", "check"),
        "SELECT payload, state, attempts, late FROM jobs WHERE id = 820",
        (
            "INSERT INTO newsletter_issues (id, community_id, number, state, since, until, texts, summaries,"
            " items, created_at) VALUES (830, 100, NULL, 'sent', 'a', 'b', '{}', '{}', 0, 't')",
            "check",
        ),
        (
            "INSERT INTO newsletter_picks (id, community_id, kind, text, state, created_at)"
            " VALUES (831, 100, 'added', '   ', 'approved', 't')",
            "check",
        ),
    ],
}

SQLITE_REFUSALS = {
    "CHECK constraint failed": "check",
    "FOREIGN KEY constraint failed": "foreign key",
    "UNIQUE constraint failed": "unique",
    "NOT NULL constraint failed": "not null",
}
PG_REFUSALS: dict[type[Exception], str] = {
    asyncpg.CheckViolationError: "check",
    asyncpg.ForeignKeyViolationError: "foreign key",
    asyncpg.UniqueViolationError: "unique",
    asyncpg.NotNullViolationError: "not null",
}


def _sqlite_outcome(conn: sqlite3.Connection, sql: str) -> object:
    try:
        return [tuple(row) for row in conn.execute(sql).fetchall()]
    except sqlite3.IntegrityError as error:
        message = str(error)
        return next((kind for prefix, kind in SQLITE_REFUSALS.items() if message.startswith(prefix)), message)


async def _pg_outcome(conn: asyncpg.Connection, sql: str) -> object:
    try:
        async with conn.transaction():  # a savepoint: a refused statement leaves the scenario going
            return [tuple(row.values()) for row in await conn.fetch(sql)]
    except asyncpg.IntegrityConstraintViolationError as error:
        kind = PG_REFUSALS.get(type(error))
        if kind is None:  # a trigger's: SQLSTATE 23000 itself, as SQLite's RAISE(ABORT) is a constraint error
            assert error.sqlstate == "23000"
            return str(error)
        return kind


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
async def test_triggers_and_checks_behave_as_in_sqlite(
    scenario: str, pg: asyncpg.Connection, lite: sqlite3.Connection
) -> None:
    steps = [(step, None) if isinstance(step, str) else step for step in [*SEED, *SCENARIOS[scenario]]]
    lite.execute("BEGIN")
    outer = pg.transaction()
    await outer.start()
    try:
        expected = [_sqlite_outcome(lite, sql) for sql, _ in steps]
        actual = [await _pg_outcome(pg, sql) for sql, _ in steps]
    finally:
        await outer.rollback()
        lite.execute("ROLLBACK")
    # the scenario does what it says in SQLite (each refusal where it is written), and PostgreSQL the same
    assert [outcome if isinstance(outcome, str) else None for outcome in expected] == [
        refusal for _, refusal in steps
    ]
    assert actual == expected
