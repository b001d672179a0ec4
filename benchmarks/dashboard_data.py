"""The dashboard benchmark's community, written fast with plain sqlite3 into a migrated file: members,
identities, a ledger of millions of entries, balances, a year of rolled-up days and every member's segment,
polls, challenges with submissions and media, unlocks, ideas, sessions with RSVPs, newsletter issues, and
the outboxes. Rows come from recursive CTEs (`INSERT ... SELECT`), so SQLite makes them without Python in
the loop; benchmarks/dashboard.py times the pages over it."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from benchmarks.points import migrated_file
from storage.sqlite.times import to_db

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
"""The bot's clock in the benchmark: the data's year ends here."""
YEAR = 365 * 86400
SLUG = "bench"


def _numbers(count: int) -> str:
    return f"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {int(count)})"


def _moment(expression: str) -> str:
    """SQL for the stored form of a time `expression` seconds after a year before NOW."""
    start = int(NOW.timestamp()) - YEAR
    return f"strftime('%Y-%m-%dT%H:%M:%S.000000Z', {start} + ({expression}), 'unixepoch')"


def build(path: Path, members: int, entries: int) -> dict[str, int]:
    """The whole community in `path`; returns how many rows of each kind it holds."""
    asyncio.run(migrated_file(path))
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA synchronous = OFF")
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA cache_size = -262144")
    db.execute("BEGIN")
    db.execute("UPDATE communities SET slug = ? WHERE id = 1", (SLUG,))
    joined = _moment(f"(i * {YEAR // max(members, 1)})")
    db.execute(
        f"{_numbers(members)} INSERT INTO members (id, community_id, handle, display_name, status, joined_at,"
        " left_at) SELECT i, 1, 'm' || i, 'Member ' || i,"
        " CASE WHEN i % 25 = 0 THEN 'left' WHEN i % 50 = 1 THEN 'pending' ELSE 'member' END,"
        f" {joined}, CASE WHEN i % 25 = 0 THEN {_moment(YEAR - 3600)} END FROM n"
    )
    db.execute(
        f"{_numbers(members)} INSERT INTO identities (community_id, identity, member_id, created_at,"
        " last_seen_at) SELECT 1, CASE WHEN i % 3 = 0 THEN 'whatsapp:+3361' || printf('%07d', i)"
        f" ELSE 'console:m' || i END, i, {joined}, {joined} FROM n"
    )
    # Entries spread over the year, newest last; a skewed mix of kinds (a refund is rare: one in 10,000).
    db.execute(
        f"{_numbers(entries)} INSERT INTO ledger (id, community_id, member_id, delta, kind, reason, actor_identity,"
        " source, created_at, month)"
        f" SELECT i, 1, 1 + (i * 7919) % {members},"
        " CASE WHEN i % 10000 = 0 THEN 25 WHEN i % 1000 = 0 THEN -50 WHEN i % 100 = 0 THEN 20"
        "   WHEN i % 10 = 0 THEN 5 ELSE 1 END,"
        " CASE WHEN i % 10000 = 0 THEN 'refund' WHEN i % 1000 = 0 THEN 'redeem' WHEN i % 100 = 0 THEN 'award'"
        "   WHEN i % 10 = 0 THEN 'kudos' ELSE 'activity' END,"
        " CASE WHEN i % 100 = 0 THEN 'moderator award' ELSE 'chat in #general' END,"
        " CASE WHEN i % 100 = 0 THEN 'console:mod' END, 'bench:' || i,"
        f" {_moment(f'i * {YEAR} / {max(entries, 1)}')}, '2026-11' FROM n"
    )
    db.execute(
        "INSERT INTO balances (community_id, member_id, balance, earned) SELECT 1, member_id, sum(delta),"
        " sum(CASE WHEN kind IN ('redeem', 'refund') THEN 0 ELSE delta END) FROM ledger GROUP BY member_id"
    )
    _health(db, members)
    counts = {**_activities(db, members), **_outboxes(db, members)}
    db.execute("COMMIT")
    db.close()
    return {"members": members, "entries": entries, **counts}


def _health(db: sqlite3.Connection, members: int) -> None:
    """A year of rolled-up days (kpi_days) and every member's segment, as the health feature writes them."""
    first = NOW.date() - timedelta(days=365)
    rows = []
    for n in range(365):
        day = first + timedelta(days=n)
        total = members * (n + 1) // 365
        rows.append(
            (day.isoformat(), total, total * 4 // 10, total * 6 // 10, total // 20, total * 4 // 10, total // 10,
             total // 10, total - total * 65 // 100, members // 365, members // 9000, 3000 + n, total // 5,
             n % 40, 6 if n % 7 == 0 else 0, 2 if n % 7 == 0 else 0, 1 if n % 7 == 0 else 0, to_db(NOW))
        )  # fmt: skip
    db.executemany(
        "INSERT INTO kpi_days (community_id, day, members, active_7d, active_30d, new, active, champion, at_risk,"
        " dormant, joined, left, messages, active_day, referrals, nps_promoters, nps_passives, nps_detractors,"
        " rolled_up_at) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    db.execute(
        f"{_numbers(members)} INSERT INTO member_segments (community_id, member_id, segment, since)"
        " SELECT 1, i, CASE i % 10 WHEN 0 THEN 'champion' WHEN 1 THEN 'new' WHEN 2 THEN 'at_risk'"
        " WHEN 3 THEN 'at_risk' WHEN 4 THEN 'dormant' ELSE 'active' END,"
        f" date('{first.isoformat()}', '+' || (i % 365) || ' days') FROM n"
    )


