"""Whole tables as rows, for `communitybot export` (admins audit and back up with it)."""

from __future__ import annotations

from storage.sqlite.database import Database

# Each export is one query scoped to the community; later features add theirs.
EXPORTS: dict[str, str] = {
    "members": (
        "SELECT m.id, m.handle, m.display_name, m.status, m.joined_at, m.left_at,"
        " (SELECT group_concat(identity, ' ') FROM"
        "   (SELECT identity FROM identities i WHERE i.member_id = m.id ORDER BY identity)) AS identities"
        " FROM members m WHERE m.community_id = ? ORDER BY m.id"
    ),
}


async def export_table(db: Database, community_id: int, name: str) -> tuple[list[str], list[tuple]]:
    """Column names and rows of one export; KeyError for an unknown name."""
    sql = EXPORTS[name]
    async with db.connection.execute(sql, (community_id,)) as cursor:
        columns = [d[0] for d in cursor.description]
        rows = [tuple(row) for row in await cursor.fetchall()]
    return columns, rows
