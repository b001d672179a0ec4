"""A PostgreSQL database with the interface of storage/sqlite/database.py, on asyncpg.

The repositories run unchanged on either engine: they call `transaction()`, `run_transaction()`,
`fetch_one`/`fetch_all`/`execute`/`execute_many`/`insert` with SQLite's SQL, which storage/postgres/dialect.py
rewrites once per statement. The guarantees are SQLite's: units of work run one at a time in arrival order
(across processes too: each transaction takes an advisory lock first, so a read-then-write inside a unit
sees what every unit before it wrote, as with SQLite's single writer), units that arrive together share one
transaction and one COMMIT (group commit, each in a savepoint of its own), a unit returns only once its
COMMIT is durable, a failed unit writes nothing, and reads outside a unit see only what is committed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import asyncpg

from handlers.ports import StorageUnavailable
from storage.postgres.dialect import Statement, Table, translate
from storage.units import Units

log = logging.getLogger(__name__)

BUSY_TIMEOUT = 5.0
"""Seconds a unit waits for another process's writers' lock before it reports storage unavailable."""

T = TypeVar("T")

WRITERS = 0x636F6D6D
"""The advisory lock every unit of work holds (one writer at a time, in every process on this database)."""

_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
BYTE_ORDER = ("c", "c.utf-8", "c.utf8", "posix")
"""Collations that compare text as SQLite does (byte by byte)."""
_TRANSIENT = (
    OSError,
    asyncio.TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.CannotConnectNowError,
    asyncpg.TooManyConnectionsError,
)
"""Failures of the server or the connection, not of the statement: the unit is told storage is unavailable."""

_TABLES = """
SELECT c.relname AS name,
       array(SELECT a.attname::text FROM pg_attribute a
             WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum) AS columns,
       coalesce(array(SELECT a.attname::text FROM pg_index i
                      JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n) ON true
                      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
                      WHERE i.indrelid = c.oid AND i.indisprimary ORDER BY k.n), '{}') AS key,
       (SELECT a.attname::text FROM pg_attribute a
        WHERE a.attrelid = c.oid AND a.attidentity <> '' AND NOT a.attisdropped LIMIT 1) AS identity
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'r' AND n.nspname = current_schema()
"""


def _number(text: str) -> int | float:
    """NUMERIC (what sum() of integers gives) as SQLite gives it: an int when whole, else a float."""
    value = Decimal(text)
    return int(value) if value == value.to_integral_value() else float(value)


async def _prepare_connection(connection: asyncpg.Connection) -> None:
    await connection.set_type_codec(
        "numeric", encoder=str, decoder=_number, schema="pg_catalog", format="text"
    )


def _rowcount(status: str) -> int:
    """The rows a statement changed, from its status ("UPDATE 3", "INSERT 0 1")."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