def _activities(db: sqlite3.Connection, members: int) -> dict[str, int]:
    polls, challenges, unlocks, sessions, issues = 300, 100, 100, 200, 52
    submissions, ideas = max(challenges, members // 5), max(10, members // 10)
    going, waiting = min(500, members // 4), min(1500, members // 2)
    db.execute(
        f"{_numbers(polls)} INSERT INTO polls (id, community_id, question, max_picks, multiple, anonymous, hidden,"
        " channel, voters, deadline, state, closed_at, created_at)"
        f" SELECT i, 1, 'Poll number ' || i || '?', 1, 0, i % 2, 0, 'announcements', {members // 10},"
        f" {_moment(f'i * {YEAR // polls}')}, CASE WHEN i < {polls} THEN 'closed' ELSE 'open' END,"
        f" CASE WHEN i < {polls} THEN {_moment(f'i * {YEAR // polls}')} END, {_moment(f'i * {YEAR // polls}')} FROM n"
    )
    db.execute(
        f"{_numbers(polls * 4)} INSERT INTO poll_options (poll_id, position, label, votes)"
        f" SELECT 1 + (i - 1) / 4, (i - 1) % 4, 'Option ' || ((i - 1) % 4 + 1), {members // 40} FROM n"
    )
    db.execute(
        f"{_numbers(challenges)} INSERT INTO challenges (id, community_id, title, description, starts_at, ends_at,"
        " points, per_member, review, channel, state, created_at)"
        f" SELECT i, 1, 'Challenge ' || i, 'Show us what you made', {_moment(f'i * {YEAR // challenges}')},"
        f" {_moment(f'i * {YEAR // challenges} + 7 * 86400')}, 20, 1, 'manual', 'announcements',"
        f" 'open', {_moment(f'i * {YEAR // challenges}')} FROM n"
    )
    db.execute(
        f"{_numbers(submissions)} INSERT INTO challenge_submissions (id, challenge_id, member_id, text, state,"
        " created_at) SELECT i, 1 + i % " + str(challenges) + f", 1 + (i * 31) % {members},"
        " 'My entry number ' || i, CASE WHEN i % 5 = 0 THEN 'pending' WHEN i % 7 = 0 THEN 'rejected'"
        f" ELSE 'approved' END, {_moment(f'i * {YEAR // submissions}')} FROM n"
    )
    db.execute(f"UPDATE challenges SET state = 'done' WHERE id < {challenges}")  # submissions came while open
    db.execute(
        f"{_numbers(submissions // 2)} INSERT INTO challenge_media (submission_id, position, media_key,"
        " content_type, size) SELECT i * 2, 0, printf('%064x', i) || '.png', 'image/png', 20000 FROM n"
    )
    db.execute(
        f"{_numbers(unlocks)} INSERT INTO unlocks (id, community_id, title, goal, reward, channel, deadline, state,"
        " pledges, created_at) SELECT i, 1, 'Group offer ' || i, 50, 'A discount for everyone', 'announcements',"
        f" {_moment(f'i * {YEAR // unlocks}')}, CASE WHEN i % 3 = 0 THEN 'expired' ELSE 'unlocked' END, 50,"
        f" {_moment(f'i * {YEAR // unlocks}')} FROM n"
    )
    db.execute(
        f"{_numbers(ideas)} INSERT INTO ideas (id, community_id, member_id, text, status, backers, created_at)"
        f" SELECT i, 1, 1 + (i * 13) % {members}, 'Idea number ' || i,"
        " CASE i % 4 WHEN 0 THEN 'new' WHEN 1 THEN 'planned' WHEN 2 THEN 'shipped' ELSE 'declined' END, i % 40,"
        f" {_moment(f'i * {YEAR // ideas}')} FROM n"
    )
    db.execute(
        f"{_numbers(sessions)} INSERT INTO sessions (id, community_id, title, start, length_minutes, place,"
        " capacity, channel, code, state, created_at, changed_at)"
        f" SELECT i, 1, 'Ask the founder ' || i, {_moment(f'i * {YEAR // sessions}')}, 60, 'https://meet.example',"
        f" 500, 'announcements', 'CODE' || i, 'scheduled', {_moment('0')}, {_moment('0')} FROM n"
    )
    # The latest session is full with a waitlist: its places taken, then more waiting (the triggers count).
    last = sessions
    db.execute(f"UPDATE sessions SET capacity = {going} WHERE id = {last}")
    db.execute(
        f"{_numbers(going)} INSERT INTO session_rsvps (session_id, member_id, state, seq, changed_at)"
        f" SELECT {last}, i, 'going', i, {_moment('i')} FROM n"
    )
    db.execute(
        f"{_numbers(waiting)} INSERT INTO session_rsvps (session_id, member_id, state, seq, changed_at)"
        f" SELECT {last}, {going} + i, 'waiting', {going} + i, {_moment(f'{going} + i')} FROM n"
    )
    text = json.dumps(
        {lang: "Acme weekly\n\n" + "• something that happened\n" * 40 for lang in ("en", "fr", "it")}
    )
    for n in range(1, issues + 1):
        since = NOW - timedelta(days=7 * (issues - n + 1))
        db.execute(
            "INSERT INTO newsletter_issues (community_id, number, state, since, until, texts, summaries, items,"
            " created_at) VALUES (1, ?, 'sent', ?, ?, ?, ?, 12, ?)",
            (n, to_db(since), to_db(since + timedelta(days=7)), text, json.dumps({"en": "x"}),
             to_db(since + timedelta(days=7))),
        )  # fmt: skip
    return {
        "polls": polls,
        "submissions": submissions,
        "ideas": ideas,
        "rsvps": going + waiting,
        "issues": issues,
    }


def _outboxes(db: sqlite3.Connection, members: int) -> dict[str, int]:
    """Five deliveries a member (half a million at 100,000: weeks of newsletters), a few still waiting; two
    WhatsApp outbox rows a member."""
    deliveries, whatsapp = 5 * members, 2 * members
    db.execute(
        f"{_numbers(deliveries)} INSERT INTO deliveries (id, community_id, kind, member_id, payload, state,"
        " attempts, next_attempt_at, platform, note, created_at, updated_at)"
        f" SELECT i, 1, CASE WHEN i % 3 = 0 THEN 'reply' ELSE 'newsletter' END, 1 + i % {members},"
        ' \'{"text": "x"}\','
        f" CASE WHEN i > {deliveries} - 200 THEN 'pending' WHEN i % 97 = 0 THEN 'withheld'"
        "   WHEN i % 1013 = 0 THEN 'failed' ELSE 'sent' END, 1,"
        f" {_moment(f'i * {YEAR} / {deliveries}')}, 'whatsapp', NULL,"
        f" {_moment(f'i * {YEAR} / {deliveries}')}, {_moment(f'i * {YEAR} / {deliveries}')} FROM n"
    )
    db.execute(
        f"{_numbers(whatsapp)} INSERT INTO outbox (id, community_id, sender, recipient, kind, mode, body, state,"
        " next_attempt_at, error_code, created_at, updated_at, delivery_id)"
        " SELECT i, 1, 'whatsapp:+14155238886', 'whatsapp:+3361' || printf('%07d', i), 'newsletter', 'template',"
        f" 'x', CASE WHEN i > {whatsapp} - 100 THEN 'pending' WHEN i % 501 = 0 THEN 'failed' ELSE 'sent' END,"
        f" {_moment(f'i * {YEAR} / {whatsapp}')}, CASE WHEN i % 501 = 0 THEN '63016' END,"
        f" {_moment(f'i * {YEAR} / {whatsapp}')}, {_moment(f'i * {YEAR} / {whatsapp}')}, NULL FROM n"
    )
    return {"deliveries": deliveries, "whatsapp": whatsapp}


def community_file(path: Path) -> None:
    path.write_text(
        '[community]\nname = "Bench"\nslug = "bench"\ntimezone = "Europe/Paris"\n\n'
        '[roles]\nadmins = ["console:root"]\nmoderators = ["console:mod"]\n',
        encoding="utf-8",
    )


def first_day() -> date:
    return NOW.date() - timedelta(days=365)
