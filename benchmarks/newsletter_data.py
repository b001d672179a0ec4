"""The newsletter's figures for `benchmarks/scheduler.py`: an issue to every opted-in WhatsApp member of a big
community, built and handed to the outbox, through the core's real path on a durable SQLite file.

    .venv/bin/python benchmarks/newsletter_data.py                  # 100,000 members (about a minute here)
    .venv/bin/python benchmarks/newsletter_data.py --members 2000   # a quick one

`newsletter_figures(folder, members)` returns (and prints) the figures; scheduler.py calls it:

1. Setup (not timed): --members members on WhatsApp, opted in (JOIN), written with plain sqlite3
   (benchmarks/poll_data.py), and a week of activity: a ledger entry per member spread over the week (the
   top contributors' query reads them all), a kudos every tenth, and a moderator's highlight.
2. Build: `NEWSLETTER PREVIEW` through `Core.handle_direct`: every feature's section compiled in every
   language from the week, as the weekly job does before it sends. Bar: under 5 s.
3. Hand-over: `NEWSLETTER SEND`, then `Core.run_due_jobs()` until the broadcast has no page left: every
   member's delivery row and outbox row written (a page of 500 per transaction), and the rows dispatched
   through the delivery policy to a messenger that only counts them (the WhatsApp sender then paces them at
   its configured rate: benchmarks/webhooks.py and the sender's tests). Bar: under 30 s. Afterwards every
   member must have exactly one delivery row and the messenger one message each.
4. Ceiling: the same delivery and outbox rows written with plain sqlite3 executemany in one durable
   transaction.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.poll_data import MODERATOR, START, bulk_community
from bot.formats import TEXTS
from handlers.delivery import Delivery, MessageKind
from handlers.events import DirectMessage
from handlers.features import FEATURES, community_config
from handlers.install import build_core
from handlers.settings import CommunityConfig
from scheduler.cron import CronRecurrence
from storage.sqlite.times import to_db
from storage.store import Store

BAR_BUILD, BAR_HANDED = 5.0, 30.0
"""The issue's bars: built in under 5 s, handed to the outbox in under 30 s (100,000 members)."""
SENT_AT = START + timedelta(days=6)
"""When the issue is sent: six days of activity before it."""


class Counting:
    """Counts the issues handed to WhatsApp (the channel post and answers aside)."""

    def __init__(self) -> None:
        self.count = 0

    async def deliver(self, delivery: Delivery) -> None:
        if delivery.kind is MessageKind.NEWSLETTER:
            self.count += 1


class Clock:
    def __init__(self) -> None:
        self.current = SENT_AT

    def now(self):  # type: ignore[no-untyped-def]
        return self.current


def community() -> CommunityConfig:
    return community_config(
        {
            "community": {"name": "Bench", "timezone": "Europe/Paris"},
            "roles": {"moderators": [str(MODERATOR)]},
            "newsletter": {"min_items": 1},
        }
    )


