"""Group unlocks, their pledges and codes (migration 0015)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import aiosqlite

from handlers.unlocks._models import Unlock, UnlockDraft, UnlockState
from handlers.unlocks._ports import UNLOCKS
from storage.sql import Database
from storage.sqlite.assembly import FeatureStorage, bind
from storage.sqlite.times import from_db, from_db_optional, to_db

_UNLOCK = "SELECT id, title, goal, reward, codes, channel, deadline, state, pledges, unlocked_at FROM unlocks"


def _unlock(row: aiosqlite.Row) -> Unlock:
    return Unlock(
        title=row["title"],
        goal=row["goal"],
        deadline=from_db(row["deadline"]),
        reward=row["reward"],
        codes=bool(row["codes"]),
        channel=row["channel"],
        id=row["id"],
        state=UnlockState(row["state"]),
        pledges=row["pledges"],
        unlocked_at=from_db_optional(row["unlocked_at"]),
    )


class SqliteUnlocks:
    def __init__(self, db: Database, community_id: int) -> None:
        self.db = db
        self.community_id = community_id

    async def create(self, draft: UnlockDraft, created_by: int | None, now: datetime) -> Unlock:
        async with self.db.transaction():
            unlock_id = await self.db.insert(
                "INSERT INTO unlocks (community_id, title, goal, reward, codes, channel, deadline,"
                " created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    self.community_id, draft.title, draft.goal, draft.reward, int(draft.codes), draft.channel,
                    to_db(draft.deadline), created_by, to_db(now),
                ),
            )  # fmt: skip
            assert unlock_id is not None
            found = await self.unlock(unlock_id)
        assert found is not None
        return found

    async def unlock(self, unlock_id: int) -> Unlock | None:
        row = await self.db.fetch_one(
            f"{_UNLOCK} WHERE community_id = ? AND id = ?", (self.community_id, unlock_id)
        )
        return None if row is None else _unlock(row)

    async def current(self) -> list[Unlock]:
        rows = await self.db.fetch_all(
            f"{_UNLOCK} WHERE community_id = ? AND state IN ('open', 'unlocked') ORDER BY deadline, id",
            (self.community_id,),
        )
        return [_unlock(row) for row in rows]

    async def pledged(self, unlock_ids: Sequence[int], member_id: int) -> set[int]:
        if not unlock_ids:
            return set()
        marks = ",".join("?" * len(unlock_ids))
        rows = await self.db.fetch_all(
            f"SELECT unlock_id FROM unlock_pledges WHERE member_id = ? AND unlock_id IN ({marks})",
            (member_id, *unlock_ids),
        )
        return {row[0] for row in rows}

    async def pledge(self, unlock_id: int, member_id: int, now: datetime) -> bool:
        changed = await self.db.execute(
            "INSERT OR IGNORE INTO unlock_pledges (unlock_id, member_id, pledged_at) VALUES (?, ?, ?)",
            (unlock_id, member_id, to_db(now)),
        )
        return changed == 1

    async def withdraw(self, unlock_id: int, member_id: int) -> bool:
        changed = await self.db.execute(
            "DELETE FROM unlock_pledges WHERE unlock_id = ? AND member_id = ?", (unlock_id, member_id)
        )
        return changed == 1

    async def pledgers(self, unlock_id: int) -> list[int]:
        rows = await self.db.fetch_all(
            "SELECT member_id FROM unlock_pledges WHERE unlock_id = ? ORDER BY pledged_at, member_id",
            (unlock_id,),
        )
        return [row[0] for row in rows]

    async def set_state(self, unlock_id: int, old: str, new: str, now: datetime) -> bool:
        column = "unlocked_at" if new == UnlockState.UNLOCKED else "ended_at"
        changed = await self.db.execute(
            f"UPDATE unlocks SET state = ?, {column} = ? WHERE community_id = ? AND id = ? AND state = ?",
            (str(new), to_db(now), self.community_id, unlock_id, str(old)),
        )
        return changed == 1

    async def add_codes(self, unlock_id: int, codes: Sequence[str]) -> int:
        added = 0
        async with self.db.transaction():
            for code in codes:
                added += await self.db.execute(
                    "INSERT OR IGNORE INTO unlock_codes (unlock_id, code) VALUES (?, ?)", (unlock_id, code)
                )
        return added

    async def give_code(self, unlock_id: int, member_id: int, now: datetime) -> str | None:
        async with self.db.transaction():
            mine = await self.code_of(unlock_id, member_id)
            if mine is not None:
                return mine
            row = await self.db.fetch_one(
                "UPDATE unlock_codes SET member_id = ?, given_at = ?"
                " WHERE id = (SELECT id FROM unlock_codes WHERE unlock_id = ? AND member_id IS NULL"
                " ORDER BY id LIMIT 1) RETURNING code",
                (member_id, to_db(now), unlock_id),
            )
        return None if row is None else str(row[0])

    async def code_of(self, unlock_id: int, member_id: int) -> str | None:
        row = await self.db.fetch_one(
            "SELECT code FROM unlock_codes WHERE unlock_id = ? AND member_id = ?", (unlock_id, member_id)
        )
        return None if row is None else str(row[0])

    async def without_code(self, unlock_id: int) -> list[int]:
        rows = await self.db.fetch_all(
            "SELECT p.member_id FROM unlock_pledges p WHERE p.unlock_id = ? AND NOT EXISTS"
            " (SELECT 1 FROM unlock_codes c WHERE c.unlock_id = p.unlock_id AND c.member_id = p.member_id)"
            " ORDER BY p.pledged_at, p.member_id",
            (unlock_id,),
        )
        return [row[0] for row in rows]

    async def unlocked_between(self, since: datetime, until: datetime) -> list[Unlock]:
        rows = await self.db.fetch_all(
            f"{_UNLOCK} WHERE community_id = ? AND unlocked_at >= ? AND unlocked_at < ?"
            " AND state <> 'cancelled' ORDER BY unlocked_at, id",
            (self.community_id, to_db(since), to_db(until)),
        )
        return [_unlock(row) for row in rows]


# Two members merged: one pledge per unlock (the target's where both pledged) and their codes move over.
STORAGE = FeatureStorage(
    repositories=(bind(UNLOCKS, SqliteUnlocks),),
    migrations=("0015_unlocks",),
    merge_steps=(
        "DELETE FROM unlock_pledges WHERE member_id = :source"
        " AND unlock_id IN (SELECT unlock_id FROM unlock_pledges WHERE member_id = :target)",
        "UPDATE unlock_pledges SET member_id = :target WHERE member_id = :source",
        "UPDATE unlock_codes SET member_id = :target WHERE member_id = :source"
        " AND unlock_id NOT IN (SELECT unlock_id FROM unlock_codes WHERE member_id = :target)",
        "UPDATE unlocks SET created_by = :target WHERE community_id = :community AND created_by = :source",
    ),
)
