"""PostgreSQL's migrations: one file per SQLite migration, same number and name, applied in one transaction.

SQLite's files are the schema's history; storage/postgres/migrations/ holds the same steps in PostgreSQL's
DDL, so a feature claims one name for both engines and tests/storage/test_postgres_schema.py checks that the
two schemas end alike.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Collection
from datetime import UTC, datetime
from importlib import resources

from storage.postgres.database import PgDatabase
from storage.sqlite.migrations import Migration, available
from storage.sqlite.times import to_db

log = logging.getLogger(__name__)

_DOLLARS = re.compile(r"\$[A-Za-z_]*\$")


def statements(sql: str) -> list[str]:
    """`sql` split into statements: each ends with `;` at the end of a line, outside $$-quoted bodies."""
    found: list[str] = []
    current: list[str] = []
    quoted = False
    for line in sql.splitlines():
        stripped = line.split("--", 1)[0] if not quoted else line
        if len(_DOLLARS.findall(stripped)) % 2:
            quoted = not quoted
        current.append(line)
        if not quoted and stripped.rstrip().endswith(";"):
            text = "\n".join(current).strip()
            if text.strip(";").strip():
                found.append(text)
            current = []
    if "\n".join(current).strip() and any(part.split("--", 1)[0].strip() for part in current):
        raise ValueError("a migration ends inside a statement")
    return found


def compat() -> str:
    return (resources.files("storage.postgres") / "compat.sql").read_text(encoding="utf-8")


async def migrate(db: PgDatabase, names: Collection[str]) -> list[Migration]:
    """SQLite's functions first (storage/postgres/compat.sql), then every pending migration of `names`,
    all or none; returns those applied."""
    files = {f"{m.version:04d}_{m.name}": m for m in available("storage.postgres")}
    unknown = sorted(set(names) - set(files))
    if unknown:
        raise ValueError(f"no PostgreSQL migration for {', '.join(unknown)}")
    async with db.transaction():
        for statement in statements(compat()):
            await db.execute_ddl(statement)
        await db.execute_ddl(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        done = {row["version"] for row in await db.fetch_all("SELECT version FROM schema_migrations")}
        pending = sorted((files[name] for name in names if files[name].version not in done),
                         key=lambda m: m.version)  # fmt: skip
        for migration in pending:
            for statement in statements(migration.sql):
                await db.execute_ddl(statement)
            await db.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                (migration.version, migration.name, to_db(datetime.now(UTC))),
            )
    await db.load_tables()
    if pending:
        for migration in pending:
            log.info("applied PostgreSQL migration %04d_%s", migration.version, migration.name)
        await db.optimize()
    return pending