def bulk_week(path: Path, members: int) -> None:
    """A ledger entry per member over the week before the issue, and a kudos for every tenth."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA synchronous = OFF")
    connection.execute("BEGIN")
    rows = []
    for n in range(1, members + 1):
        moment = START + timedelta(seconds=(n * 5) % (6 * 86400))
        kind = "kudos" if n % 10 == 0 else "activity"
        rows.append((n, 1 + n % 7, kind, "bench", f"bench:{n}", to_db(moment), moment.strftime("%Y-%m")))
    connection.executemany(
        "INSERT INTO ledger (community_id, member_id, delta, kind, reason, source, created_at, month)"
        " VALUES (1, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    connection.execute("COMMIT")
    connection.close()


def raw_ceiling(path: Path, members: int) -> float:
    """Seconds for plain sqlite3 to write a delivery row and an outbox row per member, durably."""
    connection = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode = WAL", "synchronous = FULL", "foreign_keys = ON"):
        connection.execute(f"PRAGMA {pragma}")
    moment = to_db(SENT_AT)
    broadcast = connection.execute(
        "INSERT INTO broadcasts (community_id, key, platform, kind, messages, created_at)"
        " VALUES (1, 'raw', 'whatsapp', 'newsletter', '{}', ?)",
        (moment,),
    ).lastrowid
    payload = '{"text": "📰 Bench · newsletter #1", "choices": [], "private": false}'
    began = time.perf_counter()
    connection.execute("BEGIN IMMEDIATE")
    connection.executemany(
        "INSERT INTO broadcast_deliveries (broadcast_id, member_id, sent_at) VALUES (?, ?, ?)",
        [(broadcast, n, moment) for n in range(1, members + 1)],
    )
    connection.executemany(
        "INSERT INTO deliveries (community_id, kind, recipient, member_id, channel, payload, next_attempt_at,"
        " created_at, updated_at) VALUES (1, 'newsletter', ?, NULL, NULL, ?, ?, ?, ?)",
        [(f"whatsapp:+336{n:08d}", payload, moment, moment, moment) for n in range(1, members + 1)],
    )
    connection.execute("COMMIT")
    elapsed = time.perf_counter() - began
    connection.close()
    return elapsed


async def _run(path: Path) -> tuple[float, float, int, int, int]:
    store = await Store.open(path, "bench")
    messenger = Counting()
    core = build_core(
        store.services(community(), Clock()), messenger, FEATURES, texts=TEXTS, recurrence=CronRecurrence()
    )
    await core.start()

    async def moderator(text: str) -> str:
        replies = await core.handle_direct(DirectMessage(MODERATOR, text, display_name="mod"))
        return replies[0].text

    await moderator("NEWSLETTER ADD The winter box ships on Friday")
    began = time.perf_counter()
    preview = await moderator("NEWSLETTER PREVIEW")
    built = time.perf_counter() - began
    assert preview.startswith("📰"), preview
    began = time.perf_counter()
    sent = await moderator("NEWSLETTER SEND")
    assert sent.startswith("Newsletter #1"), sent
    while await core.run_due_jobs():
        pass
    await core.settle()
    handed = time.perf_counter() - began
    row = await store.db.fetch_one("SELECT count(*), count(DISTINCT member_id) FROM broadcast_deliveries")
    assert row is not None
    delivered, distinct = int(row[0]), int(row[1])
    await store.close()
    return built, handed, delivered, distinct, messenger.count


def newsletter_figures(folder: Path, members: int = 100_000) -> dict[str, float]:
    """Build and hand over an issue to `members` opted-in WhatsApp members; prints and returns the figures."""
    path = folder / "newsletter.db"
    phones = bulk_community(path, members, 1.0)
    bulk_week(path, members)
    built, handed, delivered, distinct, messages = asyncio.run(_run(path))
    raw = folder / "newsletter-raw.db"
    bulk_community(raw, members, 1.0)
    ceiling = raw_ceiling(raw, members)
    print(f"newsletter to {phones:,} opted-in WhatsApp members:")
    print(f"  built (every section, every language):  {built:6.2f} s   (bar {BAR_BUILD:.0f} s)")
    print(f"  handed to the outbox and dispatched:    {handed:6.2f} s   (bar {BAR_HANDED:.0f} s)")
    print(f"  delivery rows {delivered:,} for {distinct:,} members, {messages:,} messages handed over")
    print(f"  plain sqlite3 ceiling (same rows, one transaction): {ceiling:.2f} s")
    print(f"  each member once: {delivered == distinct == phones == messages}")
    return {
        "members": float(phones),
        "built_s": built,
        "handed_s": handed,
        "ceiling_s": ceiling,
        "once_each": float(delivered == distinct == phones == messages),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    if args.dir is not None:
        newsletter_figures(args.dir, args.members)
        return
    with tempfile.TemporaryDirectory() as folder:
        newsletter_figures(Path(folder), args.members)


if __name__ == "__main__":
    main()
