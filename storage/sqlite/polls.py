"""Polls, their options and ballots (migration 0013)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

import aiosqlite

from handlers.polls._models import Poll, PollDraft, PollState, Tally
from handlers.polls._ports import POLLS
from storage.sql import Database
from storage.sqlite.assembly import FeatureStorage, bind
from storage.sqlite.times import from_db, from_db_optional, to_db

_POLL = (
    "SELECT id, question, max_picks, multiple, anonymous, hidden, channel, min_level, segment, points,"
    " announce, deadline, state, late, closed_at, created_at,"
    " (SELECT json_group_array(label) FROM"
    "   (SELECT label FROM poll_options o WHERE o.poll_id = polls.id ORDER BY position) AS o) AS options"
    " FROM polls"
)


def _poll(row: aiosqlite.Row) -> Poll:
    return Poll(
        question=row["question"],
        options=tuple(json.loads(row["options"])),
        max_picks=row["max_picks"],
        multiple=bool(row["multiple"]),
        anonymous=bool(row["anonymous"]),
        hidden=bool(row["hidden"]),
        channel=row["channel"],
        deadline=from_db(row["deadline"]),
        min_level=row["min_level"],
        segment=row["segment"],
        points=row["points"],
        announce=bool(row["announce"]),
        id=row["id"],
        state=PollState(row["state"]),
        late=bool(row["late"]),
        closed_at=from_db_optional(row["closed_at"]),
        created_at=from_db(row["created_at"]),
    )


class SqlitePolls:
    def __init__(self, db: Database, community_id: int) -> None:
        self.db = db
        self.community_id = community_id

    async def create(self, draft: PollDraft, created_by: int | None, now: datetime) -> Poll:
        async with self.db.transaction():
            poll_id = await self.db.insert(
                "INSERT INTO polls (community_id, question, max_picks, multiple, anonymous, hidden, channel,"
                " min_level, segment, points, announce, deadline, created_by, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    self.community_id, draft.question, draft.max_picks, int(draft.multiple),
                    int(draft.anonymous), int(draft.hidden), draft.channel, draft.min_level, draft.segment,
                    draft.points, int(draft.announce), to_db(draft.deadline), created_by, to_db(now),
                ),
            )  # fmt: skip
            assert poll_id is not None
            await self.db.execute_many(
                "INSERT INTO poll_options (poll_id, position, label) VALUES (?, ?, ?)",
                [(poll_id, n, label) for n, label in enumerate(draft.options)],
            )
            poll = await self.poll(poll_id)
        assert poll is not None
        return poll

    async def poll(self, poll_id: int) -> Poll | None:
        row = await self.db.fetch_one(
            f"{_POLL} WHERE community_id = ? AND id = ?", (self.community_id, poll_id)
        )
        return None if row is None else _poll(row)

    async def open_polls(self) -> list[Poll]:
        rows = await self.db.fetch_all(
            f"{_POLL} WHERE community_id = ? AND state = 'open' ORDER BY deadline, id", (self.community_id,)
        )
        return [_poll(row) for row in rows]

    async def ballot(self, poll_id: int, member_id: int) -> tuple[int, ...] | None:
        return (await self.ballots_of(member_id, [poll_id])).get(poll_id)

    async def ballots_of(self, member_id: int, poll_ids: Sequence[int]) -> dict[int, tuple[int, ...]]:
        if not poll_ids:
            return {}
        marks = ",".join("?" * len(poll_ids))
        rows = await self.db.fetch_all(
            "SELECT b.poll_id, p.position FROM poll_ballots b"
            " LEFT JOIN poll_picks p ON p.poll_id = b.poll_id AND p.member_id = b.member_id"
            f" WHERE b.member_id = ? AND b.poll_id IN ({marks}) ORDER BY b.poll_id, p.position",
            (member_id, *poll_ids),
        )
        found: dict[int, list[int]] = {}
        for poll_id, position in rows:
            picks = found.setdefault(poll_id, [])
            if position is not None:
                picks.append(position)
        return {poll_id: tuple(picks) for poll_id, picks in found.items()}

    async def vote(self, poll_id: int, member_id: int, picks: Sequence[int], now: datetime) -> bool:
        moment = to_db(now)
        async with self.db.transaction():
            if not picks:  # withdrawn: the picks go with the ballot (ON DELETE CASCADE)
                await self.db.execute(
                    "DELETE FROM poll_ballots WHERE poll_id = ? AND member_id = ?", (poll_id, member_id)
                )
                return False
            first = (
                await self.db.execute(
                    "INSERT OR IGNORE INTO poll_ballots (poll_id, member_id, voted_at, changed_at)"
                    " VALUES (?, ?, ?, ?)",
                    (poll_id, member_id, moment, moment),
                )
                == 1
            )
            if not first:
                await self.db.execute(
                    "UPDATE poll_ballots SET changed_at = ? WHERE poll_id = ? AND member_id = ?",
                    (moment, poll_id, member_id),
                )
                await self.db.execute(
                    "DELETE FROM poll_picks WHERE poll_id = ? AND member_id = ?", (poll_id, member_id)
                )
            # One statement for every pick (executemany costs more than it saves for one to ten rows).
            rows = ", ".join(["(?, ?, ?)"] * len(picks))
            values = tuple(value for position in picks for value in (poll_id, member_id, position))
            await self.db.execute(
                f"INSERT INTO poll_picks (poll_id, member_id, position) VALUES {rows}", values
            )
        return first

    async def tally(self, poll: Poll) -> Tally:
        # The counts the triggers keep (migration 0013): one row, whatever the number of ballots.
        row = await self.db.fetch_one(
            "SELECT voters, (SELECT json_group_array(votes) FROM"
            " (SELECT votes FROM poll_options WHERE poll_id = polls.id ORDER BY position) AS o) FROM polls"
            " WHERE community_id = ? AND id = ?",
            (self.community_id, poll.id),
        )
        if row is None:
            return Tally((0,) * len(poll.options), 0)
        return Tally(tuple(json.loads(row[1])), row[0])

    async def voters(self, poll: Poll) -> list[tuple[int, str]]:
        if poll.anonymous:  # never: not even a caller's mistake can tie a member to an option here
            return []
        rows = await self.db.fetch_all(
            "SELECT p.position, m.handle FROM poll_picks p JOIN members m ON m.id = p.member_id"
            " WHERE p.poll_id = ? ORDER BY p.position, m.handle",
            (poll.id,),
        )
        return [(row[0], row[1]) for row in rows]

    async def close(self, poll_id: int, now: datetime, late: bool) -> bool:
        changed = await self.db.execute(
            "UPDATE polls SET state = 'closed', closed_at = ?, late = ?"
            " WHERE community_id = ? AND id = ? AND state = 'open'",
            (to_db(now), int(late), self.community_id, poll_id),
        )
        return changed == 1

    async def cancel(self, poll_id: int, now: datetime) -> bool:
        changed = await self.db.execute(
            "UPDATE polls SET state = 'cancelled', closed_at = ?"
            " WHERE community_id = ? AND id = ? AND state = 'open'",
            (to_db(now), self.community_id, poll_id),
        )
        return changed == 1

    async def extend(self, poll_id: int, deadline: datetime) -> bool:
        changed = await self.db.execute(
            "UPDATE polls SET deadline = ? WHERE community_id = ? AND id = ? AND state = 'open'",
            (to_db(deadline), self.community_id, poll_id),
        )
        return changed == 1

    async def closed_between(self, since: datetime, until: datetime) -> list[Poll]:
        rows = await self.db.fetch_all(
            f"{_POLL} WHERE community_id = ? AND state = 'closed' AND closed_at >= ? AND closed_at < ?"
            " ORDER BY closed_at, id",
            (self.community_id, to_db(since), to_db(until)),
        )
        return [_poll(row) for row in rows]


# Two members merged (linked identities): one ballot per poll. Where both voted, the member who carries on
# keeps theirs; the other ballots move over (their picks follow through ON UPDATE CASCADE).
STORAGE = FeatureStorage(
    repositories=(bind(POLLS, SqlitePolls),),
    migrations=("0013_polls",),
    merge_steps=(
        "DELETE FROM poll_ballots WHERE member_id = :source"
        " AND poll_id IN (SELECT poll_id FROM poll_ballots WHERE member_id = :target)",
        "UPDATE poll_ballots SET member_id = :target WHERE member_id = :source",
        "UPDATE polls SET created_by = :target WHERE community_id = :community AND created_by = :source",
    ),
)
