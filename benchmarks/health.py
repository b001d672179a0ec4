"""The health feature's figures for benchmarks/dashboard.py, on the same database: STATS through the core's
own path (bar: p99 under 50 ms), and the daily roll-up of a day with 200,000 events (bar: under 2 s).

Setup (not timed): `busy_day` adds, with plain sqlite3, 30 days of member activity before NOW (a third of
the members active each day: the rolling 7- and 30-day windows the roll-up counts) and, on the last of
those days, 200,000 events: 150,000 ledger entries (chat, kudos, awards, purchases), the day's member
activity, 10,000 poll votes, 5,000 challenge submissions, 2,000 redemptions, joins and NPS answers.
The floor, measured in the same run and path: `HELP STATS` (a read-only command answered from memory).
"""

from __future__ import annotations

import sqlite3
import statistics
import time
from datetime import date, timedelta
from pathlib import Path

from benchmarks.points import percentile
from bot.app import Application
from handlers.events import DirectMessage
from handlers.kpis import HEALTH_REPORT
from handlers.models import Identity

STATS_BAR_MS = 50.0
ROLL_UP_BAR_S = 2.0
MODERATOR = Identity("console", "mod")


def _numbers(count: int) -> str:
    return f"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {int(count)})"


def busy_day(path: Path, members: int, day: date, events: int = 200_000) -> dict[str, int]:
    """Write the day's events (and the month of activity before it); how many of each."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA synchronous = OFF")
    db.execute("BEGIN")
    active = max(1, members // 3)
    for back in range(30):  # who was active on each of the 30 days, the busy day last
        on = (day - timedelta(days=29 - back)).isoformat()
        db.execute(
            f"{_numbers(active)} INSERT OR IGNORE INTO member_days (community_id, day, member_id, messages,"
            f" actions) SELECT 1, '{on}', 1 + (i * 3 + {back}) % {members}, 1 + i % 7, i % 3 FROM n"
        )
    db.execute(
        "INSERT OR REPLACE INTO member_activity (community_id, member_id, first_day, last_day)"
        " SELECT 1, member_id, min(day), max(day) FROM member_days GROUP BY member_id"
    )
    start = f"strftime('%s', '{day.isoformat()}') - 3600"  # Paris midnight in winter, in Unix seconds
    moment = f"strftime('%Y-%m-%dT%H:%M:%S.000000Z', {start} + (i * 86000 / {{count}}), 'unixepoch')"
    first_id = db.execute("SELECT coalesce(max(id), 0) FROM ledger").fetchone()[0]
    votes, submissions, redemptions, answers = events // 20, events // 40, events // 100, events // 200
    answers = min(members, answers)
    entries = max(0, events - active - votes - submissions - redemptions - answers)  # the rest: the ledger
    db.execute(
        f"{_numbers(entries)} INSERT INTO ledger (id, community_id, member_id, delta, kind, reason, source,"
        f" created_at, month) SELECT {first_id} + i, 1, 1 + (i * 7919) % {members},"
        " CASE WHEN i % 50 = 0 THEN -30 WHEN i % 10 = 0 THEN 5 ELSE 1 END,"
        " CASE WHEN i % 50 = 0 THEN 'redeem' WHEN i % 10 = 0 THEN 'kudos' ELSE 'activity' END,"
        f" 'chat in #general', 'busy:' || i, {moment.format(count=entries)}, '{day.isoformat()[:7]}' FROM n"
    )
    poll = db.execute("SELECT max(id) FROM polls").fetchone()[0] or 1
    db.execute(
        f"{_numbers(votes)} INSERT OR IGNORE INTO poll_ballots (poll_id, member_id, voted_at, changed_at)"
        f" SELECT {poll}, 1 + (i * 13) % {members}, {moment.format(count=votes)},"
        f" {moment.format(count=votes)} FROM n"
    )
    challenge = db.execute("SELECT max(id) FROM challenges").fetchone()[0] or 1
    db.execute(
        f"{_numbers(submissions)} INSERT INTO challenge_submissions (challenge_id, member_id, text, state,"
        f" created_at) SELECT {challenge}, 1 + (i * 17) % {members}, 'entry ' || i, 'pending',"
        f" {moment.format(count=submissions)} FROM n"
    )
    item = db.execute("SELECT max(id) FROM shop_items").fetchone()[0]
    if item is None:
        item = db.execute(
            "INSERT INTO shop_items (community_id, key, name, cost, fulfilment, origin, created_at)"
            " VALUES (1, 'busy', 'A mug', 30, 'manual', 'moderator', '2026-01-01T00:00:00.000000Z')"
        ).lastrowid
    db.execute(
        f"{_numbers(redemptions)} INSERT INTO redemptions (community_id, item_id, member_id, cost, state,"
        f" created_at) SELECT 1, {item}, 1 + (i * 19) % {members}, 30, 'delivered',"
        f" {moment.format(count=redemptions)} FROM n"
    )
    survey = db.execute("SELECT max(id) FROM nps_surveys").fetchone()[0]
    if survey is None:
        survey = db.execute(
            "INSERT INTO nps_surveys (community_id, occurrence, started_at, spread_days)"
            " VALUES (1, 'busy', '2026-01-01T00:00:00.000000Z', 7)"
        ).lastrowid
    db.execute(
        f"{_numbers(answers)} INSERT OR IGNORE INTO nps_answers (community_id, survey_id, member_id,"
        f" score, answered_at) SELECT 1, {survey}, 1 + (i * 23) % {members}, i % 11,"
        f" {moment.format(count=answers)} FROM n"
    )
    db.execute(f"DELETE FROM kpi_days WHERE day >= '{day.isoformat()}'")
    db.execute("COMMIT")
    db.close()
    return {
        "entries": entries,
        "activity": active,
        "votes": votes,
        "submissions": submissions,
        "redemptions": redemptions,
        "answers": answers,
    }


async def figures(app: Application, day: date, counts: dict[str, int], requests: int) -> list[str]:
    """The lines to print: the roll-up of `day` (three runs) and STATS p50/p99 against the floor."""
    core = app.core
    assert core is not None
    report = core.port(HEALTH_REPORT)
    await report.roll_up(day - timedelta(days=1))  # the night before (not timed): segments as of then
    runs = []
    for _ in range(3):
        began = time.perf_counter()
        await report.roll_up(day)
        runs.append(time.perf_counter() - began)
    events = sum(counts.values())
    slowest = max(runs)
    lines = [
        f"daily roll-up of a day with {events:,} events (every member's segment recomputed; three runs, the"
        f" first after the night before's): median"
        f" {statistics.median(runs):.2f} s, max {slowest:.2f} s (bar {ROLL_UP_BAR_S:.0f} s:"
        f" {'kept' if slowest < ROLL_UP_BAR_S else 'OVER THE BAR'})"
    ]

    async def timed(text: str) -> list[float]:
        found = []
        for n in range(3 + requests):
            began = time.perf_counter()
            [reply] = await core.handle_direct(DirectMessage(MODERATOR, text))
            if n >= 3:
                found.append((time.perf_counter() - began) * 1000)
        assert "Community stats" in reply.text or text.startswith("HELP"), reply.text
        return found

    floor = percentile(await timed("HELP STATS"), 0.99)
    for text in ("STATS", "STATS month"):
        found = await timed(text)
        p99 = percentile(found, 0.99)
        lines.append(
            f"{text}: p50 {percentile(found, 0.5):.1f} ms, p99 {p99:.1f} ms (floor HELP STATS p99 {floor:.1f} ms,"
            f" ratio {p99 / floor:.1f}; bar {STATS_BAR_MS:.0f} ms: {'kept' if p99 < STATS_BAR_MS else 'OVER'})"
        )
    return lines
