"""`communitybot` command line: run, console, check-config, migrate, export; the data-care commands
(backup, restore, forget, export member) are in bot/data_care.py."""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import json
import logging
import signal
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

from bot import copy_data, data_care, logs
from bot.app import Application
from bot.console.source import script_lines, stdin_lines
from bot.loop import run as run_loop
from config.community import load_community
from config.problems import ConfigError
from config.settings import Settings, load_settings
from handlers.settings import CommunityConfig
from storage.postgres.database import PgDatabase
from storage.postgres.migrations import migrate as migrate_postgresql
from storage.sql import Database as SqlDatabase
from storage.sqlite.backup import DataCareError
from storage.sqlite.database import Database
from storage.sqlite.export import EXPORTS, export_table
from storage.sqlite.migrations import applied_versions, migrate
from storage.sqlite.state import ensure_community
from storage.store import Store, claimed_migrations

log = logging.getLogger(__name__)

BANNER = (
    "communitybot console: no Discord or Twilio credentials are set, so you play the members here.\n"
    'Try "alice: JOIN", "alice: HELP", "#general alice: hello", "/advance 1d". End with Ctrl-D.'
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="communitybot", description=__doc__)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("run", help="start every configured adapter (the console when none is)")
    console = commands.add_parser("console", help="play members locally; lines from stdin or a script")
    console.add_argument("--script", type=Path, help="read lines from this file instead of stdin")
    commands.add_parser("check-config", help="validate the environment and the community file")
    commands.add_parser("migrate", help="apply pending database migrations")
    export = commands.add_parser(
        "export", help="write a table to stdout; `export member <member>`: one member's own data as JSON"
    )
    export.add_argument("table", choices=sorted([*EXPORTS, "member"]))
    export.add_argument("member", nargs="?", help="with `member`: @handle, +E164 or platform:id")
    export.add_argument("--format", choices=("csv", "json"), default="csv")
    export.add_argument("--output", type=Path, help="with `member`: write the JSON to this file")
    data_care.add_parsers(commands)
    copy_data.add_parser(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "export" and (args.table == "member") != (args.member is not None):
        parser.error("name a member only with `export member <member>`")
    if args.command is None:
        args.command = "run"
    if args.command == "check-config":
        return check_config()
    try:
        settings = load_settings()
        community, from_file = load_community(settings.community_file)
    except ConfigError as error:
        _print_problems(error)
        return 2
    console = args.command == "console" or (args.command == "run" and not settings.has_platform_credentials)
    # A person playing in the console should not read INFO logs between the bot's lines.
    level = settings.log_level if "log_level" in settings.model_fields_set or not console else "WARNING"
    logs.configure(level, settings.log_format)
    if not from_file and args.command in ("run", "console"):
        log.warning(
            "no %s found: running on built-in defaults (copy community.example.toml to change them)",
            settings.community_file,
        )
    try:
        if args.command in ("run", "console"):
            return run_loop(serve(args, settings, community, console))
        if args.command == "migrate":
            return run_loop(run_migrate(settings, community))
        if args.command == "copy-data":
            try:
                return run_loop(copy_data.run_copy(args))
            except DataCareError as error:
                print(f"communitybot: {error}", file=sys.stderr)
                return 1
        if args.command in data_care.COMMANDS or (args.command == "export" and args.table == "member"):
            return data_care.run(args, settings, community)
        return run_loop(run_export(settings, community, args.table, args.format))
    except KeyboardInterrupt:
        return 130


def check_config() -> int:
    problems: list[ConfigError] = []
    settings: Settings | None = None
    try:
        settings = load_settings()
    except ConfigError as error:
        problems.append(error)
    path = settings.community_file if settings else Path("community.toml")
    try:
        _, from_file = load_community(path)
    except ConfigError as error:
        problems.append(error)
        from_file = True
    if problems:
        for problem in problems:
            _print_problems(problem)
        return 1
    source = str(path) if from_file else f"built-in defaults ({path} not found)"
    print(f"configuration is valid: environment and {source}")
    return 0


def _print_problems(error: ConfigError) -> None:
    count = len(error.problems)
    print(f"{error.source}: {count} problem{'s' if count != 1 else ''}", file=sys.stderr)
    for problem in error.problems:
        print(f"  {problem}", file=sys.stderr)


async def serve(
    args: argparse.Namespace, settings: Settings, community: CommunityConfig, console: bool
) -> int:
    app = Application(settings, community, console=console, web=args.command == "run")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await app.start()
    try:
        waiters: list[asyncio.Task[object]] = [
            asyncio.create_task(stop.wait()),
            asyncio.create_task(app.failed.wait()),
        ]
        if app.console is not None:
            waiters.append(asyncio.create_task(app.console.run(_console_source(args))))
        done, pending = await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
        for task in done:
            task.result()
    finally:
        await app.stop()
    if app.failure is not None:
        # Non-zero, so that Docker, systemd or compose restart the bot rather than it running half-alive.
        print(f"communitybot: {app.failure}", file=sys.stderr)
        return 1
    return 0


def _console_source(args: argparse.Namespace) -> AsyncIterator[str]:
    script = getattr(args, "script", None)
    if script is not None:
        return script_lines(script)
    if sys.stdin.isatty():
        print(BANNER, flush=True)
    if isinstance(sys.stdin, io.TextIOWrapper):  # a stray byte that is no UTF-8 must not end the session
        sys.stdin.reconfigure(errors="replace")
    return stdin_lines(sys.stdin)


async def run_migrate(settings: Settings, community: CommunityConfig) -> int:
    db: SqlDatabase
    if settings.database_url is not None:
        db = await PgDatabase.open(settings.database_url.get_secret_value(), settings.data_dir)
    else:
        db = await Database.open(settings.database_path)
    try:
        if isinstance(db, PgDatabase):
            applied = await migrate_postgresql(db, claimed_migrations())
        else:
            applied = await migrate(db, claimed_migrations())
        await ensure_community(db, community.community.slug, _utcnow())
        version = max(await applied_versions(db), default=0)
    finally:
        await db.close()
    for migration in applied:
        print(f"applied {migration.version:04d}_{migration.name}")
    print(f"database {settings.database_name} is at schema version {version}")
    return 0


async def run_export(settings: Settings, community: CommunityConfig, table: str, fmt: str) -> int:
    store = await Store.open(settings.database, community.community.slug, data_dir=settings.data_dir)
    try:
        columns, rows = await export_table(store.db, store.community_id, table)
    finally:
        await store.close()
    if fmt == "json":
        json.dump(
            [dict(zip(columns, row, strict=True)) for row in rows], sys.stdout, ensure_ascii=False, indent=1
        )
        sys.stdout.write("\n")
    else:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
    return 0


def _utcnow() -> datetime:
    return datetime.now(UTC)
