"""Numbered SQL files applied in one transaction and recorded in `schema_migrations`."""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources

from storage.sql import Database as SqlDatabase
from storage.sqlite.database import Database
from storage.sqlite.times import to_db

log = logging.getLogger(__name__)

_FILE = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str

    def statements(self) -> list[str]:
        """Split on statement ends, keeping trigger bodies whole."""
        statements: list[str] = []
        current = ""
        for line in self.sql.splitlines(keepends=True):
            current += line
            if sqlite3.complete_statement(current):
                if current.strip().strip(";").strip():
                    statements.append(current.strip())
                current = ""
        if current.strip():
            raise ValueError(f"migration {self.version:04d} ends inside a statement")
        return statements


def available(package: str = "storage.sqlite") -> list[Migration]:
    """The numbered files in `package`'s migrations folder, in order (PostgreSQL's: storage.postgres)."""
    folder = resources.files(package) / "migrations"
    found = []
    for entry in folder.iterdir():
        match = _FILE.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise ValueError(f"two migrations share a number: {versions}")
    return found


async def applied_versions(db: SqlDatabase) -> set[int]:
    await db.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    rows = await db.fetch_all("SELECT version FROM schema_migrations")
    return {row["version"] for row in rows}


def claimed(names: Collection[str]) -> list[Migration]:
    """The migrations the features claim (their storage modules name them), checked against the files:
    every file is claimed by some feature and every claimed name is a file."""
    found = available()
    known = {f"{m.version:04d}_{m.name}" for m in found}
    unknown = sorted(set(names) - known)
    if unknown:
        raise ValueError(f"no migration file for {', '.join(unknown)}")
    orphans = sorted(known - set(names))
    if orphans:
        raise ValueError(f"no feature claims the migrations {', '.join(orphans)}: name them in its STORAGE")
    return found


async def migrate(db: Database, names: Collection[str] | None = None) -> list[Migration]:
    """Apply every pending migration (of those `names`, when given), all or none; returns those applied."""
    done = await applied_versions(db)
    wanted = available() if names is None else claimed(names)
    pending = [m for m in wanted if m.version not in done]
    if not pending:
        return []
    async with db.transaction():
        for migration in pending:
            for statement in migration.statements():
                await db.execute(statement)
            await db.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                (migration.version, migration.name, to_db(datetime.now(UTC))),
            )
    for migration in pending:
        log.info("applied migration %04d_%s", migration.version, migration.name)
    await db.optimize()  # new tables and indexes get the planner's statistics before the first query
    return pending
