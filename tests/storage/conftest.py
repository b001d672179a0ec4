"""Fixtures of the PostgreSQL schema tests: a database with every PostgreSQL migration applied (one per
test module, dropped at its end) and a SQLite file with the SQLite ones, with a connection to each."""

from __future__ import annotations

import asyncio
import secrets
import sqlite3
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest

from storage.postgres.migrations import statements
from storage.store import Store
from tests.postgres import SERVER
from tests.storage.pg_schemas import POSTGRES_MIGRATIONS, SCHEMA_MIGRATIONS, migration_files


async def _server() -> asyncpg.Connection:
    try:
        return await asyncpg.connect(f"{SERVER}/postgres", timeout=5)
    except (TimeoutError, OSError, asyncpg.PostgresError) as error:
        pytest.skip(f"no PostgreSQL server at {SERVER} ({error})")


async def _on_server(sql: str) -> None:
    server = await _server()
    try:
        await server.execute(sql)
    finally:
        await server.close()


async def _create(name: str) -> None:
    await _on_server(f'CREATE DATABASE "{name}"')
    conn = await asyncpg.connect(f"{SERVER}/{name}")
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
    await _on_server(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


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
    conn = await asyncpg.connect(f"{SERVER}/{pg_database}")
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
