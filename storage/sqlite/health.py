"""Activity per member and day, the daily roll-up, engagement segments and win-back nudges (migration 0023).

The roll-up reads one day of each kind of event through time indexes and the activity tables through their
keys; nothing here reads a whole table on a request. Figures of a day are read outside any transaction (on
the reading connection's thread), and only what changed is written.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import asdict, fields
from datetime import date, datetime, timedelta

import aiosqlite

from handlers.health._ports import HEALTH, Activity, DayWindow, MemberFacts, SegmentChange, SegmentMember
from handlers.kpis import FLOWS, KpiDay, Segment
from handlers.ledger import SPENDING, Kind
from storage.sql import Database
from storage.sqlite.assembly import FeatureStorage, bind
from storage.sqlite.times import from_db, to_db

_COLUMNS = tuple(f.name for f in fields(KpiDay) if f.name != "day")
_QUOTED = ", ".join(f'"{name}"' for name in _COLUMNS)
"""The columns as SQL names (quoted: `left` is a keyword in PostgreSQL)."""
_AT_END = (
    "m.community_id = :c AND m.merged_into IS NULL AND m.status <> 'pending' AND m.joined_at < :end"
    " AND (m.left_at IS NULL OR m.left_at >= :end)"
)
_SPENDING = ", ".join(f"'{kind.value}'" for kind in SPENDING)
_FIGURES = f"""
SELECT
  (SELECT count(*) FROM members m WHERE {_AT_END}),
  (SELECT count(DISTINCT member_id) FROM member_days WHERE community_id = :c AND day BETWEEN :d7 AND :day),
  (SELECT count(DISTINCT member_id) FROM member_days WHERE community_id = :c AND day BETWEEN :d30 AND :day),
  (SELECT count(*) FROM members m LEFT JOIN member_activity a
     ON a.community_id = m.community_id AND a.member_id = m.id
     WHERE {_AT_END} AND (a.last_day IS NULL OR a.last_day < :inactive)
       AND m.joined_at < :inactive_at),
  (SELECT count(*) FROM members m WHERE m.community_id = :c AND m.merged_into IS NULL
     AND m.status <> 'pending' AND m.joined_at >= :cohort_start AND m.joined_at < :cohort_end),
  (SELECT count(*) FROM members m WHERE m.community_id = :c AND m.merged_into IS NULL
     AND m.status <> 'pending' AND m.joined_at >= :cohort_start AND m.joined_at < :cohort_end
     AND EXISTS (SELECT 1 FROM member_days d WHERE d.community_id = :c AND d.member_id = m.id
                 AND d.day BETWEEN :d7 AND :day)),
  (SELECT count(*) FROM members m WHERE m.community_id = :c AND m.merged_into IS NULL
     AND m.joined_at >= :start AND m.joined_at < :end),
  (SELECT count(*) FROM members m WHERE m.community_id = :c AND m.merged_into IS NULL
     AND m.left_at >= :start AND m.left_at < :end),
  (SELECT count(*) FROM introductions WHERE community_id = :c AND created_at >= :start AND created_at < :end),
  (SELECT count(*) FROM referrals WHERE community_id = :c AND created_at >= :start AND created_at < :end
     AND state <> 'void'),
  (SELECT count(*) FROM referrals r JOIN member_activity a
     ON a.community_id = r.community_id AND a.member_id = r.newcomer_id
     WHERE r.community_id = :c AND r.state <> 'void' AND a.first_day = :day),
  (SELECT coalesce(sum(messages), 0) FROM member_days WHERE community_id = :c AND day = :day),
  (SELECT count(*) FROM member_days WHERE community_id = :c AND day = :day),
  (SELECT count(*) FROM poll_ballots b JOIN polls p ON p.id = b.poll_id
     WHERE p.community_id = :c AND b.voted_at >= :start AND b.voted_at < :end),
  (SELECT count(*) FROM polls WHERE community_id = :c AND state = 'closed'
     AND closed_at >= :start AND closed_at < :end),
  (SELECT coalesce(sum(voters), 0) FROM polls WHERE community_id = :c AND state = 'closed'
     AND closed_at >= :start AND closed_at < :end),
  (SELECT count(*) FROM challenge_submissions s JOIN challenges ch ON ch.id = s.challenge_id
     WHERE ch.community_id = :c AND s.created_at >= :start AND s.created_at < :end),
  (SELECT count(*) FROM sessions WHERE community_id = :c AND state = 'scheduled'
     AND start >= :start AND start < :end),
  (SELECT coalesce(sum(going), 0) FROM sessions WHERE community_id = :c AND state = 'scheduled'
     AND start >= :start AND start < :end),
  (SELECT count(*) FROM session_attendance t JOIN sessions s ON s.id = t.session_id
     WHERE s.community_id = :c AND s.state = 'scheduled' AND s.start >= :start AND s.start < :end),
  (SELECT count(*) FROM winbacks WHERE community_id = :c AND sent_at >= :start AND sent_at < :end),
  (SELECT count(*) FROM winbacks w WHERE w.community_id = :c
     AND (w.returned_at = :day OR (w.returned_at IS NULL AND w.sent_at >= :winback_since AND w.sent_at < :end
       AND EXISTS (SELECT 1 FROM member_days d WHERE d.community_id = :c AND d.member_id = w.member_id
                   AND d.day = :day))))
