"""`communitybot backup | restore | forget | export member`: the admins' data-care commands.

Output for admins is English, like the other CLI commands; each refusal is one line on stderr
(`communitybot: <why>`) and a non-zero exit.

- backup: SQLite's online backup API (storage/sqlite/backup.py), consistent while a bot runs.
- restore: only while no bot runs on the database (its scheduler lease tells, as a second
  `communitybot run` finds the first); the file is checked first; the replaced database is kept as
  `<database>.<UTC time>.bak`; an older restored file is migrated.
- forget: the same erasure as the moderators' FORGET (MemberRepository.forget, then its media), in one
  transaction. Refused while a bot runs on the database: the write itself would go through, but a running
  bot keeps members in memory (the points feature's identities and handles) and hears of member changes
  only from its own commands, so it would go on showing the old handle and crediting the forgotten member
  (tests/bot/test_data_care.py shows it). On a running bot a moderator's FORGET in chat does it, with
  every cache told.
- export member: a member's own data as JSON (storage/sqlite/export_member.py says what is in it).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from config.settings import Settings
from handlers.models import Identity, Member
from handlers.settings import CommunityConfig
from scheduler.service import LEASE_FOR
from storage.sqlite.backup import DataCareError, LeaseRow, backup, check_database, lease_of, replace_database
from storage.sqlite.database import Database
from storage.sqlite.export_member import export_member
from storage.sqlite.migrations import migrate
from storage.store import Store, claimed_migrations

COMMANDS = ("backup", "restore", "forget")
"""The data-care commands besides `export member` (which `communitybot export` dispatches here)."""

FORGOTTEN_NAME = "forgotten member"
"""The display name a forgotten member keeps (storage/sqlite/kernel.py's forget step)."""


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    backup_parser = commands.add_parser(
        "backup", help="copy the database to a file (safe while the bot runs)"
    )
    backup_parser.add_argument("file", type=Path)
    backup_parser.add_argument("--force", action="store_true", help="overwrite the file if it exists")
    restore = commands.add_parser("restore", help="replace the database with a backup (the bot stopped)")
    restore.add_argument("file", type=Path)
    forget = commands.add_parser("forget", help="erase a member's personal data (the right to erasure)")
    forget.add_argument("member", help="@handle, +E164 or platform:id")
    forget.add_argument("--yes", action="store_true", help="confirm: without it, only say who would go")


def run(args: argparse.Namespace, settings: Settings, community: CommunityConfig) -> int:
    """Run a data-care command; the coroutine ones through `bot.loop.run`."""
    from bot.loop import run as run_loop

    try:
        if args.command in ("backup", "restore") and settings.database_url is not None:
            raise DataCareError(
                f"{args.command} works on the SQLite file; on PostgreSQL use pg_dump and pg_restore"
            )
        if args.command == "backup":
            done = backup(settings.database_path, args.file, force=args.force)
            print(f"backed up {settings.database_path} to {done.path} (schema version {done.version})")
            return 0
        if args.command == "restore":
            return run_loop(run_restore(settings, args.file))
        if args.command == "forget":
            return run_loop(run_forget(settings, community, args.member, args.yes))
        return run_loop(run_export_member(settings, community, args.member, args.output))
    except DataCareError as error:
        print(f"communitybot: {error}", file=sys.stderr)
        return 1


async def run_restore(settings: Settings, source: Path) -> int:
    database = settings.database_path
    check = check_database(source)
    holder = running_bot(lease_of(database), datetime.now(UTC))
    if holder is not None:
        raise DataCareError(
            f"a bot is running on {database} ({holder.holder}, lease until"
            f" {holder.expires_at:%Y-%m-%d %H:%M:%S} UTC): stop it first"
        )
    kept = replace_database(source, database, datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ"))
    if kept is not None:
        print(f"kept the replaced database as {kept}")
    db = await Database.open(database)
    try:
        applied = await migrate(db, claimed_migrations())
    finally:
        await db.close()
    for migration in applied:
        print(f"applied {migration.version:04d}_{migration.name}")
    version = max([check.version, *(m.version for m in applied)])
    print(f"restored {source} to {database} (schema version {version})")
    return 0


def running_bot(lease: LeaseRow | None, now: datetime) -> LeaseRow | None:
    """The lease of a bot that runs on the database, or None. A holder on this machine runs while its
    process lives (a killed one left its lease behind); one elsewhere while its lease is unexpired. A live
    pid whose lease expired long ago is another process that got the number: no bot."""
    if lease is None:
        return None
    host, _, rest = lease.holder.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return lease if lease.expires_at > now else None
    if lease.expires_at < now - LEASE_FOR:
        return None
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        return lease  # alive, under another user
    return lease


async def find_member(store: Store, ref: str) -> Member:
    """The member named `@handle`, `+E164` or `platform:id` (also one who left)."""
    text = ref.strip()
    member: Member | None
    if text.startswith("@"):
        member = await store.members.by_handle(text[1:])
    else:
        try:
            identity = Identity.parse("whatsapp:" + text if text.startswith("+") else text)
        except ValueError as error:
            raise DataCareError(
                f"{ref!r}: name a member by @handle, +E164 or platform:id ({error})"
            ) from error
        member = await store.members.by_identity(identity)
    if member is None:
        raise DataCareError(f"no member {text} in this community")
    return member


async def run_forget(settings: Settings, community: CommunityConfig, ref: str, confirmed: bool) -> int:
    store = await Store.open(settings.database, community.community.slug, data_dir=settings.data_dir)
    try:
        lease = lease_of(settings.database_path) if settings.database_url is None else await store.lease.row()
        holder = running_bot(lease, datetime.now(UTC))
        if holder is not None and confirmed:
            raise DataCareError(
                f"a bot is running on {settings.database_name} ({holder.holder}): it keeps members in memory,"
                f" so send FORGET {ref} YES in chat as a moderator, or stop the bot first"
            )
        member = await find_member(store, ref)
        identities = await store.members.identities(member.id)
        if not identities and member.display_name == FORGOTTEN_NAME:
            raise DataCareError(f"member {member.id} is forgotten already")
        who = f"@{member.handle} ({member.display_name}, {len(identities)} identities)"
        if not confirmed:
            print(f"would forget {who}: run again with --yes to erase their personal data")
            return 1
        keys = await store.members.forget(member.id, datetime.now(UTC))
        store.members.remove_media(keys)  # after the commit, as the chat command does
    finally:
        await store.close()
    print(f"forgot {who}: member {member.id}, {len(keys)} media file(s) removed; points and figures kept")
    return 0


async def run_export_member(
    settings: Settings, community: CommunityConfig, ref: str, output: Path | None
) -> int:
    if output is not None and not output.parent.is_dir():
        raise DataCareError(f"no folder {output.parent} to write {output.name} in")
    store = await Store.open(settings.database, community.community.slug, data_dir=settings.data_dir)
    try:
        member = await find_member(store, ref)
        data = await export_member(store.db, store.community_id, member.id)
    finally:
        await store.close()
    document: dict[str, object] = {"community": community.community.slug, "exported_at": _now_text(), **data}
    if output is None:
        _write(document, sys.stdout)
    else:
        temporary = output.with_name(f".{output.name}.tmp")
        with temporary.open("w", encoding="utf-8") as file:
            _write(document, file)
        os.replace(temporary, output)
        print(f"wrote member {member.id}'s data to {output}")
    return 0


def _write(document: dict[str, object], file: TextIO) -> None:
    json.dump(document, file, ensure_ascii=False, indent=1)
    file.write("\n")


def _now_text() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
