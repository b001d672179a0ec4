"""The webhooks benchmark's reading of the bot's records, on SQLite or PostgreSQL, and its exactly-once count.

The bot's own tables say when each reply was handed to the sender and answered by the API; the fake Twilio
API's accepted messages say which replies arrived. Both are read from the benchmark's process.
"""

from __future__ import annotations

import asyncio
import os
import re
import sqlite3
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg

REPLIES = (
    "SELECT d.id, d.recipient, o.created_at,"
    " (SELECT max(s.sent_at) FROM outbox_sends s WHERE s.outbox_id = o.id)"
    " FROM deliveries d LEFT JOIN outbox o ON o.delivery_id = d.id"
    " WHERE d.kind = 'reply' AND d.id > ? ORDER BY d.id"
)
PENDING = (
    "SELECT (SELECT count(*) FROM deliveries WHERE state IN ('pending', 'sending'))"
    " + (SELECT count(*) FROM outbox WHERE state IN ('pending', 'sending'))"
)
INTAKE = " + (SELECT count(*) FROM intake)"
Reply = tuple[str, float, float | None]
"""(recipient, handed to the sender, answered by the API) of one reply, as Unix times."""


def _stamp(text: str | None) -> float | None:
    return None if text is None else datetime.fromisoformat(text).timestamp()


def sqlite_pending(database: Path) -> int:
    """`Records.pending` on a SQLite file, called from synchronous code too."""
    with sqlite3.connect(database) as db:
        # The code before the intake had none: the same benchmark then measures it for the comparison.
        has_intake = db.execute("SELECT 1 FROM sqlite_master WHERE name = 'intake'").fetchone()
        return int(db.execute(PENDING + (INTAKE if has_intake else "")).fetchone()[0])


class Records:
    """The bot's database read from this process: sqlite3 on the file, asyncpg on a PostgreSQL URL."""

    def __init__(self, where: Path | str, pg: asyncpg.Connection | None) -> None:
        self.where = where
        self._pg = pg

    @classmethod
    async def open(cls, where: Path | str) -> Records:
        pg = await asyncpg.connect(where) if isinstance(where, str) else None
        return cls(where, pg)

    async def close(self) -> None:
        if self._pg is not None:
            await self._pg.close()

    async def _rows(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        if self._pg is None:
            with sqlite3.connect(self.where) as db:
                return db.execute(sql, args).fetchall()
        numbered = iter(range(1, len(args) + 1))
        rows = await self._pg.fetch(re.sub(r"\?", lambda _: f"${next(numbered)}", sql), *args)
        return [tuple(row) for row in rows]

    async def replies(self, after: int) -> tuple[list[Reply], int]:
        """Each reply delivery after id `after`, and the last id read."""
        rows = await self._rows(REPLIES, after)
        last = max((int(row[0]) for row in rows), default=after)
        return [(row[1], _stamp(row[2]) or 0.0, _stamp(row[3])) for row in rows], last

    async def pending(self) -> int:
        """Messages stored and not handled, replies not yet answered by the API."""
        if self._pg is None:
            return sqlite_pending(Path(self.where))
        return int(await self._pg.fetchval(PENDING + INTAKE))

    async def drain(self, limit: float) -> float:
        """Seconds until nothing is pending (at most `limit`): another process's database, polled."""
        began = asyncio.get_running_loop().time()
        while await self.pending() and asyncio.get_running_loop().time() - began < limit:  # noqa: ASYNC110
            await asyncio.sleep(0.05)
        return asyncio.get_running_loop().time() - began

    async def server_cpus(self) -> str:
        """The CPUs the PostgreSQL server may run on (its backend serving this connection, same machine)."""
        if self._pg is None:
            return ""
        cpus = sorted(os.sched_getaffinity(await self._pg.fetchval("SELECT pg_backend_pid()")))
        return ", ".join(map(str, cpus))


@dataclass
class Arrivals:
    """Replies that reached the fake API against messages answered 200, counted per member."""

    expected: int
    once: int
    missing: int
    twice: int

    @property
    def exact(self) -> bool:
        return self.missing == 0 and self.twice == 0


def arrivals(answered: list[dict[str, str]], arrived: list[dict[str, str]]) -> Arrivals:
    """Each member's replies (the forms the fake API accepted, `To`) against the messages from them the
    bot answered 200 (`From`): one reply per message, so any difference is a reply missing or sent twice."""
    asked = Counter(form["From"] for form in answered)
    got = Counter(form["To"] for form in arrived)
    members = asked.keys() | got.keys()
    return Arrivals(
        expected=asked.total(),
        once=sum(min(asked[m], got[m]) for m in members),
        missing=sum(max(0, asked[m] - got[m]) for m in members),
        twice=sum(max(0, got[m] - asked[m]) for m in members),
    )


async def role(http: aiohttp.ClientSession, port: int, wanted: str, seconds: float = 30.0) -> bool:
    """Whether the process on `port` says it is `wanted` (leader, standby) on /healthz within `seconds`."""
    for _ in range(int(seconds / 0.1)):
        try:
            async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                if response.status == 200 and (await response.json()).get("role") == wanted:
                    return True
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.1)
    return False