"""
_LEDGER = f"""
SELECT coalesce(sum(kind = '{Kind.KUDOS.value}' AND delta > 0), 0),
  coalesce(sum(CASE WHEN delta > 0 AND kind NOT IN ({_SPENDING}) THEN delta END), 0),
  coalesce(-sum(CASE WHEN kind = '{Kind.REDEEM.value}' THEN delta END), 0)
FROM ledger WHERE community_id = :c AND created_at >= :start AND created_at < :end
"""
"""The day's ledger in one pass of its time index: kudos given, credits earned, credits spent."""
_NPS = """
SELECT coalesce(sum(score >= 9), 0), coalesce(sum(score BETWEEN 7 AND 8), 0), coalesce(sum(score <= 6), 0)
FROM nps_answers WHERE community_id = :c AND answered_at >= :start AND answered_at < :end
"""
_FIGURE_NAMES = [
    "members",
    "active_7d",
    "active_30d",
    "inactive",
    "cohort_size",
    "cohort_retained",
    "joined",
    "left",
    "introductions",
    "referrals",
    "referrals_active",
    "messages",
    "active_day",
    "votes",
    "polls_closed",
    "poll_voters",
    "submissions",
    "sessions_held",
    "session_going",
    "session_attended",
    "winback_sent",
    "winback_returned",
]
WINBACK_COUNTS = timedelta(days=14)
"""A nudged member active again within this long counts as won back."""
WINBACK_EVERY = timedelta(days=30)


