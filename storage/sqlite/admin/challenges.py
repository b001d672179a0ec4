"""Challenges and their submissions for the dashboard, with each submission's kept media (the media store's
file names: bot/media.py keeps the files)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from storage.sql import Database
from storage.sqlite.admin.rows import PAGE, ChallengeRow, MediaRow, SubmissionRow
from storage.sqlite.times import from_db

_CHALLENGE = (
    "SELECT c.id, c.title, c.description, c.state, c.starts_at, c.ends_at, c.points, c.review,"
    " (SELECT count(*) FROM challenge_submissions s INDEXED BY challenge_submissions_by_challenge"
    "   WHERE s.challenge_id = c.id AND s.state = 'pending')"
    " FROM challenges c NOT INDEXED"
)


def _challenge(row: Any) -> ChallengeRow:
    return ChallengeRow(
        int(row[0]), str(row[1]), str(row[2]), str(row[3]), from_db(row[4]), from_db(row[5]), int(row[6]),
        str(row[7]), int(row[8]),
    )  # fmt: skip


class SqliteChallengeReads:
    def __init__(self, db: Database, community_id: int) -> None:
        self.db = db
        self.community_id = community_id

    async def challenges(self, offset: int = 0) -> list[ChallengeRow]:
        rows = await self.db.fetch_all(
            f"{_CHALLENGE} WHERE c.community_id = ? ORDER BY c.id DESC LIMIT ? OFFSET ?",
            (self.community_id, PAGE + 1, offset),
        )
        return [_challenge(r) for r in rows]

    async def challenge(self, challenge_id: int) -> ChallengeRow | None:
        row = await self.db.fetch_one(
            f"{_CHALLENGE} WHERE c.community_id = ? AND c.id = ?", (self.community_id, challenge_id)
        )
        return None if row is None else _challenge(row)

    async def submissions(self, challenge_id: int, offset: int = 0) -> list[SubmissionRow]:
        """Up to PAGE + 1 of the challenge's submissions, newest first, with their media."""
        rows = await self.db.fetch_all(
            "SELECT s.id, m.handle, s.text, s.state, s.reason, s.created_at"
            " FROM challenge_submissions s INDEXED BY challenge_submissions_by_challenge"
            " JOIN members m ON m.id = s.member_id"
            " JOIN challenges c ON c.id = s.challenge_id AND c.community_id = ?"
            " WHERE s.challenge_id = ? ORDER BY s.id DESC LIMIT ? OFFSET ?",
            (self.community_id, challenge_id, PAGE + 1, offset),
        )
        media: dict[int, list[MediaRow]] = defaultdict(list)
        if rows:
            ids = [int(r[0]) for r in rows]
            for submission, key, kind, size in await self.db.fetch_all(
                "SELECT submission_id, media_key, content_type, size FROM challenge_media"
                f" WHERE submission_id IN ({', '.join('?' * len(ids))}) ORDER BY submission_id, position",
                tuple(ids),
            ):
                media[int(submission)].append(MediaRow(str(key), str(kind), int(size)))
        return [
            SubmissionRow(
                int(r[0]), str(r[1]), str(r[2]), str(r[3]), r[4], from_db(r[5]), tuple(media[int(r[0])])
            )
            for r in rows
        ]

    async def media_type(self, key: str) -> str | None:
        """The content type of a kept file that belongs to a submission of this community (None: no such
        file here), so the dashboard serves only what a submission holds."""
        row = await self.db.fetch_one(
            "SELECT cm.content_type FROM challenge_media cm INDEXED BY challenge_media_by_key"
            " JOIN challenge_submissions s ON s.id = cm.submission_id"
            " JOIN challenges c ON c.id = s.challenge_id"
            " WHERE cm.media_key = ? AND c.community_id = ? LIMIT 1",
            (key, self.community_id),
        )
        return None if row is None else str(row[0])
