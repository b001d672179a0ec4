"""Newsletter issues, picks and guest posts, and scheduled announcements (migration 0022)."""

from __future__ import annotations

import json
from datetime import datetime

import aiosqlite

from handlers.newsletter._models import (
    Announcement,
    AnnouncementDraft,
    AnnouncementState,
    Compiled,
    Issue,
    IssueState,
    Pick,
    PickKind,
    PickState,
)
from handlers.newsletter._ports import NEWSLETTER
from storage.sql import Database
from storage.sqlite.assembly import FeatureStorage, bind
from storage.sqlite.times import from_db, from_db_optional, to_db

_ISSUE = "SELECT id, number, state, since, until, texts, summaries, items, created_at FROM newsletter_issues"
_PICK = (
    "SELECT p.id, p.kind, p.text, p.state, p.created_at, coalesce(m.handle, '') AS author"
    " FROM newsletter_picks p LEFT JOIN members m ON m.id = p.member_id"
)
_ANNOUNCEMENT = "SELECT id, text, at, cron, whatsapp, channel, state, next_at, times FROM announcements"


def _issue(row: aiosqlite.Row) -> Issue:
    return Issue(
        id=row["id"],
        number=row["number"],
        state=IssueState(row["state"]),
        since=from_db(row["since"]),
        until=from_db(row["until"]),
        texts=json.loads(row["texts"]),
        summaries=json.loads(row["summaries"]),
        items=row["items"],
        created_at=from_db(row["created_at"]),
    )


def _pick(row: aiosqlite.Row) -> Pick:
    return Pick(
        id=row["id"],
        kind=PickKind(row["kind"]),
        text=row["text"],
        author=row["author"],
        state=PickState(row["state"]),
        created_at=from_db(row["created_at"]),
    )


def _announcement(row: aiosqlite.Row) -> Announcement:
    return Announcement(
        text=row["text"],
        at=from_db(row["at"]),
        cron=row["cron"],
        whatsapp=bool(row["whatsapp"]),
        channel=row["channel"],
        id=row["id"],
        state=AnnouncementState(row["state"]),
        next_at=from_db_optional(row["next_at"]),
        times=row["times"],
    )


