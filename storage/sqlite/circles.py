"""Circles, their members and mutes, the relayed messages and who missed which (migration 0026)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import aiosqlite

from handlers.circles._models import Circle, Membership, Message, NewMessage, Recipient
from handlers.circles._ports import CIRCLES, Joined
from handlers.circles._settings import CircleEntry
from handlers.models import Identity
from storage.sql import Database
from storage.sqlite.assembly import FeatureStorage, bind
from storage.sqlite.times import from_db, from_db_optional, to_db

_CIRCLE = (
    "SELECT c.id, c.name, c.size, c.channel,"
    " (SELECT count(*) FROM circle_members cm WHERE cm.circle_id = c.id) FROM circles c"
)
_MESSAGE = (
    "SELECT id, circle_id, sender_id, sender_name, origin, ref, text, reply_to, created_at, edited_at,"
    " removed_at, media FROM circle_messages"
)
# Where a member reads their circle: their WhatsApp number (else the console identity that plays one), and
# when they last wrote there: the later of the core's last sight of them and the WhatsApp adapter's window.
_RECIPIENT = (
    "SELECT cm.member_id, i.identity, m.language,"
    " max(i.last_seen_at, coalesce(w.last_inbound_at, '')), cm.noticed_at"
    " FROM circle_members cm JOIN members m ON m.id = cm.member_id AND m.status = 'member'"
    " JOIN identities i ON i.member_id = cm.member_id AND i.community_id = m.community_id"
    "   AND i.identity = (SELECT j.identity FROM identities j WHERE j.member_id = cm.member_id"
    "     AND (j.identity LIKE 'whatsapp:%' OR j.identity LIKE 'console:%')"
    "     ORDER BY j.identity LIKE 'whatsapp:%' DESC, j.last_seen_at DESC LIMIT 1)"
    " LEFT JOIN whatsapp_windows w ON w.community_id = m.community_id AND w.identity = i.identity"
)


def _circle(row: aiosqlite.Row) -> Circle:
    return Circle(row[0], row[1], row[2], row[3], row[4])


def _message(row: aiosqlite.Row) -> Message:
    return Message(
        row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], from_db(row[8]),
        from_db_optional(row[9]), from_db_optional(row[10]), row[11],
    )  # fmt: skip


def _recipient(row: aiosqlite.Row) -> Recipient:
    seen = row[3] or None
    return Recipient(row[0], Identity.parse(row[1]), row[2], from_db_optional(seen), from_db_optional(row[4]))


class SqliteCircles:
    def __init__(self, db: Database, community_id: int) -> None:
        self.db = db
        self.community_id = community_id

    async def sync(self, entries: Sequence[CircleEntry], now: datetime) -> None:
        for entry in entries:
            # A channel the file now gives this circle is taken from any other circle first.
            if entry.channel is not None:
                await self.db.execute(
                    "UPDATE circles SET channel = NULL WHERE community_id = ? AND channel = ? AND name <> ?",
                    (self.community_id, entry.channel, entry.name),
                )
            await self.db.execute(
                "INSERT INTO circles (community_id, name, size, channel, configured, created_at)"
                " VALUES (?, ?, ?, ?, 1, ?) ON CONFLICT (community_id, name)"
                " DO UPDATE SET size = excluded.size, channel = excluded.channel, configured = 1",
                (self.community_id, entry.name, entry.size, entry.channel, to_db(now)),
            )

    async def create(self, name: str, size: int, channel: str | None, by: int | None, now: datetime) -> bool:
        if channel is not None and await self.db.fetch_one(
            "SELECT 1 FROM circles WHERE community_id = ? AND channel = ?", (self.community_id, channel)
        ):
            return False
        made = await self.db.insert(
            "INSERT OR IGNORE INTO circles (community_id, name, size, channel, created_by, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (self.community_id, name, size, channel, by, to_db(now)),
        )
        return made is not None

    async def circle(self, name: str) -> Circle | None:
        row = await self.db.fetch_one(
            f"{_CIRCLE} WHERE c.community_id = ? AND c.name = ?", (self.community_id, name)
        )
        return None if row is None else _circle(row)

    async def circle_by_id(self, circle_id: int) -> Circle | None:
        row = await self.db.fetch_one(
            f"{_CIRCLE} WHERE c.community_id = ? AND c.id = ?", (self.community_id, circle_id)
        )
        return None if row is None else _circle(row)

    async def circles(self) -> list[Circle]:
        rows = await self.db.fetch_all(
            f"{_CIRCLE} WHERE c.community_id = ? ORDER BY c.name", (self.community_id,)
        )
        return [_circle(row) for row in rows]

    async def join(self, circle_id: int, member_id: int, now: datetime) -> Joined:
        if await self.db.fetch_one(
            "SELECT 1 FROM circle_members WHERE circle_id = ? AND member_id = ?", (circle_id, member_id)
        ):
            return Joined.ALREADY
        chosen = to_db(await self._choice_time(member_id, now))
        # The count and the insert in one statement of the caller's transaction: the last place goes once.
        added = await self.db.execute(
            "INSERT INTO circle_members (circle_id, member_id, joined_at, chosen_at)"
            " SELECT ?, ?, ?, ? WHERE (SELECT count(*) FROM circle_members WHERE circle_id = ?)"
            "   < (SELECT size FROM circles WHERE id = ?)",
            (circle_id, member_id, to_db(now), chosen, circle_id, circle_id),
        )
        return Joined.JOINED if added else Joined.FULL

    async def leave(self, circle_id: int, member_id: int) -> bool:
        left = await self.db.execute(
            "DELETE FROM circle_members WHERE circle_id = ? AND member_id = ?", (circle_id, member_id)
        )
        await self.db.execute(
            "DELETE FROM circle_missed WHERE circle_id = ? AND member_id = ?", (circle_id, member_id)
        )
        return left > 0

    async def choose(self, circle_id: int, member_id: int, now: datetime) -> bool:
        chosen = await self.db.execute(
            "UPDATE circle_members SET chosen_at = ? WHERE circle_id = ? AND member_id = ?",
            (to_db(await self._choice_time(member_id, now)), circle_id, member_id),
        )
        return chosen > 0

    async def _choice_time(self, member_id: int, now: datetime) -> datetime:
        """`now`, or just after the member's latest choice when that is not earlier (two choices within the
        clock's resolution, or a clock set back): the one made last is always the current one."""
        row = await self.db.fetch_one(
            "SELECT max(chosen_at) FROM circle_members WHERE member_id = ?", (member_id,)
        )
        latest = None if row is None or row[0] is None else from_db(row[0])
        return now if latest is None or latest < now else latest + timedelta(microseconds=1)

    async def memberships(self, member_id: int) -> list[Membership]:
        rows = await self.db.fetch_all(
            "SELECT c.id, c.name, c.size, c.channel,"
            " (SELECT count(*) FROM circle_members o WHERE o.circle_id = c.id), cm.chosen_at,"
            " EXISTS (SELECT 1 FROM circle_mutes u WHERE u.circle_id = c.id AND u.member_id = cm.member_id)"
            " FROM circle_members cm JOIN circles c ON c.id = cm.circle_id"
            " WHERE cm.member_id = ? AND c.community_id = ? ORDER BY cm.chosen_at DESC, c.id DESC",
            (member_id, self.community_id),
        )
        return [Membership(_circle(row), from_db(row[5]), bool(row[6])) for row in rows]

    async def set_muted(
        self, circle_id: int, member_id: int, muted: bool, by: int | None, now: datetime
    ) -> bool:
        if muted:
            made = await self.db.insert(
                "INSERT OR IGNORE INTO circle_mutes (circle_id, member_id, muted_by, muted_at)"
                " VALUES (?, ?, ?, ?)",
                (circle_id, member_id, by, to_db(now)),
            )
            return made is not None
        lifted = await self.db.execute(
            "DELETE FROM circle_mutes WHERE circle_id = ? AND member_id = ?", (circle_id, member_id)
        )
        return lifted > 0

    async def is_muted(self, circle_id: int, member_id: int) -> bool:
        row = await self.db.fetch_one(
            "SELECT 1 FROM circle_mutes WHERE circle_id = ? AND member_id = ?", (circle_id, member_id)
        )
        return row is not None

    async def recipients(self, circle_id: int, sender_id: int | None) -> list[Recipient]:
        rows = await self.db.fetch_all(
            f"{_RECIPIENT} WHERE cm.circle_id = ? AND cm.member_id IS NOT ? ORDER BY cm.member_id",
            (circle_id, sender_id),
        )
        return [_recipient(row) for row in rows]

    async def recipient(self, circle_id: int, member_id: int) -> Recipient | None:
        row = await self.db.fetch_one(
            f"{_RECIPIENT} WHERE cm.circle_id = ? AND cm.member_id = ?", (circle_id, member_id)
        )
        return None if row is None else _recipient(row)

    async def add_message(self, message: NewMessage, now: datetime) -> Message | None:
        made = await self.db.insert(
            "INSERT OR IGNORE INTO circle_messages (circle_id, sender_id, sender_name, origin, ref, text,"
            " reply_to, media, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                message.circle_id, message.sender_id, message.sender_name, message.origin, message.ref,
                message.text, message.reply_to, message.media, to_db(now),
            ),
        )  # fmt: skip
        if made is None:
            return None
        return Message(
            made, message.circle_id, message.sender_id, message.sender_name, message.origin, message.ref,
            message.text, message.reply_to, now, media=message.media,
        )  # fmt: skip

    async def message(self, message_id: int) -> Message | None:
        row = await self.db.fetch_one(
            f"{_MESSAGE} WHERE id = ? AND circle_id IN (SELECT id FROM circles WHERE community_id = ?)",
            (message_id, self.community_id),
        )
        return None if row is None else _message(row)

    async def message_by_ref(self, origin: str, ref: str) -> Message | None:
        row = await self.db.fetch_one(
            f"{_MESSAGE} WHERE origin = ? AND ref = ?"
            " AND circle_id IN (SELECT id FROM circles WHERE community_id = ?)",
            (origin, ref, self.community_id),
        )
        return None if row is None else _message(row)

    async def edit(self, message_id: int, text: str, now: datetime) -> None:
        await self.db.execute(
            "UPDATE circle_messages SET text = ?, edited_at = ? WHERE id = ?", (text, to_db(now), message_id)
        )

    async def remove(self, message_id: int, now: datetime) -> bool:
        removed = await self.db.execute(
            "UPDATE circle_messages SET removed_at = ? WHERE id = ? AND removed_at IS NULL",
            (to_db(now), message_id),
        )
        await self.db.execute("DELETE FROM circle_missed WHERE message_id = ?", (message_id,))
        return removed > 0

    async def add_missed(self, circle_id: int, message_id: int, member_ids: Sequence[int]) -> None:
        await self.db.execute_many(
            "INSERT OR IGNORE INTO circle_missed (member_id, circle_id, message_id) VALUES (?, ?, ?)",
            [(member_id, circle_id, message_id) for member_id in member_ids],
        )

    async def mark_noticed(self, circle_id: int, member_ids: Sequence[int], now: datetime) -> None:
        await self.db.execute_many(
            "UPDATE circle_members SET noticed_at = ? WHERE circle_id = ? AND member_id = ?",
            [(to_db(now), circle_id, member_id) for member_id in member_ids],
        )

    async def missed_count(self, circle_id: int, member_id: int) -> int:
        row = await self.db.fetch_one(
            "SELECT count(*) FROM circle_missed WHERE member_id = ? AND circle_id = ?", (member_id, circle_id)
        )
        return int(row[0]) if row is not None else 0

    async def take_missed(self, member_id: int, limit: int) -> list[tuple[Circle, list[Message], int]]:
        counts = await self.db.fetch_all(
            "SELECT circle_id, count(*) FROM circle_missed WHERE member_id = ? GROUP BY circle_id"
            " ORDER BY min(message_id)",
            (member_id,),
        )
        taken: list[tuple[Circle, list[Message], int]] = []
        for circle_id, count in counts:
            circle = await self.circle_by_id(circle_id)
            rows = await self.db.fetch_all(
                f"{_MESSAGE} WHERE id IN (SELECT message_id FROM circle_missed"
                " WHERE member_id = ? AND circle_id = ? ORDER BY message_id LIMIT ?) ORDER BY id",
                (member_id, circle_id, limit),
            )
            messages = [_message(row) for row in rows]
            await self.db.execute_many(
                "DELETE FROM circle_missed WHERE member_id = ? AND circle_id = ? AND message_id = ?",
                [(member_id, circle_id, m.id) for m in messages],
            )
            if circle is not None and messages:
                taken.append((circle, messages, count - len(messages)))
        return taken


