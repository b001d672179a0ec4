"""NPS surveys, whom each asks, one answer per member and survey, detractors' follow-ups (migration 0024)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import aiosqlite

from handlers.nps._models import Answer, FollowUp, Invite, Survey, Tally
from handlers.nps._ports import NPS
from storage.sql import Database
from storage.sqlite.assembly import FeatureStorage, bind
from storage.sqlite.times import from_db, from_db_optional, to_db

_SURVEY = "SELECT id, started_at, spread_days, chosen FROM nps_surveys"
_FOLLOW_UP = (
    "SELECT f.id, f.survey_id, f.member_id, m.handle, a.score, a.reason, a.reason_at, f.created_at, f.done_at"
    " FROM nps_follow_ups f JOIN nps_answers a ON a.survey_id = f.survey_id AND a.member_id = f.member_id"
    " JOIN members m ON m.id = f.member_id"
)


def _survey(row: aiosqlite.Row) -> Survey:
    return Survey(row[0], from_db(row[1]), row[2], row[3])


def _follow_up(row: aiosqlite.Row) -> FollowUp:
    return FollowUp(
        row[0],
        row[1],
        row[2],
        row[3],
        row[4],
        row[5],
        from_db_optional(row[6]),
        from_db(row[7]),
        from_db_optional(row[8]),
    )


class SqliteNps:
    def __init__(self, db: Database, community_id: int) -> None:
        self.db = db
        self.community_id = community_id

    async def start(self, occurrence: str, spread_days: int, now: datetime) -> tuple[Survey, bool]:
        made = await self.db.insert(
            "INSERT OR IGNORE INTO nps_surveys (community_id, occurrence, started_at, spread_days)"
            " VALUES (?, ?, ?, ?)",
            (self.community_id, occurrence, to_db(now), spread_days),
        )
        row = await self.db.fetch_one(
            f"{_SURVEY} WHERE community_id = ? AND occurrence = ?", (self.community_id, occurrence)
        )
        assert row is not None
        return _survey(row), made is not None

    async def choose(self, survey_id: int, joined_by: datetime, cuts: Sequence[datetime]) -> int:
        # One statement over the members: each gets the day of their id, and that day's cut (the earliest
        # previous question that keeps them out) from a small table of the days.
        days = ", ".join("(CAST(? AS INTEGER), ?)" for _ in cuts)  # typed: PostgreSQL compares it to an id
        cut_values = [value for day, cut in enumerate(cuts) for value in (day, to_db(cut))]
        chosen = await self.db.execute(
            "INSERT INTO nps_invites (survey_id, member_id, day)"
            f" SELECT ?, m.id, c.column1 FROM members m JOIN (VALUES {days}) c ON c.column1 = m.id % ?"
            " WHERE m.community_id = ? AND m.status = 'member' AND m.joined_at <= ?"
            " AND NOT EXISTS (SELECT 1 FROM nps_invites i WHERE i.member_id = m.id"
            "   AND (i.state = 'waiting' OR (i.state = 'asked' AND i.asked_at >= c.column2)))",
            (survey_id, *cut_values, len(cuts), self.community_id, to_db(joined_by)),
        )
        await self.db.execute("UPDATE nps_surveys SET chosen = ? WHERE id = ?", (chosen, survey_id))
        return chosen

    async def survey(self, survey_id: int) -> Survey | None:
        row = await self.db.fetch_one(
            f"{_SURVEY} WHERE community_id = ? AND id = ?", (self.community_id, survey_id)
        )
        return None if row is None else _survey(row)

    async def latest_survey(self) -> Survey | None:
        row = await self.db.fetch_one(
            f"{_SURVEY} WHERE community_id = ? ORDER BY id DESC LIMIT 1", (self.community_id,)
        )
        return None if row is None else _survey(row)

    async def waiting(self, survey_id: int, day: int, after: int, limit: int) -> list[int]:
        rows = await self.db.fetch_all(
            "SELECT member_id FROM nps_invites WHERE survey_id = ? AND day = ? AND state = 'waiting'"
            " AND member_id > ? ORDER BY member_id LIMIT ?",
            (survey_id, day, after, limit),
        )
        return [row[0] for row in rows]

    async def mark_asked(self, survey_id: int, member_id: int, now: datetime) -> bool:
        changed = await self.db.execute(
            "UPDATE nps_invites SET state = 'asked', asked_at = ?"
            " WHERE survey_id = ? AND member_id = ? AND state = 'waiting'",
            (to_db(now), survey_id, member_id),
        )
        return changed == 1

    async def pass_over(self, survey_id: int, member_id: int) -> None:
        await self.db.execute(
            "UPDATE nps_invites SET state = 'passed'"
            " WHERE survey_id = ? AND member_id = ? AND state = 'waiting'",
            (survey_id, member_id),
        )

    async def latest_invite(self, member_id: int) -> Invite | None:
        row = await self.db.fetch_one(
            "SELECT survey_id, member_id, day, asked_at FROM nps_invites"
            " WHERE member_id = ? AND state = 'asked' ORDER BY asked_at DESC LIMIT 1",
            (member_id,),
        )
        return None if row is None else Invite(row[0], row[1], row[2], from_db(row[3]))

    async def answer(self, survey_id: int, member_id: int) -> Answer | None:
        row = await self.db.fetch_one(
            "SELECT survey_id, member_id, score, reason, reason_at, answered_at FROM nps_answers"
            " WHERE survey_id = ? AND member_id = ?",
            (survey_id, member_id),
        )
        if row is None:
            return None
        return Answer(row[0], row[1], row[2], row[3], from_db_optional(row[4]), from_db(row[5]))

    async def add_answer(self, survey_id: int, member_id: int, score: int, now: datetime) -> bool:
        made = await self.db.execute(
            "INSERT OR IGNORE INTO nps_answers (community_id, survey_id, member_id, score, answered_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (self.community_id, survey_id, member_id, score, to_db(now)),
        )
        return made == 1

    async def settle_reason(self, survey_id: int, member_id: int, reason: str | None, now: datetime) -> bool:
        changed = await self.db.execute(
            "UPDATE nps_answers SET reason = ?, reason_at = ?"
            " WHERE survey_id = ? AND member_id = ? AND reason_at IS NULL",
            (reason, to_db(now), survey_id, member_id),
        )
        return changed == 1

    async def open_follow_up(self, survey_id: int, member_id: int, now: datetime) -> int:
        made = await self.db.insert(
            "INSERT INTO nps_follow_ups (community_id, survey_id, member_id, created_at) VALUES (?, ?, ?, ?)",
            (self.community_id, survey_id, member_id, to_db(now)),
        )
        assert made is not None
        return made

    async def follow_up(self, follow_up_id: int) -> FollowUp | None:
        row = await self.db.fetch_one(
            f"{_FOLLOW_UP} WHERE f.community_id = ? AND f.id = ?", (self.community_id, follow_up_id)
        )
        return None if row is None else _follow_up(row)

    async def follow_up_of(self, survey_id: int, member_id: int) -> FollowUp | None:
        row = await self.db.fetch_one(
            f"{_FOLLOW_UP} WHERE f.survey_id = ? AND f.member_id = ?", (survey_id, member_id)
        )
        return None if row is None else _follow_up(row)

    async def open_follow_ups(self, limit: int) -> list[FollowUp]:
        rows = await self.db.fetch_all(
            f"{_FOLLOW_UP} WHERE f.community_id = ? AND f.done_at IS NULL ORDER BY f.id LIMIT ?",
            (self.community_id, limit),
        )
        return [_follow_up(row) for row in rows]

    async def close_follow_up(self, follow_up_id: int, by: int | None, now: datetime) -> bool:
        changed = await self.db.execute(
            "UPDATE nps_follow_ups SET done_at = ?, done_by = ?"
            " WHERE community_id = ? AND id = ? AND done_at IS NULL",
            (to_db(now), by, self.community_id, follow_up_id),
        )
        return changed == 1

    async def tally(self, survey_id: int) -> Tally:
        row = await self.db.fetch_one(
            "SELECT coalesce(sum(score >= 9), 0), coalesce(sum(score BETWEEN 7 AND 8), 0),"
            " coalesce(sum(score <= 6), 0),"
            " (SELECT count(*) FROM nps_invites WHERE survey_id = :survey AND state = 'asked'),"
            " (SELECT count(*) FROM nps_invites WHERE survey_id = :survey AND state = 'waiting')"
            " FROM nps_answers WHERE survey_id = :survey",
            {"survey": survey_id},
        )
        assert row is not None
        return Tally(row[0], row[1], row[2], row[3], row[4])


# Two members merged (linked identities): one invite and one answer per survey. Of two invites the one
# asked first is kept (an asked one over a waiting one, a waiting one over one passed over); of two
# answers the earlier (the first answer is the one that counts); a follow-up goes with its answer (its
# foreign key cascades). Forgotten: the reason's words go; the score stays, so the NPS stays right.
STORAGE = FeatureStorage(
    repositories=(bind(NPS, SqliteNps),),
    migrations=("0024_nps",),
    merge_steps=(
        "DELETE FROM nps_invites WHERE member_id = :target AND EXISTS (SELECT 1 FROM nps_invites s"
        " WHERE s.member_id = :source AND s.survey_id = nps_invites.survey_id"
        " AND ((s.state = 'asked' AND (nps_invites.state <> 'asked' OR s.asked_at < nps_invites.asked_at))"
        "   OR (s.state = 'waiting' AND nps_invites.state = 'passed')))",
        "DELETE FROM nps_invites WHERE member_id = :source"
        " AND survey_id IN (SELECT survey_id FROM nps_invites WHERE member_id = :target)",
        "UPDATE nps_invites SET member_id = :target WHERE member_id = :source",
        "DELETE FROM nps_answers WHERE community_id = :community AND member_id = :target"
        " AND EXISTS (SELECT 1 FROM nps_answers s WHERE s.member_id = :source"
        " AND s.survey_id = nps_answers.survey_id AND s.answered_at < nps_answers.answered_at)",
        "DELETE FROM nps_answers WHERE community_id = :community AND member_id = :source"
        " AND survey_id IN (SELECT survey_id FROM nps_answers WHERE member_id = :target)",
        "UPDATE nps_answers SET member_id = :target WHERE community_id = :community AND member_id = :source",
        "UPDATE nps_follow_ups SET done_by = :target WHERE community_id = :community AND done_by = :source",
    ),
    forget_steps=(
        "UPDATE nps_answers SET reason = NULL WHERE community_id = :community AND member_id = :member",
    ),
)