class PgDatabase(Units):
    """The transactions on one PostgreSQL database, and reads outside them."""

    def __init__(self, pool: asyncpg.Pool, writer: asyncpg.Connection, path: Path, url: str) -> None:
        super().__init__()
        self.pool = pool
        self._writer = writer
        self.path = path
        """A file beside which the bot keeps its files (media): the database itself is on the server."""
        self.url = url
        self._statements: dict[str, Statement] = {}
        self.tables: dict[str, Table] = {}
        self._release_pending = False
        """A unit that ended well left its savepoint for the next one's SAVEPOINT (or the COMMIT) to
        release: one round trip fewer per unit (a command runs a dozen or so, each a round trip)."""

    @classmethod
    async def open(cls, url: str, data_dir: Path) -> PgDatabase:
        try:
            pool = await asyncpg.create_pool(
                url, min_size=1, max_size=4, init=_prepare_connection, statement_cache_size=1024
            )
            writer = await asyncpg.connect(url, statement_cache_size=1024)
            await _prepare_connection(writer)
        except (*_TRANSIENT, asyncpg.PostgresError) as error:
            raise StorageUnavailable(f"cannot reach PostgreSQL: {type(error).__name__}") from error
        await asyncio.to_thread(data_dir.mkdir, parents=True, exist_ok=True)
        database = cls(pool, writer, data_dir / "postgresql", url)
        await database.load_tables()
        collation = await writer.fetchval(
            "SELECT datcollate FROM pg_database WHERE datname = current_database()"
        )
        if collation.lower() not in BYTE_ORDER:
            log.warning(
                "the database sorts text by %s, not by byte order as SQLite does: lists ordered by name can"
                " differ; create it with LC_COLLATE 'C.UTF-8' (compose.yaml does)",
                collation,
            )
        log.info("database open on PostgreSQL %s", ".".join(map(str, writer.get_server_version()[:2])))
        return database

    async def load_tables(self) -> None:
        """Read the tables' columns and keys (after a migration: the dialect's ON CONFLICT targets)."""
        rows = await self._writer.fetch(_TABLES)
        self.tables = {
            row["name"]: Table(tuple(row["columns"]), tuple(row["key"]), row["identity"]) for row in rows
        }
        self._statements.clear()

    async def optimize(self) -> None:
        """PostgreSQL's autovacuum keeps the statistics; after a migration, ANALYZE the new tables at once."""
        try:
            async with self.pool.acquire() as connection:  # the writer may be in a unit right now
                await connection.execute("ANALYZE")
        except (*_TRANSIENT, asyncpg.PostgresError) as error:
            log.warning("ANALYZE failed: %s", error)

    async def close(self) -> None:
        async with self._lock:
            if self._batch is not None:
                await self._finish(self._batch)
            await self._writer.close()
            await self.pool.close()
        log.info("database closed")

    @property
    def server_pid(self) -> int | None:
        """The server process of the writer connection (whose notifications are this process's own)."""
        return None if self._writer.is_closed() else self._writer.get_server_pid()

    def statement(self, sql: str) -> Statement:
        found = self._statements.get(sql)
        if found is None:
            found = self._statements[sql] = translate(sql, self.tables)
        return found

    # The statements of a unit of work (storage/units.py), on the writer connection.

    async def _savepoint(self) -> None:
        pending, self._release_pending = self._release_pending, False
        await self._statement("RELEASE SAVEPOINT unit; SAVEPOINT unit" if pending else "SAVEPOINT unit")

    async def _end_savepoint(self, failed: bool) -> None:
        if failed:
            await self._statement("ROLLBACK TO SAVEPOINT unit; RELEASE SAVEPOINT unit")
        else:  # released with the next unit's SAVEPOINT, or by the COMMIT
            self._release_pending = True

    async def _commit(self) -> None:
        self._release_pending = False  # COMMIT releases every savepoint
        try:
            await self._writer.execute("COMMIT")
        except (*_TRANSIENT, asyncpg.PostgresError) as error:
            await self._rollback()
            raise StorageUnavailable(f"COMMIT failed: {type(error).__name__}") from error

    async def run_transaction(self, work: Callable[[], Awaitable[T]], marks: bool = False) -> T:
        """`work` in one transaction of its own, after the open batch. `marks`: progress marks, committed
        without waiting for the disk (synchronous_commit off for this transaction: a crash of the server
        may lose the last marks, as a power cut may with SQLite's; the next ordinary commit makes them
        durable)."""
        if self._in_transaction.get():
            raise RuntimeError("run_transaction cannot join an open transaction")
        async with self._lock:
            await self.commit_batch()  # the open batch first: it is durable before anything after it
            await self._begin(" SET LOCAL synchronous_commit = off;" if marks else "")
            token = self._in_transaction.set(True)
            try:
                result = await work()
            except BaseException:
                await self._rollback()
                raise
            finally:
                self._in_transaction.reset(token)
            await self._commit()
            return result

    async def _begin(self, settings: str = "") -> None:
        """BEGIN, then the writers' lock (one round trip, with `settings` for the transaction): held until
        the COMMIT, by one process at a time. Another process's unit is waited for up to BUSY_TIMEOUT, as
        SQLite's busy timeout does. A writer connection the server ended (a restart, a failover) is opened
        again once, here, where no transaction is open on it."""
        self._release_pending = False
        sql = (
            f"BEGIN;{settings} SET LOCAL lock_timeout = '{int(BUSY_TIMEOUT * 1000)}ms';"
            f" SELECT pg_advisory_xact_lock({WRITERS}); SET LOCAL lock_timeout = DEFAULT"
        )
        for attempt in (1, 2):
            try:
                if self._writer.is_closed():
                    self._writer = await asyncpg.connect(self.url, statement_cache_size=1024)
                    await _prepare_connection(self._writer)
                    log.warning("the connection to PostgreSQL was lost: opened again")
                await self._writer.execute(sql)
                return
            except asyncpg.LockNotAvailableError as error:
                await self._rollback()
                raise StorageUnavailable(
                    f"PostgreSQL: another process holds the writers' lock: {error}"
                ) from error
            except _TRANSIENT as error:
                await self._rollback()
                if attempt == 2:
                    raise StorageUnavailable(f"PostgreSQL: {type(error).__name__}: {error}") from error
                if not self._writer.is_closed():
                    self._writer.terminate()  # whatever state it is in: the next attempt opens another

    async def _statement(self, sql: str) -> None:
        try:
            await self._writer.execute(sql)
        except _TRANSIENT as error:
            raise StorageUnavailable(f"PostgreSQL: {type(error).__name__}: {error}") from error

    async def _rollback(self) -> None:
        self._release_pending = False
        if self._writer.is_closed():
            return
        try:
            await self._writer.execute("ROLLBACK")
        except (*_TRANSIENT, asyncpg.PostgresError) as error:
            log.warning("ROLLBACK failed: %s", error)

    # Inside a unit of work statements run on the writer connection; reads outside one on the pool's.

    async def _run(self, method: str, sql: str, params: Sequence[Any] | Mapping[str, Any]) -> Any:
        statement = self.statement(sql)
        arguments = statement.arguments(params)
        try:
            if self._in_transaction.get():
                return await getattr(self._writer, method)(statement.sql, *arguments)
            async with self.pool.acquire() as connection:
                return await getattr(connection, method)(statement.sql, *arguments)
        except _TRANSIENT as error:
            raise StorageUnavailable(f"PostgreSQL: {type(error).__name__}: {error}") from error
        except asyncpg.PostgresError as error:
            error.add_note(f"in: {statement.sql}")  # which statement (its parameters are not shown)
            raise

    async def fetch_one(self, sql: str, params: tuple | dict = ()) -> asyncpg.Record | None:
        found: asyncpg.Record | None = await self._run("fetchrow", sql, params)
        return found

    async def fetch_all(self, sql: str, params: tuple | dict = ()) -> list[asyncpg.Record]:
        rows: list[asyncpg.Record] = await self._run("fetch", sql, params)
        return rows

    async def fetch_columns(self, sql: str, params: tuple | dict = ()) -> tuple[list[str], list[tuple]]:
        """Column names and rows (an export's)."""
        statement = self.statement(sql)
        async with self.pool.acquire() as connection:
            prepared = await connection.prepare(statement.sql)
            columns = [attribute.name for attribute in prepared.get_attributes()]
            rows = [tuple(row) for row in await prepared.fetch(*statement.arguments(params))]
        return columns, rows

    async def execute(self, sql: str, params: tuple | dict = ()) -> int:
        """Run one statement; returns the rows it changed."""
        self.check_write(sql)
        status: str = await self._run("execute", sql, params)
        return _rowcount(status)

    async def execute_many(self, sql: str, rows: Iterable[tuple | dict]) -> int:
        """Run one statement per row; returns the rows they changed in all."""
        self.check_write(sql)
        changed = 0
        for params in rows:
            changed += _rowcount(await self._run("execute", sql, params))
        return changed

    async def insert(self, sql: str, params: tuple | dict = ()) -> int | None:
        """Run one INSERT; the new row's id, or None when it inserted nothing (OR IGNORE, a WHERE). A
        table the database does not number gives 0 for a row inserted (SQLite's rowid is no key there)."""
        self.check_write(sql)
        statement = self.statement(sql)
        table = self.tables.get(statement.table or "")
        if table is not None and table.identity is not None and "RETURNING" not in sql.upper():
            returning = f"{sql.rstrip().rstrip(';')} RETURNING {table.identity}"
            row = await self.fetch_one(returning, params)
            return None if row is None else int(row[0])
        changed = _rowcount(await self._run("execute", sql, params))
        return 0 if changed == 1 else None

    async def new_ids(self, table: str, count: int) -> list[int]:
        """Ids for `count` new rows of `table`, to insert explicitly: taken from its identity sequence
        (an id set by hand would leave the sequence behind, and the next numbered insert would collide)."""
        if not self._in_transaction.get():
            raise RuntimeError("ids are reserved inside a transaction")
        if count == 0:
            return []
        rows = await self._writer.fetch(
            "SELECT nextval(pg_get_serial_sequence($1, 'id')) FROM generate_series(1, $2)", table, count
        )
        return [row[0] for row in rows]

    async def execute_ddl(self, sql: str) -> None:
        """Run PostgreSQL's own SQL as it is, inside a unit (a migration's statements)."""
        if not self._in_transaction.get():
            raise RuntimeError("DDL runs inside a transaction")
        await self._writer.execute(sql)

    def check_write(self, sql: str) -> None:
        if not self._in_transaction.get() and sql.lstrip()[:7].upper().startswith(_WRITES):
            raise RuntimeError("a write outside a transaction would join another coroutine's: open one")
