"""A new PostgreSQL database for a benchmark's run, on the server it is given, dropped afterwards."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg


@asynccontextmanager
async def postgres_database(server: str) -> AsyncIterator[str]:
    """The URL of a new database on `server` (`postgresql://user@host:port`), dropped with its sessions after."""
    name = f"cb_bench_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(f"{server}/postgres")
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield f"{server}/{name}"
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