# Two members merged (linked identities): the target keeps its place in a circle both were in (and its own
# mute), the source's others move over; what either missed is the target's; the messages are the target's.
# Forgotten: out of every circle, nothing missed; the words of their messages and their name go (the rows
# stay, removed, so numbers and replies still hold).
STORAGE = FeatureStorage(
    repositories=(bind(CIRCLES, SqliteCircles),),
    migrations=("0026_circles",),
    merge_steps=(
        "DELETE FROM circle_members WHERE member_id = :source"
        " AND circle_id IN (SELECT circle_id FROM circle_members WHERE member_id = :target)",
        "UPDATE circle_members SET member_id = :target WHERE member_id = :source",
        "DELETE FROM circle_mutes WHERE member_id = :source"
        " AND circle_id IN (SELECT circle_id FROM circle_mutes WHERE member_id = :target)",
        "UPDATE circle_mutes SET member_id = :target WHERE member_id = :source",
        "UPDATE circle_mutes SET muted_by = :target WHERE muted_by = :source",
        "UPDATE circle_missed SET member_id = :target WHERE member_id = :source AND NOT EXISTS (SELECT 1"
        " FROM circle_missed o WHERE o.member_id = :target AND o.circle_id = circle_missed.circle_id"
        " AND o.message_id = circle_missed.message_id)",
        "DELETE FROM circle_missed WHERE member_id = :source",
        "UPDATE circle_messages SET sender_id = :target WHERE sender_id = :source",
        "UPDATE circles SET created_by = :target WHERE created_by = :source AND community_id = :community",
    ),
    forget_steps=(
        "DELETE FROM circle_members WHERE member_id = :member",
        "DELETE FROM circle_mutes WHERE member_id = :member",
        "UPDATE circle_mutes SET muted_by = NULL WHERE muted_by = :member",
        "DELETE FROM circle_missed WHERE member_id = :member",
        "UPDATE circle_messages SET text = '', sender_name = '…', removed_at = coalesce(removed_at, :now)"
        " WHERE sender_id = :member",
        "DELETE FROM circle_missed WHERE message_id IN"
        " (SELECT id FROM circle_messages WHERE sender_id = :member)",
    ),
)
