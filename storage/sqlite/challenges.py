"""Challenges, their submissions and winners (migration 0017)."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from handlers.challenges._models import (
    Challenge,
    ChallengeDraft,
    ChallengeState,
    Review,
    Submission,
    SubmissionState,
)
from handlers.challenges._ports import CHALLENGES
from handlers.models import Attachment
from storage.sql import Database
from storage.sqlite.assembly import FeatureStorage, bind
from storage.sqlite.times import from_db, to_db

_CHALLENGE = (
    "SELECT id, title, description, starts_at, ends_at, points, per_member, review, blind, bonus, winners,"
    " channel, state FROM challenges"
)
_SUBMISSION = (
    "SELECT s.id, s.challenge_id, s.member_id, m.handle, s.text, s.state, s.reason, s.created_at,"
    " (SELECT count(*) FROM challenge_media f WHERE f.submission_id = s.id) AS media"
    " FROM challenge_submissions s JOIN members m ON m.id = s.member_id"
)


def _challenge(row: aiosqlite.Row) -> Challenge:
    return Challenge(
        title=row["title"],
        description=row["description"],
        ends_at=from_db(row["ends_at"]),
        points=row["points"],
        per_member=row["per_member"],
        review=Review(row["review"]),
        blind=bool(row["blind"]),
        bonus=row["bonus"],
        winners=row["winners"],
        channel=row["channel"],
        id=row["id"],
        state=ChallengeState(row["state"]),
        starts_at=from_db(row["starts_at"]),
    )


def _submission(row: aiosqlite.Row) -> Submission:
    return Submission(
        id=row[0],
        challenge_id=row[1],
        member_id=row[2],
        handle=row[3],
        text=row[4],
        state=SubmissionState(row[5]),
        reason=row[6],
        created_at=from_db(row[7]),
        media=row[8],
    )


class SqliteChallenges:
    def __init__(self, db: Database, community_id: int) -> None:
        self.db = db
        self.community_id = community_id

    async def create(self, draft: ChallengeDraft, created_by: int | None, now: datetime) -> Challenge:
        async with self.db.transaction():
            challenge_id = await self.db.insert(
                "INSERT INTO challenges (community_id, title, description, starts_at, ends_at, points,"
                " per_member, review, blind, bonus, winners, channel, created_by, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    self.community_id, draft.title, draft.description, to_db(now), to_db(draft.ends_at),
                    draft.points, draft.per_member, draft.review.value, int(draft.blind), draft.bonus,
                    draft.winners, draft.channel, created_by, to_db(now),
                ),
            )  # fmt: skip
            assert challenge_id is not None
            found = await self.challenge(challenge_id)
        assert found is not None
        return found

    async def challenge(self, challenge_id: int) -> Challenge | None:
        row = await self.db.fetch_one(
            f"{_CHALLENGE} WHERE community_id = ? AND id = ?", (self.community_id, challenge_id)
        )
        return None if row is None else _challenge(row)

    async def listed(self, since: datetime) -> list[Challenge]:
        rows = await self.db.fetch_all(
            f"{_CHALLENGE} WHERE community_id = ? AND (state = 'open' OR ends_at >= ?) ORDER BY ends_at, id",
            (self.community_id, to_db(since)),
        )
        return [_challenge(row) for row in rows]

    async def submit(
        self, challenge_id: int, member_id: int, text: str, state: str, media: list[Attachment], now: datetime
    ) -> int:
        submission_id = await self.db.insert(
            "INSERT INTO challenge_submissions (challenge_id, member_id, text, state, created_at,"
            " reviewed_at) VALUES (?, ?, ?, ?, ?, CASE WHEN ? = 'pending' THEN NULL ELSE ? END)",
            (challenge_id, member_id, text, str(state), to_db(now), str(state), to_db(now)),
        )
        assert submission_id is not None
        if media:
            await self.db.execute_many(
                "INSERT INTO challenge_media (submission_id, position, media_key, content_type, size)"
                " VALUES (?, ?, ?, ?, ?)",
                [(submission_id, n, a.stored, a.content_type, a.size or 0) for n, a in enumerate(media)],
            )
        return submission_id

    async def submitted(self, challenge_id: int, member_id: int) -> int:
        row = await self.db.fetch_one(
            "SELECT count(*) FROM challenge_submissions WHERE challenge_id = ? AND member_id = ?"
            " AND state <> 'rejected'",
            (challenge_id, member_id),
        )
        return int(row[0]) if row else 0

    async def submission(self, submission_id: int) -> Submission | None:
        row = await self.db.fetch_one(
            f"{_SUBMISSION} JOIN challenges c ON c.id = s.challenge_id WHERE c.community_id = ? AND s.id = ?",
            (self.community_id, submission_id),
        )
        return None if row is None else _submission(row)

    async def submissions_of(self, member_id: int, challenge_ids: list[int]) -> list[Submission]:
        if not challenge_ids:
            return []
        marks = ",".join("?" * len(challenge_ids))
        rows = await self.db.fetch_all(
            f"{_SUBMISSION} WHERE s.member_id = ? AND s.challenge_id IN ({marks}) ORDER BY s.id",
            (member_id, *challenge_ids),
        )
        return [_submission(row) for row in rows]

    async def pending(self, limit: int) -> list[Submission]:
        rows = await self.db.fetch_all(
            f"{_SUBMISSION} JOIN challenges c ON c.id = s.challenge_id"
            " WHERE c.community_id = ? AND s.state = 'pending' ORDER BY s.id LIMIT ?",
            (self.community_id, limit),
        )
        return [_submission(row) for row in rows]

    async def pending_count(self, challenge_id: int) -> int:
        row = await self.db.fetch_one(
            "SELECT count(*) FROM challenge_submissions WHERE challenge_id = ? AND state = 'pending'",
            (challenge_id,),
        )
        return int(row[0]) if row else 0

    async def review(
        self, submission_id: int, state: str, reason: str | None, by: int | None, now: datetime
    ) -> bool:
        changed = await self.db.execute(
            "UPDATE challenge_submissions SET state = ?, reason = ?, reviewed_by = ?, reviewed_at = ?"
            " WHERE id = ? AND state = 'pending'",
            (str(state), reason, by, to_db(now), submission_id),
        )
        return changed == 1

    async def most_approved(self, challenge_id: int, limit: int) -> list[int]:
        rows = await self.db.fetch_all(
            "SELECT member_id FROM challenge_submissions WHERE challenge_id = ? AND state = 'approved'"
            " GROUP BY member_id ORDER BY count(*) DESC, max(id) LIMIT ?",
            (challenge_id, limit),
        )
        return [row[0] for row in rows]

    async def set_state(self, challenge_id: int, old: str, new: str, now: datetime) -> bool:
        changed = await self.db.execute(
            "UPDATE challenges SET state = ?, ended_at = coalesce(ended_at, ?)"
            " WHERE community_id = ? AND id = ? AND state = ?",
            (str(new), to_db(now), self.community_id, challenge_id, str(old)),
        )
        return changed == 1

    async def add_winners(self, challenge_id: int, member_ids: list[int]) -> None:
        await self.db.execute_many(
            "INSERT OR IGNORE INTO challenge_winners (challenge_id, member_id, place) VALUES (?, ?, ?)",
            [(challenge_id, member_id, place) for place, member_id in enumerate(member_ids, 1)],
        )

    async def winners(self, challenge_id: int) -> list[tuple[int, str]]:
        rows = await self.db.fetch_all(
            "SELECT w.member_id, m.handle FROM challenge_winners w JOIN members m ON m.id = w.member_id"
            " WHERE w.challenge_id = ? ORDER BY w.place",
            (challenge_id,),
        )
        return [(row[0], row[1]) for row in rows]

    async def ended_between(self, since: datetime, until: datetime) -> list[Challenge]:
        rows = await self.db.fetch_all(
            f"{_CHALLENGE} WHERE community_id = ? AND state = 'done' AND ended_at >= ? AND ended_at < ?"
            " ORDER BY ended_at, id",
            (self.community_id, to_db(since), to_db(until)),
        )
        return [_challenge(row) for row in rows]

    async def open_at(self, moment: datetime) -> list[Challenge]:
        rows = await self.db.fetch_all(
            f"{_CHALLENGE} WHERE community_id = ? AND state = 'open' AND starts_at <= ? AND ends_at > ?"
            " ORDER BY ends_at, id",
            (self.community_id, to_db(moment), to_db(moment)),
        )
        return [_challenge(row) for row in rows]


_SUBMISSIONS_OF_MEMBER = (
    "SELECT s.id FROM challenge_submissions s JOIN challenges c ON c.id = s.challenge_id"
    " WHERE c.community_id = :community AND s.member_id = :member"
)

STORAGE = FeatureStorage(
    repositories=(bind(CHALLENGES, SqliteChallenges),),
    migrations=("0017_challenges",),
    merge_steps=(
        "UPDATE challenge_submissions SET member_id = :target WHERE member_id = :source",
        "UPDATE challenge_submissions SET reviewed_by = :target WHERE reviewed_by = :source",
        "DELETE FROM challenge_winners WHERE member_id = :source"
        " AND challenge_id IN (SELECT challenge_id FROM challenge_winners WHERE member_id = :target)",
        "UPDATE challenge_winners SET member_id = :target WHERE member_id = :source",
        "UPDATE challenges SET created_by = :target WHERE community_id = :community AND created_by = :source",
    ),
    # A member forgotten: the words and photos of their submissions go (the review's reason may quote
    # them); the review's outcome and points stay.
    forget_steps=(
        f"DELETE FROM challenge_media WHERE submission_id IN ({_SUBMISSIONS_OF_MEMBER})",
        "UPDATE challenge_submissions SET text = '',"
        " reason = CASE WHEN reason IS NULL THEN NULL ELSE '' END WHERE member_id = :member"
        " AND challenge_id IN (SELECT id FROM challenges WHERE community_id = :community)",
    ),
    member_media=(
        f"SELECT media_key FROM challenge_media WHERE submission_id IN ({_SUBMISSIONS_OF_MEMBER})",
    ),
    media_in_use=("SELECT 1 FROM challenge_media WHERE media_key = :key LIMIT 1",),
)
