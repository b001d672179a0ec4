"""Members and their platform identities."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

import aiosqlite

from handlers.models import Identity, Member, MemberStatus
from storage.sql import Database
from storage.sqlite.assembly import FeatureStorage
from storage.sqlite.times import from_db, from_db_optional, to_db

log = logging.getLogger(__name__)

TOUCH_EVERY = timedelta(minutes=1)
_COLUMNS = "m.id, m.handle, m.display_name, m.status, m.joined_at, m.left_at, m.language, m.timezone"


def _member(row: aiosqlite.Row | None) -> Member | None:
    if row is None:
        return None
    return Member(
        id=row["id"],
        handle=row["handle"],
        display_name=row["display_name"],
        status=MemberStatus(row["status"]),
        joined_at=from_db(row["joined_at"]),
        left_at=from_db_optional(row["left_at"]),
        language=row["language"],
        timezone=row["timezone"],
    )


class SqliteMembers:
    def __init__(
        self,
        db: Database,
        community_id: int,
        merge_steps: Sequence[str] = (),
        forget_steps: Sequence[str] = (),
        member_media: Sequence[str] = (),
        media_in_use: Sequence[str] = (),
        media_folder: Path | None = None,
    ) -> None:
        self.db = db
        self.community_id = community_id
        self.merge_steps = tuple(merge_steps)
        """Every feature's, the kernel's first (storage/sqlite/assembly.py)."""
        self.forget_steps = tuple(forget_steps)
        self.member_media = tuple(member_media)
        self.media_in_use = tuple(media_in_use)
        self.media_folder = media_folder
        """Where bot/media.py keeps the files members sent (None: an in-memory database keeps none)."""

    async def by_identity(self, identity: Identity) -> Member | None:
        row = await self.db.fetch_one(
            f"SELECT {_COLUMNS} FROM identities i JOIN members m ON m.id = i.member_id"
            " WHERE i.community_id = ? AND i.identity = ?",
            (self.community_id, str(identity)),
        )
        return _member(row)

    async def by_handle(self, handle: str) -> Member | None:
        row = await self.db.fetch_one(
            f"SELECT {_COLUMNS} FROM members m WHERE m.community_id = ? AND m.handle = ?",
            (self.community_id, handle.lower()),
        )
        return _member(row)

    async def by_id(self, member_id: int) -> Member | None:
        row = await self.db.fetch_one(
            f"SELECT {_COLUMNS} FROM members m WHERE m.community_id = ? AND m.id = ?",
            (self.community_id, member_id),
        )
        return _member(row)

    async def identities(self, member_id: int) -> list[Identity]:
        """Most recently used first."""
        rows = await self.db.fetch_all(
            "SELECT identity FROM identities WHERE community_id = ? AND member_id = ?"
            " ORDER BY last_seen_at DESC, identity",
            (self.community_id, member_id),
        )
        return [Identity.parse(row["identity"]) for row in rows]

    async def create(
        self, identity: Identity, display_name: str, handle: str, status: MemberStatus, now: datetime
    ) -> Member:
        """Create a member with the first free handle among `handle`, `handle2`, `handle3`..."""
        async with self.db.transaction():
            # A range on the unique index: `handle`, then anything after it up to "9" (an OR with GLOB made
            # SQLite scan every member). What is not `handle` plus digits is left out here.
            rows = await self.db.fetch_all(
                "SELECT handle FROM members WHERE community_id = ? AND handle >= ? AND handle < ?",
                (self.community_id, handle, handle + ":"),
            )
            taken = {
                row["handle"]
                for row in rows
                if row["handle"][len(handle) :].isdigit() or row["handle"] == handle
            }
            chosen, number = handle, 1
            while chosen in taken:
                number += 1
                chosen = f"{handle}{number}"
            inserted = await self.db.insert(
                "INSERT INTO members (community_id, handle, display_name, status, joined_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (self.community_id, chosen, display_name, status.value, to_db(now)),
            )
            assert inserted is not None
            member_id = inserted
            await self.db.execute(
                "INSERT INTO identities (community_id, identity, member_id, created_at, last_seen_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (self.community_id, str(identity), member_id, to_db(now), to_db(now)),
            )
        return Member(member_id, chosen, display_name, status, now)

    async def set_status(self, member_id: int, status: MemberStatus, now: datetime) -> Member:
        left_at = to_db(now) if status is MemberStatus.LEFT else None
        await self.db.execute(
            "UPDATE members SET status = ?, left_at = ? WHERE community_id = ? AND id = ?",
            (status.value, left_at, self.community_id, member_id),
        )
        member = await self.by_id(member_id)
        if member is None:
            raise LookupError(f"member {member_id} does not exist")
        return member

    async def set_language(self, member_id: int, language: str | None, now: datetime) -> Member:
        await self.db.execute(
            "UPDATE members SET language = ? WHERE community_id = ? AND id = ?",
            (language, self.community_id, member_id),
        )
        member = await self.by_id(member_id)
        if member is None:
            raise LookupError(f"member {member_id} does not exist")
        return member

    async def set_timezone(self, member_id: int, zone: str | None, now: datetime) -> Member:
        await self.db.execute(
            "UPDATE members SET timezone = ? WHERE community_id = ? AND id = ?",
            (zone, self.community_id, member_id),
        )
        member = await self.by_id(member_id)
        if member is None:
            raise LookupError(f"member {member_id} does not exist")
        return member

    async def touch(self, identity: Identity, now: datetime) -> None:
        # At most once a minute: a read-only command then writes nothing and its commit costs no fsync.
        await self.db.execute(
            "UPDATE identities SET last_seen_at = ?"
            " WHERE community_id = ? AND identity = ? AND last_seen_at < ?",
            (to_db(now), self.community_id, str(identity), to_db(now - TOUCH_EVERY)),
        )

    async def attach(self, identity: Identity, member_id: int, now: datetime) -> None:
        await self.db.execute(
            "INSERT INTO identities (community_id, identity, member_id, created_at, last_seen_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (self.community_id, str(identity), member_id, to_db(now), to_db(now)),
        )

    async def merge(self, source_id: int, target_id: int, now: datetime) -> None:
        if source_id == target_id:
            raise ValueError("a member cannot be merged into itself")
        params = {"community": self.community_id, "source": source_id, "target": target_id, "now": to_db(now)}
        async with self.db.transaction():
            for step in self.merge_steps:
                await self.db.execute(step, params)

    async def forget(self, member_id: int, now: datetime) -> list[str]:
        """Erase what identifies the member (every feature's forget steps); sums stay as they were.
        Returns the media keys of what they sent that nothing names any more: `remove_media` them once
        the transaction has committed (a rolled-back forget must find its files still there)."""
        params = {"community": self.community_id, "member": member_id, "now": to_db(now)}
        async with self.db.transaction():
            keys: set[str] = set()
            for query in self.member_media:
                keys.update(row[0] for row in await self.db.fetch_all(query, params) if row[0])
            for step in self.forget_steps:
                await self.db.execute(step, params)
            unused = []
            for key in sorted(keys):
                found = [await self.db.fetch_one(query, {"key": key}) for query in self.media_in_use]
                if all(row is None for row in found):
                    unused.append(key)
        return unused

    def remove_media(self, keys: Sequence[str]) -> None:
        """Delete these files from the media folder (those already gone are skipped)."""
        if self.media_folder is None:
            return
        for key in keys:
            if "/" in key or "\\" in key or key.startswith("."):  # a key is a file name, never a path
                continue
            with contextlib.suppress(FileNotFoundError):
                (self.media_folder / key).unlink()
        if keys:
            log.info("removed %d media file(s) of a forgotten member", len(keys))

    async def count_by_status(self) -> dict[MemberStatus, int]:
        rows = await self.db.fetch_all(
            "SELECT status, count(*) AS n FROM members WHERE community_id = ? GROUP BY status",
            (self.community_id,),
        )
        counts = dict.fromkeys(MemberStatus, 0)
        counts.update({MemberStatus(row["status"]): row["n"] for row in rows})
        return counts

    async def directory(self) -> list[tuple[Identity, Member]]:
        rows = await self.db.fetch_all(
            f"SELECT i.identity, {_COLUMNS} FROM identities i JOIN members m ON m.id = i.member_id"
            " WHERE i.community_id = ?",
            (self.community_id,),
        )
        found = []
        for row in rows:
            member = _member(row)
            assert member is not None
            found.append((Identity.parse(row["identity"]), member))
        return found

    async def on_platform(
        self, platform: str, after: int, limit: int
    ) -> tuple[list[tuple[Identity, Member]], bool]:
        rows = await self.db.fetch_all(
            f"SELECT i.identity, {_COLUMNS} FROM identities i JOIN members m ON m.id = i.member_id"
            " WHERE i.community_id = ? AND i.identity >= ? AND i.identity < ? AND m.status = 'member'"
            " AND m.id > ? ORDER BY m.id, i.identity LIMIT ?",
            (self.community_id, platform + ":", platform + ";", after, limit + 1),
        )
        found = []
        for row in rows:
            member = _member(row)
            assert member is not None
            found.append((Identity.parse(row["identity"]), member))
        if len(found) <= limit:
            return found, False
        cut = found[limit][1].id  # a full page ends with a whole member: the next page starts after it
        return [pair for pair in found[:limit] if pair[1].id != cut] or found[:limit], True


STORAGE = FeatureStorage(
    merge_steps=(
        # The member that carries on keeps the language it chose, else takes the one the other had chosen.
        "UPDATE members SET language = coalesce(language, (SELECT language FROM members WHERE id = :source)),"
        " timezone = coalesce(timezone, (SELECT timezone FROM members WHERE id = :source))"
        " WHERE community_id = :community AND id = :target",
    ),
)
"""The members feature keeps its members in the kernel's tables (kernel.py has their other steps)."""
