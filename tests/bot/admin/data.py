"""A small community with something on every page of the dashboard, made through the core as members and
moderators would (commands, a photo kept by the media store), plus rolled-up days of the health feature
written into its tables (kpi_days, member_segments) as its daily roll-up writes them."""

from __future__ import annotations

import asyncio
import io
import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.app import Application
from bot.console.adapter import ConsolePrinter
from bot.media import MediaKeeper
from config.community import load_community
from config.settings import Settings
from handlers.core import Core
from handlers.events import DirectMessage
from handlers.models import Identity
from tests.conftest import ROOT

TOKEN = "correct-horse-battery-staple-42"
COMMUNITY = """# The dashboard tests' community.
[community]
name = "Acme Friends"
timezone = "Europe/Paris"

[roles]
admins = ["console:root"]
moderators = ["console:mod"]

[points]
max_award = 500
"""
START = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
"""The bot's clock (the console's, which stands still): the same pages, and screenshot, on every run."""
MEMBERS = ("alice", "bob", "carol", "dave", "erin")
KPI_DAYS = 60
HEALTH_MIGRATION = ROOT / "storage" / "sqlite" / "migrations" / "0023_health.sql"


class Quiet(ConsolePrinter):
    """The console's printer, printing nothing: what the bot tells the members is not what is tested here."""

    def __init__(self) -> None:
        super().__init__(io.StringIO())


@dataclass(frozen=True)
class Seeded:
    folder: Path
    media_key: str
    first_day: date
    last_day: date


def settings_for(folder: Path, **extra: object) -> Settings:
    values: dict[str, object] = {
        "database_path": folder / "bot.db",
        "community_file": folder / "community.toml",
        "web": {"host": "127.0.0.1", "port": 0},
        "admin_token": TOKEN,
        "console_start": START,
    }
    values.update(extra)
    return Settings(**values)  # type: ignore[arg-type]


async def app_for(folder: Path, **extra: object) -> Application:
    settings = settings_for(folder, **extra)
    community, _ = load_community(settings.community_file)
    app = Application(settings, community, console=True, printer=Quiet())
    await app.start()
    return app


async def _say(core: Core, who: str, text: str, **extra: object) -> None:
    await core.handle_direct(DirectMessage(Identity("console", who), text, display_name=who.title(), **extra))  # type: ignore[arg-type]


def seeded(folder: Path) -> Seeded:
    """The community in `folder` (its file and its database)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "community.toml").write_text(COMMUNITY, encoding="utf-8")
    found = asyncio.run(seed(folder))
    rolled_up(folder / "bot.db", found.first_day, KPI_DAYS)
    return found


async def seed(folder: Path) -> Seeded:
    """What the members and moderators do (through the core), in `folder`'s database."""
    settings = settings_for(folder)
    community, _ = load_community(settings.community_file)
    app = Application(settings, community, console=True, web=False, printer=Quiet())
    await app.start()
    try:
        core = app.core
        assert core is not None and app.store is not None
        for name in (*MEMBERS, "mod"):
            await _say(core, name, "JOIN")
        await _say(core, "mod", "AWARD @alice 120 Best photo of the month")
        await _say(core, "mod", "AWARD @bob 40 =HYPERLINK(evil) helpful answers")
        await _say(core, "mod", 'POLL NEW "Next flavour?" | Mango | Yuzu | Cherry | 2d')
        await _say(core, "alice", "VOTE 1 1")
        await _say(core, "bob", "VOTE 1 2")
        await _say(core, "mod", 'CHALLENGE NEW "Best mug photo" | Show us your mug in use | 3d')
        keeper = MediaKeeper(app.store.db.path.parent / "media", community.media)
        photo = await keeper.keep_file(ROOT / "docs" / "mug.png")
        assert photo.stored is not None
        await _say(core, "alice", "SUBMIT 1 My mug on the balcony", attachments=(photo,))
        await _say(core, "mod", 'SESSION NEW "Ask the founder" 3d 1h | https://meet.example/acme | 2')
        for name in ("bob", "carol", "dave"):
            await _say(core, name, "RSVP 1")
        await _say(core, "mod", 'UNLOCK NEW "Tasting kit at half price" 3 2d | Half price on the tasting kit')
        await _say(core, "alice", "PLEDGE 1")
        await _say(core, "carol", "FEEDBACK Refillable coffee pods, please")
        await _say(core, "dave", "FEEDBACK Decaf beans")
        await _say(core, "mod", "NEWSLETTER SEND")
        today = core.services.clock.now().astimezone(community.community.tz).date()
        await core.settle()
    finally:
        await app.stop()
    last = today - timedelta(days=1)
    return Seeded(folder, photo.stored, last - timedelta(days=KPI_DAYS - 1), last)


def rolled_up(database: Path, first: date, days: int) -> None:
    """`days` closed days from `first` as the health feature's roll-up writes them, and each member's
    segment (the tables are made from the health migration when its feature has not made them yet)."""
    connection = sqlite3.connect(database)
    try:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "kpi_days" not in tables:
            connection.executescript(HEALTH_MIGRATION.read_text(encoding="utf-8"))
        rows = []
        for n in range(days):
            members = 100 + n
            new, active, champion, at_risk = 8 + n % 4, 35 + n // 3, 12 + n // 10, 10 + n % 5
            dormant = members - new - active - champion - at_risk
            rows.append(
                (
                    (first + timedelta(days=n)).isoformat(), members, 40 + n % 7 + n // 3,
                    60 + n % 5 + n // 2, new, active, champion, at_risk, dormant, 2, 1, 30 + n, 20,
                    n % 3, 3 if n % 7 == 0 else 0, 1 if n % 7 == 0 else 0, 1 if n % 14 == 0 else 0,
                )
            )  # fmt: skip
        connection.executemany(
            "INSERT OR REPLACE INTO kpi_days (community_id, day, members, active_7d, active_30d, new, active,"
            " champion, at_risk, dormant, joined, left, messages, active_day, referrals, nps_promoters,"
            " nps_passives, nps_detractors, rolled_up_at)"
            " VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '2026-01-01T00:00:00.000000Z')",
            rows,
        )
        segments = ("champion", "active", "at_risk", "dormant", "new")
        connection.executemany(
            "INSERT OR REPLACE INTO member_segments (community_id, member_id, segment, since)"
            " SELECT 1, id, ?, ? FROM members WHERE handle = ?",
            [(segment, first.isoformat(), handle) for segment, handle in zip(segments, MEMBERS, strict=True)],
        )
        connection.commit()
    finally:
        connection.close()
