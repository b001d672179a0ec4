"""`communitybot copy-data --from sqlite:///data/communitybot.db --to postgresql://...`: move a community
from its SQLite file to PostgreSQL, with its whole history (storage/postgres/copy.py), then check the copy.

Refused while a bot runs on the file (it would go on writing to it); the target must be empty. Both are
first brought to the current schema, as the bot does when it starts. Output for admins is English, like the
other CLI commands; a refusal is one line on stderr and a non-zero exit.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

from bot.data_care import running_bot
from storage.postgres.copy import CopyError, copy_database
from storage.postgres.database import PgDatabase
from storage.postgres.migrations import migrate as migrate_postgresql
from storage.sqlite.backup import DataCareError, lease_of
from storage.sqlite.database import Database
from storage.sqlite.migrations import migrate
from storage.store import claimed_migrations, is_postgresql

USAGE = "communitybot copy-data --from sqlite:///data/communitybot.db --to postgresql://user@host:5432/name"


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    copy = commands.add_parser("copy-data", help="copy the SQLite database into an empty PostgreSQL one")
    copy.add_argument("--from", dest="source", required=True, help="sqlite:///path/to/file.db (or the path)")
    copy.add_argument("--to", dest="target", required=True, help="postgresql://user:password@host:5432/name")


def source_path(text: str) -> Path:
    """`sqlite:///relative/path`, `sqlite:////absolute/path` or a plain path."""
    if text.startswith("sqlite:///"):
        return Path(text.removeprefix("sqlite:///"))
    if "://" in text:
        raise DataCareError(f"--from must be a SQLite file (sqlite:///path): {USAGE}")
    return Path(text)


async def run_copy(args: argparse.Namespace) -> int:
    source = source_path(args.source)
    if not is_postgresql(args.target):
        raise DataCareError(f"--to must be a PostgreSQL URL: {USAGE}")
    if not source.is_file():
        raise DataCareError(f"no SQLite database at {source}")
    holder = running_bot(lease_of(source), datetime.now(UTC))
    if holder is not None:
        raise DataCareError(f"a bot is running on {source} ({holder.holder}): stop it first, then copy")
    db = await Database.open(source)
    try:
        await migrate(db, claimed_migrations())
    finally:
        await db.close()
    target = await PgDatabase.open(args.target, source.parent)
    try:
        await migrate_postgresql(target, claimed_migrations())
    finally:
        await target.close()
    try:
        copied = await copy_database(source, args.target)
    except CopyError as error:
        raise DataCareError(str(error)) from error
    total = sum(copied.rows.values())
    print(f"copied {total} rows in {len(copied.rows)} tables from {source} to PostgreSQL")
    print(
        f"checked: every table's row count, and {copied.members} members' balances ({copied.balance} in all)"
    )
    print("start the bot with COMMUNITYBOT_DATABASE_URL set to the target to run on PostgreSQL")
    return 0