class SqliteHealth:
    def __init__(self, db: Database, community_id: int) -> None:
        self.db = db
        self.community_id = community_id

    async def record(self, activity: Sequence[Activity]) -> None:
        if not activity:
            return
        c = self.community_id
        async with self.db.transaction():
            await self.db.execute_many(
                "INSERT INTO member_days (community_id, day, member_id, messages, actions)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (community_id, day, member_id) DO UPDATE SET"
                " messages = messages + excluded.messages, actions = actions + excluded.actions",
                [(c, a.day.isoformat(), a.member_id, a.messages, a.actions) for a in activity],
            )
            await self.db.execute_many(
                "INSERT INTO member_activity (community_id, member_id, first_day, last_day, first_message_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (community_id, member_id) DO UPDATE SET"
                " first_day = min(first_day, excluded.first_day),"
                " last_day = max(last_day, excluded.last_day),"
                " first_message_at = coalesce(min(first_message_at, excluded.first_message_at),"
                " first_message_at, excluded.first_message_at)",
                [
                    (
                        c,
                        a.member_id,
                        a.day.isoformat(),
                        a.day.isoformat(),
                        None if a.first_message_at is None else to_db(a.first_message_at),
                    )
                    for a in activity
                    if a.new
                ],
            )

    async def last_rolled_up(self) -> date | None:
        row = await self.db.fetch_one(
            "SELECT max(day) FROM kpi_days WHERE community_id = ?", (self.community_id,)
        )
        return None if row is None or row[0] is None else date.fromisoformat(row[0])

    async def first_day(self) -> datetime | None:
        row = await self.db.fetch_one(
            "SELECT min(joined_at) FROM members WHERE community_id = ?", (self.community_id,)
        )
        return None if row is None or row[0] is None else from_db(row[0])

    async def figures(self, window: DayWindow) -> KpiDay:
        day = window.day
        params = {
            "c": self.community_id,
            "day": day.isoformat(),
            "d7": (day - timedelta(days=6)).isoformat(),
            "d30": (day - timedelta(days=29)).isoformat(),
            "inactive": (day - timedelta(days=window.inactive_days - 1)).isoformat(),
            "inactive_at": to_db(window.end - timedelta(days=window.inactive_days)),
            "start": to_db(window.start),
            "end": to_db(window.end),
            "cohort_start": to_db(window.cohort_start),
            "cohort_end": to_db(window.cohort_end),
            "winback_since": to_db(window.start - WINBACK_COUNTS),
        }
        row = await self.db.fetch_one(_FIGURES, params)
        assert row is not None
        values = dict(zip(_FIGURE_NAMES, (int(v) for v in row), strict=True))
        members = values["members"]
        values["poll_eligible"] = members * values["polls_closed"]
        ledger = await self.db.fetch_one(_LEDGER, params)
        assert ledger is not None
        values["kudos"], values["points_earned"], values["points_redeemed"] = (int(v) for v in ledger)
        nps = await self.db.fetch_one(_NPS, params)
        values["nps_promoters"], values["nps_passives"], values["nps_detractors"] = nps or (0, 0, 0)
        minutes = await self.first_message_waits(window.start, window.end)
        values["first_messages"] = len(minutes)
        values["first_message_minutes"] = round(statistics.median(minutes)) if minutes else 0
        return KpiDay(day, **values)

    async def first_message_waits(self, start: datetime, end: datetime) -> list[float]:
        rows = await self.db.fetch_all(
            "SELECT a.first_message_at, m.joined_at FROM member_activity a"
            " JOIN members m ON m.id = a.member_id"
            " WHERE a.community_id = ? AND a.first_message_at >= ? AND a.first_message_at < ?",
            (self.community_id, to_db(start), to_db(end)),
        )
        return [max(0.0, (from_db(r[0]) - from_db(r[1])).total_seconds() / 60) for r in rows]

    async def member_facts(self, window: DayWindow) -> list[MemberFacts]:
        day = window.day
        rows = await self.db.fetch_all(
            # member_activity's last day is the answer unless activity came after the day (a roll-up of
            # an earlier day): only then is member_days searched. Nobody quiet for 30 days is counted.
            "SELECT m.id, m.joined_at,"
            " CASE WHEN a.last_day <= :day THEN a.last_day WHEN a.last_day IS NOT NULL THEN"
            "  (SELECT max(d.day) FROM member_days d WHERE d.community_id = :c AND d.member_id = m.id"
            "   AND d.day <= :day) END,"
            " CASE WHEN a.last_day >= :d30 THEN"
            "  (SELECT count(*) FROM member_days d WHERE d.community_id = :c AND d.member_id = m.id"
            "   AND d.day BETWEEN :d30 AND :day) ELSE 0 END"
            " FROM members m LEFT JOIN member_activity a"
            " ON a.community_id = m.community_id AND a.member_id = m.id"
            f" WHERE {_AT_END}",
            {
                "c": self.community_id,
                "day": day.isoformat(),
                "d30": (day - timedelta(days=29)).isoformat(),
                "end": to_db(window.end),
            },
        )
        return [
            MemberFacts(r[0], from_db(r[1]), None if r[2] is None else date.fromisoformat(r[2]), r[3])
            for r in rows
        ]

    async def store(
        self, window: DayWindow, figures: KpiDay, segments: Mapping[int, Segment], now: datetime
    ) -> list[SegmentChange]:
        c, day = self.community_id, window.day.isoformat()
        async with self.db.transaction():
            current = {
                r[0]: Segment(r[1])
                for r in await self.db.fetch_all(
                    "SELECT member_id, segment FROM member_segments WHERE community_id = ?", (c,)
                )
            }
            changes = [
                SegmentChange(member_id, current.get(member_id), segment)
                for member_id, segment in segments.items()
                if current.get(member_id) is not segment
            ]
            await self.db.execute_many(
                "INSERT INTO member_segments (community_id, member_id, segment, since) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (community_id, member_id) DO UPDATE SET segment = excluded.segment,"
                " since = excluded.since",
                [(c, change.member_id, change.after.value, day) for change in changes],
            )
            gone = [(c, member_id) for member_id in current if member_id not in segments]
            await self.db.execute_many(
                "DELETE FROM member_segments WHERE community_id = ? AND member_id = ?", gone
            )
            await self.db.execute(
                "UPDATE winbacks SET returned_at = :day WHERE community_id = :c AND returned_at IS NULL"
                " AND sent_at >= :since AND sent_at < :end AND member_id IN"
                " (SELECT member_id FROM member_days WHERE community_id = :c AND day = :day)",
                {
                    "c": c,
                    "day": day,
                    "since": to_db(window.start - WINBACK_COUNTS),
                    "end": to_db(window.end),
                },
            )
            counts = {segment: 0 for segment in Segment}
            for segment in segments.values():
                counts[segment] += 1
            row = {name: value for name, value in asdict(figures).items() if name != "day"} | {
                segment.value: count for segment, count in counts.items()
            }
            names = _QUOTED
            await self.db.execute(
                f"INSERT OR REPLACE INTO kpi_days (community_id, day, {names}, rolled_up_at)"
                f" VALUES (:community, :day, {', '.join(':' + n for n in _COLUMNS)}, :now)",
                {"community": c, "day": day, "now": to_db(now), **row},
            )
        return changes

    async def days(self, since: date, until: date) -> list[KpiDay]:
        rows = await self.db.fetch_all(
            f"SELECT day, {_QUOTED} FROM kpi_days WHERE community_id = ? AND day BETWEEN ? AND ?"
            " ORDER BY day",
            (self.community_id, since.isoformat(), until.isoformat()),
        )
        return [KpiDay(date.fromisoformat(r[0]), *r[1:]) for r in rows]

    async def members_in(self, segment: Segment, limit: int, offset: int = 0) -> list[SegmentMember]:
        rows = await self.db.fetch_all(
            f"{_SEGMENT_MEMBER} WHERE s.community_id = ? AND s.segment = ? ORDER BY s.since, s.member_id"
            " LIMIT ? OFFSET ?",
            (self.community_id, segment.value, limit, offset),
        )
        return [_segment_member(r) for r in rows]

    async def segment_of(self, member_id: int) -> SegmentMember | None:
        row = await self.db.fetch_one(
            f"{_SEGMENT_MEMBER} WHERE s.community_id = ? AND s.member_id = ?", (self.community_id, member_id)
        )
        return None if row is None else _segment_member(row)

    async def winback(self, member_id: int, now: datetime) -> bool:
        async with self.db.transaction():
            recent = await self.db.fetch_one(
                "SELECT 1 FROM winbacks WHERE community_id = ? AND member_id = ? AND sent_at >= ?",
                (self.community_id, member_id, to_db(now - WINBACK_EVERY)),
            )
            if recent is not None:
                return False
            await self.db.execute(
                "INSERT INTO winbacks (community_id, member_id, sent_at) VALUES (?, ?, ?)",
                (self.community_id, member_id, to_db(now)),
            )
        return True


