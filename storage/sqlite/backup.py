"""Backup and restore of the database file, for `communitybot backup` and `communitybot restore`.

A backup is SQLite's online backup API copying every page inside one read transaction: in WAL mode a reader
never blocks the bot's writers, and what it reads is one committed state, so the copy is consistent while
the bot runs. It is written to a temporary file beside the target, switched out of WAL (one self-contained
file), checked, and only then renamed into place: a failed or interrupted backup never leaves a half file
under the name an admin will restore from.

Plain `sqlite3`, synchronous: the CLI runs these in a process of its own, never on the bot's event loop.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from storage.sqlite.migrations import available
from storage.sqlite.times import from_db

HEADER = b"SQLite format 3\x00"
BUSY_MS = 10_000
"""How long a backup waits for a writer's lock (only a checkpoint in progress holds one against readers)."""


class DataCareError(Exception):
    """A refusal or failure an admin reads as one line (`communitybot: <message>`)."""


@dataclass(frozen=True)
class FileCheck:
    """What `check_database` found in a file that passed."""

    path: Path
    version: int
    """Its highest applied migration."""
    latest: int
    """This code's highest migration: `version < latest` means `migrate` will bring it up to date."""


@dataclass(frozen=True)
class LeaseRow:
    holder: str
    expires_at: datetime


def backup(source: Path, target: Path, force: bool = False) -> FileCheck:
    """Copy the database at `source` to `target` (consistent while a bot writes to it)."""
    if not source.is_file():
        raise DataCareError(f"no database at {source}")
    if target.exists() and not force:
        raise DataCareError(f"{target} exists: pass --force to overwrite it")
    if target.exists() and target.resolve() == source.resolve():
        raise DataCareError(f"{target} is the database itself: back up to another file")
    if not target.parent.is_dir():
        raise DataCareError(f"no folder {target.parent} to write the backup in")
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        _copy(source, temporary)
        check = check_database(temporary)
        os.replace(temporary, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
    _sync_folder(target.parent)
    return FileCheck(target, check.version, check.latest)


def check_database(path: Path) -> FileCheck:
    """Refuse (DataCareError) a file that is not a sound communitybot database this code can run on."""
    if not path.is_file():
        raise DataCareError(f"no file at {path}")
    with path.open("rb") as file:
        if file.read(len(HEADER)) != HEADER:
            raise DataCareError(f"{path} is not an SQLite database (its header is not SQLite's)")
    try:
        connection = _open(path)
    except sqlite3.Error as error:
        raise DataCareError(f"{path} cannot be opened: {error}") from error
    try:
        problems = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        if problems != ["ok"]:
            raise DataCareError(f"{path} fails its integrity check: {problems[0]}")
        found = connection.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
        ).fetchone()
        if found is None:
            raise DataCareError(f"{path} is not a communitybot database (no schema_migrations table)")
        versions = {row[0] for row in connection.execute("SELECT version FROM schema_migrations")}
    except sqlite3.DatabaseError as error:
        raise DataCareError(f"{path} cannot be read: {error}") from error
    finally:
        connection.close()
    known = {migration.version for migration in available()}
    latest = max(known)
    version = max(versions, default=0)
    if version > latest:
        raise DataCareError(
            f"{path} is at schema version {version}, newer than this communitybot's {latest}: upgrade first"
        )
    unknown = sorted(versions - known)
    if unknown:
        raise DataCareError(f"{path} has migrations this communitybot does not know: {unknown}")
    return FileCheck(path, version, latest)


def lease_of(path: Path) -> LeaseRow | None:
    """The scheduler lease recorded in the database at `path` (None: no file, no table or no holder)."""
    if not path.is_file():
        return None
    connection = _open(path)
    try:
        row = connection.execute(
            "SELECT holder, expires_at FROM scheduler_lease WHERE name = 'scheduler'"
        ).fetchone()
    except sqlite3.DatabaseError:
        # Older than the lease (migration 0019): no bot of this version ran on it; or damaged: none can.
        return None
    finally:
        connection.close()
    return None if row is None else LeaseRow(row[0], from_db(row[1]))


def replace_database(source: Path, database: Path, stamp: str) -> Path | None:
    """Put a copy of `source` (already checked) where the bot's database is, keeping the replaced one as
    `<database>.<stamp>.bak`; returns that file (None when there was no database). No bot may run on
    `database`: the caller checked its lease."""
    if source.resolve() == database.resolve():
        raise DataCareError(f"{source} is the database itself")
    database.parent.mkdir(parents=True, exist_ok=True)
    temporary = database.with_name(f".{database.name}.{os.getpid()}.restore.tmp")
    kept: Path | None = None
    try:
        _copy(source, temporary)
        if database.exists():
            kept = database.with_name(f"{database.name}.{stamp}.bak")
            if kept.exists():
                raise DataCareError(f"{kept} exists already: wait a second and try again")
            _fold_wal(database)
            os.replace(database, kept)
            # What the checkpoint could not fold in (a damaged file) goes with it: the pair opens as one.
            with contextlib.suppress(FileNotFoundError):
                os.replace(database.with_name(database.name + "-wal"), kept.with_name(kept.name + "-wal"))
        # A write-ahead log left beside the old file would be replayed into the restored one.
        for suffix in ("-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                database.with_name(database.name + suffix).unlink()
        os.replace(temporary, database)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
    _sync_folder(database.parent)
    return kept


def _copy(source: Path, target: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        target.unlink()
    reader = _open(source)
    writer = sqlite3.connect(target)
    try:
        # pages=-1: every page in one step, so one read transaction and one committed state.
        reader.backup(writer, pages=-1)
        writer.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
        writer.commit()
    except sqlite3.Error as error:
        raise DataCareError(f"copying {source} failed: {error}") from error
    finally:
        writer.close()
        reader.close()
    with target.open("rb+") as file:
        os.fsync(file.fileno())


def _fold_wal(database: Path) -> None:
    """Write the database's log into its file, so that the file alone is the whole database. A damaged
    file (the usual reason to restore) cannot be checkpointed: it is kept as it is."""
    try:
        connection = _open(database)
        try:
            busy = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        finally:
            connection.close()
    except sqlite3.DatabaseError:
        return
    if busy is not None and busy[0] != 0:
        raise DataCareError(f"{database} is in use by another process: stop it first")


def _open(path: Path) -> sqlite3.Connection:
    # Not read-only (`mode=ro`): a read-only connection cannot open a WAL file whose -shm is missing.
    connection = sqlite3.connect(path, timeout=BUSY_MS / 1000)
    connection.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
    return connection


def _sync_folder(folder: Path) -> None:
    """A rename is durable once its folder is synced (POSIX)."""
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
