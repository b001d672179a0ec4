"""PostgreSQL databases for tests, on the server at 127.0.0.1:5432 (trust auth, user postgres).

`database()` gives a new, empty database, dropped afterwards. `migrated()` gives one with the bot's schema
and no rows, fast: the schema is built once per test process in a template, copied for each database the
process needs at the same time, and a database a test has finished with is emptied (its rows deleted, its
numbering restarted: milliseconds) and handed to the next test; every one is dropped when the process ends.
Where no server answers, the test is skipped with the reason shown (CI and every session's machine run
one, so there they run).
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import pytest

SERVER = os.environ.get("COMMUNITYBOT_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432")

_PREFIX = f"cb_test_{os.getpid()}_"
_free: list[str] = []
_made: list[str] = []
_template: str | None = None


async def _admin() -> asyncpg.Connection:
    try:
        return await asyncpg.connect(f"{SERVER}/postgres", timeout=5)
    except (TimeoutError, OSError, asyncpg.PostgresError) as error:
        pytest.skip(f"no PostgreSQL server at {SERVER}: {type(error).__name__}: {error}")


@asynccontextmanager
async def database() -> AsyncIterator[str]:
    """The URL of a new, empty database; dropped (with its connections) afterwards."""
    admin = await _admin()
    name = f"cb_test_{secrets.token_hex(6)}"
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield f"{SERVER}/{name}"
        finally:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


async def _drop_left_behind(admin: asyncpg.Connection) -> None:
    """Databases of test processes that were killed before they could drop theirs."""
    for row in await admin.fetch("SELECT datname FROM pg_database WHERE datname ~ '^cb_test_[0-9]+_'"):
        pid = int(row[0].split("_")[2])
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            await admin.execute(f'DROP DATABASE IF EXISTS "{row[0]}" WITH (FORCE)')
        except PermissionError:
            pass  # a live process of another user's


async def _build_template(admin: asyncpg.Connection) -> str:
    from storage.store import Store

    await _drop_left_behind(admin)
    name = f"{_PREFIX}template"
    await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await admin.execute(f'CREATE DATABASE "{name}"')
    _made.append(name)
    store = await Store.open(f"{SERVER}/{name}", "template", data_dir=Path("/nonexistent"))
    await store.close()
    connection = await asyncpg.connect(f"{SERVER}/{name}")
    try:
        await connection.execute(_EMPTY)
        await _empty(connection)
    finally:
        await connection.close()
    return name


_EMPTY = """
CREATE FUNCTION cb_test_empty() RETURNS void LANGUAGE plpgsql AS $$
DECLARE name text;
BEGIN
    -- The ledger's triggers refuse deletes, and the foreign keys an order: both are off meanwhile.
    SET LOCAL session_replication_role = replica;
    FOR name IN SELECT tablename FROM pg_tables
                WHERE schemaname = current_schema() AND tablename <> 'schema_migrations' LOOP
        EXECUTE format('DELETE FROM %I', name);
    END LOOP;
    FOR name IN SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema() LOOP
        EXECUTE format('ALTER SEQUENCE %I RESTART', name);
    END LOOP;
END $$
"""


async def _empty(connection: asyncpg.Connection) -> None:
    """Every row deleted and every numbering restarted, in one transaction (one call: milliseconds)."""
    async with connection.transaction():
        await connection.execute("SELECT cb_test_empty()")


@asynccontextmanager
async def migrated() -> AsyncIterator[str]:
    """The URL of a database with the bot's schema and no rows, for this test alone."""
    global _template
    admin = await _admin()
    try:
        if _template is None:
            _template = await _build_template(admin)
        if _free:
            name = _free.pop()
        else:
            name = f"{_PREFIX}{len(_made)}"
            await admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{_template}"')
            # Tests never crash the server: a COMMIT need not wait for the disk (SQLite's tests do wait,
            # on a file of their own; here the waits are the server's, shared by every test).
            await admin.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
            _made.append(name)
    finally:
        await admin.close()
    try:
        yield f"{SERVER}/{name}"
    finally:
        await _give_back(name)


async def _give_back(name: str) -> None:
    connection = await asyncpg.connect(f"{SERVER}/{name}")
    try:  # a test may leave a connection open (a store it did not close): end it first
        await connection.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        await _empty(connection)
    finally:
        await connection.close()
    _free.append(name)


def drop_all() -> None:
    """Drop every database this process made (at the end of the test session)."""
    if not _made:
        return

    async def drop() -> None:
        admin = await asyncpg.connect(f"{SERVER}/postgres", timeout=5)
        try:
            for name in _made:
                await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()

    asyncio.run(drop())
    _made.clear()
    _free.clear()