_SEGMENT_MEMBER = (
    "SELECT s.member_id, m.handle, s.segment, s.since, a.last_day FROM member_segments s"
    " JOIN members m ON m.id = s.member_id"
    " LEFT JOIN member_activity a ON a.community_id = s.community_id AND a.member_id = s.member_id"
)


def _segment_member(row: aiosqlite.Row) -> SegmentMember:
    return SegmentMember(
        row[0],
        row[1],
        Segment(row[2]),
        date.fromisoformat(row[3]),
        None if row[4] is None else date.fromisoformat(row[4]),
    )


assert set(_FIGURE_NAMES) | {
    "poll_eligible",
    "kudos",
    "points_earned",
    "points_redeemed",
    "first_messages",
    "first_message_minutes",
    "nps_promoters",
    "nps_passives",
    "nps_detractors",
} | {s.value for s in Segment} == set(_COLUMNS), "every KpiDay figure is read"
assert set(FLOWS) <= set(_COLUMNS)

STORAGE = FeatureStorage(
    repositories=(bind(HEALTH, SqliteHealth),),
    migrations=("0023_health",),
    merge_steps=(
        # Activity of both on one day adds up; the rest moves over.
        "INSERT INTO member_days (community_id, day, member_id, messages, actions)"
        " SELECT community_id, day, :target, messages, actions FROM member_days"
        " WHERE community_id = :community AND member_id = :source AND true"
        " ON CONFLICT (community_id, day, member_id) DO UPDATE SET messages = messages + excluded.messages,"
        " actions = actions + excluded.actions",
        "DELETE FROM member_days WHERE community_id = :community AND member_id = :source",
        "INSERT INTO member_activity (community_id, member_id, first_day, last_day, first_message_at)"
        " SELECT community_id, :target, first_day, last_day, first_message_at FROM member_activity"
        " WHERE community_id = :community AND member_id = :source AND true"
        " ON CONFLICT (community_id, member_id) DO UPDATE SET first_day = min(first_day, excluded.first_day),"
        " last_day = max(last_day, excluded.last_day), first_message_at = coalesce(min(first_message_at,"
        " excluded.first_message_at), first_message_at, excluded.first_message_at)",
        "DELETE FROM member_activity WHERE community_id = :community AND member_id = :source",
        "DELETE FROM member_segments WHERE community_id = :community AND member_id = :source",
        "UPDATE winbacks SET member_id = :target"
        " WHERE community_id = :community AND member_id = :source AND NOT EXISTS (SELECT 1 FROM winbacks o"
        " WHERE o.community_id = :community AND o.member_id = :target AND o.sent_at = winbacks.sent_at)",
        "DELETE FROM winbacks WHERE community_id = :community AND member_id = :source",
    ),
    # Counts per day and segments identify nobody once the member's identities and names are gone.
    forget_steps=(),
)
