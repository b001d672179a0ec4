"""Members for the dashboard: a page of them (newest first, or searched by handle, name or identity, or one
segment's), and one member whole with identities, balance and rank."""

from __future__ import annotations

from datetime import date
from typing import Any

from storage.sql import Database
from storage.sqlite.admin.rows import PAGE, IdentityRow, MemberCounts, MemberDetail, MemberRow
from storage.sqlite.times import from_db, from_db_optional

_COLUMNS = (
    "m.id, m.handle, m.display_name, m.status, m.joined_at, m.left_at,"
    " coalesce(b.balance, 0), coalesce(b.earned, 0)"
)
_BALANCE = "LEFT JOIN balances b ON b.community_id = m.community_id AND b.member_id = m.id"
_SEGMENT = "LEFT JOIN member_segments s ON s.community_id = m.community_id AND s.member_id = m.id"


def _like(text: str) -> str:
    """`text` anywhere, with LIKE's own wildcards taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _member(row: Any, segment: Any = None) -> MemberRow:
    return MemberRow(
        id=int(row[0]),
        handle=str(row[1]),
        display_name=str(row[2]),
        status=str(row[3]),
        joined_at=from_db(str(row[4])),
        left_at=from_db_optional(row[5]),
        balance=int(row[6]),
        earned=int(row[7]),
        segment=None if segment is None else str(segment),
    )


class SqliteMemberReads:
    def __init__(self, db: Database, community_id: int) -> None:
        self.db = db
        self.community_id = community_id

    async def page(self, query: str = "", segment: str | None = None, offset: int = 0) -> list[MemberRow]:
        """Up to PAGE + 1 members (one more says there is a next page): newest first, or those whose handle
        or name holds `query`, or the member with that identity; `segment`'s the longest there first."""
        params: dict[str, object] = {"c": self.community_id, "limit": PAGE + 1, "offset": offset}
        where = ["m.community_id = :c", "m.merged_into IS NULL"]
        if query:
            params["q"], params["identity"] = _like(query), query.strip()
            where.append(
                "(m.handle LIKE :q ESCAPE '\\' OR m.display_name LIKE :q ESCAPE '\\' OR m.id IN"
                " (SELECT member_id FROM identities WHERE community_id = :c AND identity = :identity))"
            )
        seg_column = ", s.segment"
        joins = f"{_BALANCE} {_SEGMENT}"
        if segment is not None and not query:
            # One segment's members, through its index (community, segment, since).
            params["segment"] = segment
            sql = (
                f"SELECT {_COLUMNS}, s.segment FROM member_segments s"
                " JOIN members m ON m.id = s.member_id"
                f" {_BALANCE}"
                " WHERE s.community_id = :c AND s.segment = :segment AND m.merged_into IS NULL"
                " ORDER BY s.since, s.member_id LIMIT :limit OFFSET :offset"
            )
        else:
            if segment is not None:
                params["segment"] = segment
                where.append("s.segment = :segment")
            sql = (
                # Newest first by the rowid, stopping at a page (an index on the community sorts them all).
                f"SELECT {_COLUMNS}{seg_column} FROM members m NOT INDEXED {joins}"
                f" WHERE {' AND '.join(where)} ORDER BY m.id DESC LIMIT :limit OFFSET :offset"
            )
        rows = await self.db.fetch_all(sql, params)
        return [_member(row, row[8]) for row in rows]

    async def detail(self, member_id: int) -> MemberDetail | None:
        extra = ", s.segment, s.since"
        joins = f"{_BALANCE} {_SEGMENT}"
        row = await self.db.fetch_one(
            f"SELECT {_COLUMNS}{extra}, m.language, m.timezone, coalesce(b.listed, 0)"
            f" FROM members m {joins} WHERE m.community_id = ? AND m.id = ?",
            (self.community_id, member_id),
        )
        if row is None:
            return None
        member = _member(row, row[8])
        identities = await self.db.fetch_all(
            "SELECT identity, created_at, last_seen_at FROM identities"
            " WHERE community_id = ? AND member_id = ? ORDER BY created_at",
            (self.community_id, member_id),
        )
        rank = None
        if row[12] and member.earned > 0:
            # Counted on the board's index: the members listed ahead of this one.
            ahead = await self.db.fetch_one(
                "SELECT count(*) FROM balances WHERE community_id = ? AND listed = 1"
                " AND (earned > ? OR (earned = ? AND member_id < ?))",
                (self.community_id, member.earned, member.earned, member_id),
            )
            rank = 1 + (int(ahead[0]) if ahead is not None else 0)
        return MemberDetail(
            member=member,
            identities=tuple(IdentityRow(r[0], from_db(r[1]), from_db(r[2])) for r in identities),
            language=row[10],
            timezone=row[11],
            segment_since=None if row[9] is None else date.fromisoformat(str(row[9])[:10]),
            rank=rank,
        )

    async def by_handle(self, handle: str) -> int | None:
        """The member with this handle (`@alice` or `alice`), for the ledger's filter."""
        row = await self.db.fetch_one(
            "SELECT id FROM members WHERE community_id = ? AND handle = ?",
            (self.community_id, handle.strip().removeprefix("@")),
        )
        return None if row is None else int(row[0])

    async def counts(self) -> MemberCounts:
        rows = await self.db.fetch_all(
            "SELECT status, count(*) FROM members WHERE community_id = ? AND merged_into IS NULL"
            " GROUP BY status",
            (self.community_id,),
        )
        found = {str(status): int(count) for status, count in rows}
        return MemberCounts(found.get("pending", 0), found.get("member", 0), found.get("left", 0))