class SqliteNewsletter:
    def __init__(self, db: Database, community_id: int) -> None:
        self.db = db
        self.community_id = community_id

    # -- issues ---------------------------------------------------------------------------------

    async def add_issue(self, compiled: Compiled, state: IssueState, now: datetime) -> Issue:
        async with self.db.transaction():
            issue_id = await self.db.insert(
                "INSERT INTO newsletter_issues (community_id, number, state, since, until, texts, summaries,"
                " items, created_at) VALUES (?, CASE WHEN ? = 'sent' THEN"
                " (SELECT coalesce(max(number), 0) + 1 FROM newsletter_issues WHERE community_id = ?) END,"
                " ?, ?, ?, ?, ?, ?, ?)",
                (
                    self.community_id, state.value, self.community_id, state.value, to_db(compiled.since),
                    to_db(compiled.until), json.dumps(dict(compiled.texts), ensure_ascii=False),
                    json.dumps(dict(compiled.summaries), ensure_ascii=False), compiled.items, to_db(now),
                ),
            )  # fmt: skip
            assert issue_id is not None
            if state is IssueState.SENT:
                await self.db.execute(
                    "UPDATE newsletter_picks SET state = 'published', issue_id = ?"
                    " WHERE community_id = ? AND state = 'approved'",
                    (issue_id, self.community_id),
                )
            row = await self.db.fetch_one(f"{_ISSUE} WHERE id = ?", (issue_id,))
        assert row is not None
        return _issue(row)

    async def issue(self, number: int) -> Issue | None:
        row = await self.db.fetch_one(
            f"{_ISSUE} WHERE community_id = ? AND number = ?", (self.community_id, number)
        )
        return None if row is None else _issue(row)

    async def latest(self) -> Issue | None:
        found = await self.issues(1)
        return found[0] if found else None

    async def issues(self, limit: int) -> list[Issue]:
        rows = await self.db.fetch_all(
            f"{_ISSUE} WHERE community_id = ? AND state = 'sent' ORDER BY number DESC LIMIT ?",
            (self.community_id, limit),
        )
        return [_issue(row) for row in rows]

    async def last_until(self) -> datetime | None:
        row = await self.db.fetch_one(
            "SELECT max(until) FROM newsletter_issues WHERE community_id = ?", (self.community_id,)
        )
        return None if row is None or row[0] is None else from_db(row[0])

    # -- picks and guest posts --------------------------------------------------------------------

    async def add_pick(self, kind: PickKind, text: str, member_id: int | None, now: datetime) -> Pick:
        state = PickState.APPROVED if kind is PickKind.ADDED else PickState.PENDING
        async with self.db.transaction():
            pick_id = await self.db.insert(
                "INSERT INTO newsletter_picks (community_id, kind, text, member_id, state, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (self.community_id, kind.value, text, member_id, state.value, to_db(now)),
            )
            assert pick_id is not None
            found = await self.pick(pick_id)
        assert found is not None
        return found

    async def pick(self, pick_id: int) -> Pick | None:
        row = await self.db.fetch_one(
            f"{_PICK} WHERE p.community_id = ? AND p.id = ?", (self.community_id, pick_id)
        )
        return None if row is None else _pick(row)

    async def picks(self, state: PickState, limit: int) -> list[Pick]:
        rows = await self.db.fetch_all(
            f"{_PICK} WHERE p.community_id = ? AND p.state = ? ORDER BY p.id LIMIT ?",
            (self.community_id, state.value, limit),
        )
        return [_pick(row) for row in rows]

    async def review(self, pick_id: int, state: PickState, by: int | None, now: datetime) -> bool:
        changed = await self.db.execute(
            "UPDATE newsletter_picks SET state = ?, reviewed_by = ?, reviewed_at = ?"
            " WHERE community_id = ? AND id = ? AND state = 'pending'",
            (state.value, by, to_db(now), self.community_id, pick_id),
        )
        return changed == 1

    # -- announcements ----------------------------------------------------------------------------

    async def add_announcement(self, draft: AnnouncementDraft, by: int | None, now: datetime) -> Announcement:
        async with self.db.transaction():
            made = await self.db.insert(
                "INSERT INTO announcements (community_id, text, at, cron, whatsapp, channel, next_at,"
                " created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    self.community_id, draft.text, to_db(draft.at), draft.cron, int(draft.whatsapp),
                    draft.channel, to_db(draft.at), by, to_db(now),
                ),
            )  # fmt: skip
            assert made is not None
            found = await self.announcement(made)
        assert found is not None
        return found

    async def announcement(self, announcement_id: int) -> Announcement | None:
        row = await self.db.fetch_one(
            f"{_ANNOUNCEMENT} WHERE community_id = ? AND id = ?", (self.community_id, announcement_id)
        )
        return None if row is None else _announcement(row)

    async def scheduled(self) -> list[Announcement]:
        rows = await self.db.fetch_all(
            f"{_ANNOUNCEMENT} WHERE community_id = ? AND state = 'scheduled' ORDER BY next_at, id",
            (self.community_id,),
        )
        return [_announcement(row) for row in rows]

    async def edit_announcement(self, announcement_id: int, text: str) -> bool:
        changed = await self.db.execute(
            "UPDATE announcements SET text = ? WHERE community_id = ? AND id = ? AND state = 'scheduled'",
            (text, self.community_id, announcement_id),
        )
        return changed == 1

    async def posted(self, announcement_id: int, next_at: datetime | None, now: datetime) -> None:
        await self.db.execute(
            "UPDATE announcements SET times = times + 1, next_at = ?,"
            " state = CASE WHEN ? IS NULL THEN 'done' ELSE state END"
            " WHERE community_id = ? AND id = ?",
            (
                None if next_at is None else to_db(next_at),
                None if next_at is None else 1,
                self.community_id,
                announcement_id,
            ),
        )

    async def cancel_announcement(self, announcement_id: int) -> bool:
        changed = await self.db.execute(
            "UPDATE announcements SET state = 'cancelled', next_at = NULL"
            " WHERE community_id = ? AND id = ? AND state = 'scheduled'",
            (self.community_id, announcement_id),
        )
        return changed == 1


STORAGE = FeatureStorage(
    repositories=(bind(NEWSLETTER, SqliteNewsletter),),
    migrations=("0022_newsletter",),
    merge_steps=(
        "UPDATE newsletter_picks SET member_id = :target"
        " WHERE community_id = :community AND member_id = :source",
        "UPDATE newsletter_picks SET reviewed_by = :target"
        " WHERE community_id = :community AND reviewed_by = :source",
        "UPDATE announcements SET created_by = :target"
        " WHERE community_id = :community AND created_by = :source",
    ),
    forget_steps=(
        # Their guest posts that were never published go; published issues keep what they said, unsigned.
        "DELETE FROM newsletter_picks WHERE community_id = :community AND member_id = :member"
        " AND state IN ('pending', 'rejected')",
        "UPDATE newsletter_picks SET member_id = NULL"
        " WHERE community_id = :community AND member_id = :member",
        "UPDATE newsletter_picks SET reviewed_by = NULL"
        " WHERE community_id = :community AND reviewed_by = :member",
        "UPDATE announcements SET created_by = NULL WHERE community_id = :community AND created_by = :member",
    ),
)
