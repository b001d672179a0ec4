"""The timer table: scheduled work read back at start; overdue jobs run at once."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from handlers.ports import Job
from storage.sql import Database
from storage.sqlite.times import from_db, to_db


class SqliteJobs:
    def __init__(self, db: Database, community_id: int) -> None:
        self.db = db
        self.community_id = community_id

    async def schedule(
        self, kind: str, run_at: datetime, payload: dict[str, Any], key: str | None = None
    ) -> bool:
        changed = await self.db.execute(
            "INSERT OR IGNORE INTO jobs (community_id, kind, run_at, payload, key) VALUES (?, ?, ?, ?, ?)",
            (self.community_id, kind, to_db(run_at), json.dumps(payload), key),
        )
        return changed == 1

    async def due(self, now: datetime, limit: int) -> list[Job]:
        rows = await self.db.fetch_all(
            "SELECT id, kind, run_at, payload, attempts FROM jobs"
            " WHERE community_id = ? AND state = 'pending' AND run_at <= ? ORDER BY run_at, id LIMIT ?",
            (self.community_id, to_db(now), limit),
        )
        return [
            Job(row["id"], row["kind"], from_db(row["run_at"]), json.loads(row["payload"]), row["attempts"])
            for row in rows
        ]

    async def next_run_at(self) -> datetime | None:
        row = await self.db.fetch_one(
            "SELECT min(run_at) FROM jobs WHERE community_id = ? AND state = 'pending'",
            (self.community_id,),
        )
        return None if row is None or row[0] is None else from_db(row[0])

    async def upcoming(self, limit: int) -> list[Job]:
        rows = await self.db.fetch_all(
            "SELECT id, kind, run_at, payload, attempts FROM jobs"
            " WHERE community_id = ? AND state = 'pending' ORDER BY run_at, id LIMIT ?",
            (self.community_id, limit),
        )
        return [
            Job(row["id"], row["kind"], from_db(row["run_at"]), json.loads(row["payload"]), row["attempts"])
            for row in rows
        ]

    async def finish(self, job_id: int, now: datetime, late: bool = False) -> None:
        await self.db.execute(
            "UPDATE jobs SET state = 'done', finished_at = ?, attempts = attempts + 1, late = ? WHERE id = ?",
            (to_db(now), int(late), job_id),
        )

    async def miss(self, job_id: int, now: datetime) -> None:
        await self.db.execute(
            "UPDATE jobs SET state = 'missed', finished_at = ?, late = 1 WHERE id = ?", (to_db(now), job_id)
        )

    async def fail(self, job_id: int, error: str, retry_at: datetime | None, now: datetime) -> None:
        if retry_at is None:
            await self.db.execute(
                "UPDATE jobs SET state = 'failed', last_error = ?, attempts = attempts + 1, finished_at = ?"
                " WHERE id = ?",
                (error, to_db(now), job_id),
            )
        else:
            await self.db.execute(
                "UPDATE jobs SET run_at = ?, last_error = ?, attempts = attempts + 1 WHERE id = ?",
                (to_db(retry_at), error, job_id),
            )

    async def cancel(self, key: str) -> None:
        await self.db.execute(
            "UPDATE jobs SET state = 'cancelled' WHERE community_id = ? AND key = ? AND state = 'pending'",
            (self.community_id, key),
        )

    async def cancel_series(self, series: str) -> None:
        # Keys of a series are `<series>@<time>` (handlers.timers.series_key); the range avoids LIKE's
        # wildcards in the series name.
        await self.db.execute(
            "UPDATE jobs SET state = 'cancelled' WHERE community_id = ? AND state = 'pending'"
            " AND key >= ? AND key < ?",
            (self.community_id, f"{series}@", f"{series}A"),
        )
