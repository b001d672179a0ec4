"""The ledger, balances and leaderboards."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

import aiosqlite

from handlers.ledger import SPENDING, Kind
from handlers.points._models import BoardRow, DayState, FollowUp, LedgerEntry, NewEntry, Standing
from handlers.points._ports import POINTS
from storage.sql import Database
from storage.sqlite import deliveries
from storage.sqlite.assembly import FeatureStorage, bind
from storage.sqlite.group_commit import GroupCommitWriter
from storage.sqlite.kernel import IDENTITIES_OF_MEMBER
from storage.sqlite.times import from_db, from_db_optional, to_db

_INSERT = (
    "INSERT OR IGNORE INTO ledger (community_id, member_id, delta, kind, reason, actor_id, actor_identity,"
    " source, created_at, month, reverses) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_SPENDING_SQL = "('redeem', 'refund')"
_EARNED = f"CASE WHEN kind IN {_SPENDING_SQL} THEN 0 ELSE delta END"
# Totals of the entries from a given id on (those one transaction wrote): one upsert per member.
# `+community_id` keeps SQLite on the rowid range; the community index would scan the whole ledger.
_BALANCES_FROM = (
    "INSERT INTO balances (community_id, member_id, balance, earned)"
    f" SELECT community_id, member_id, sum(delta), sum({_EARNED}) FROM ledger"
    " WHERE id >= ? AND +community_id = ? GROUP BY member_id"
    " ON CONFLICT (community_id, member_id)"
    " DO UPDATE SET balance = balance + excluded.balance, earned = earned + excluded.earned"
)
_MONTHLY_FROM = (
    "INSERT INTO monthly_points (community_id, month, member_id, earned)"
    f" SELECT community_id, month, member_id, sum({_EARNED}) FROM ledger"
    f" WHERE id >= ? AND +community_id = ? AND kind NOT IN {_SPENDING_SQL} GROUP BY month, member_id"
    " ON CONFLICT (community_id, month, member_id) DO UPDATE SET earned = earned + excluded.earned"
)
_BALANCE_UPSERT = (
    "INSERT INTO balances (community_id, member_id, balance, earned) VALUES (?, ?, ?, ?)"
    " ON CONFLICT (community_id, member_id)"
    " DO UPDATE SET balance = balance + excluded.balance, earned = earned + excluded.earned"
)
_MONTHLY_UPSERT = (
    "INSERT INTO monthly_points (community_id, month, member_id, earned) VALUES (?, ?, ?, ?)"
    " ON CONFLICT (community_id, month, member_id) DO UPDATE SET earned = earned + excluded.earned"
)
_ENTRY = (
    "SELECT l.id, l.member_id, l.delta, l.kind, l.reason, l.source, l.created_at, l.actor_id,"
    " a.handle AS actor_handle, l.actor_identity, l.reverses,"
    " (SELECT r.id FROM ledger r WHERE r.reverses = l.id) AS revoked_by"
    " FROM ledger l LEFT JOIN members a ON a.id = l.actor_id"
)
_CHUNK = 500


def _entry(row: aiosqlite.Row) -> LedgerEntry:
    return LedgerEntry(
        id=row["id"],
        member_id=row["member_id"],
        delta=row["delta"],
        kind=Kind(row["kind"]),
        reason=row["reason"],
        source=row["source"],
        created_at=from_db(row["created_at"]),
        actor_id=row["actor_id"],
        actor_handle=row["actor_handle"],
        actor_identity=row["actor_identity"],
        reverses=row["reverses"],
        revoked_by=row["revoked_by"],
    )


def _totals(entries: Iterable[NewEntry]) -> tuple[list[tuple[int, int, int]], list[tuple[str, int, int]]]:
    """(member, balance delta, earned delta) and (month, member, earned delta): one row per member."""
    balances: dict[int, list[int]] = {}
    months: dict[tuple[str, int], int] = {}
    for entry in entries:
        earned = 0 if entry.kind in SPENDING else entry.delta
        total = balances.get(entry.member_id)
        if total is None:
            balances[entry.member_id] = [entry.delta, earned]
        else:
            total[0] += entry.delta
            total[1] += earned
        if earned:
            key = (entry.month, entry.member_id)
            months[key] = months.get(key, 0) + earned
    return (
        [(member, b, e) for member, (b, e) in balances.items()],
        [(month, member, e) for (month, member), e in months.items()],
    )


class SqlitePoints:
    def __init__(self, db: Database, community_id: int) -> None:
        self.db = db
        self.community_id = community_id
        self.writer: GroupCommitWriter[NewEntry | FollowUp, int] = GroupCommitWriter(self._flush)

    def _params(self, entry: NewEntry) -> tuple:
        return (
            self.community_id, entry.member_id, entry.delta, entry.kind.value, entry.reason, entry.actor_id,
            entry.actor_identity, entry.source, to_db(entry.created_at), entry.month, entry.reverses,
        )  # fmt: skip

    async def append(self, entry: NewEntry) -> int | None:
        return await self._insert_one(_INSERT, self._params(entry), entry)

    async def _insert_one(self, sql: str, params: tuple, entry: NewEntry) -> int | None:
        """Insert one entry (in the caller's transaction) and add it to the totals; None if not inserted.
        Its totals are upserted from its own values: summing the ledger's new rows back costs ten times
        as much for one row (the group commit, with many, does sum them)."""
        async with self.db.transaction():
            entry_id = await self.db.insert(sql, params)
            if entry_id is not None:
                earned = 0 if entry.kind in SPENDING else entry.delta
                await self.db.execute(
                    _BALANCE_UPSERT, (self.community_id, entry.member_id, entry.delta, earned)
                )
                if entry.kind not in SPENDING:
                    await self.db.execute(
                        _MONTHLY_UPSERT, (self.community_id, entry.month, entry.member_id, earned)
                    )
        return entry_id

    def submit(self, rows: Sequence[NewEntry | FollowUp]) -> tuple[asyncio.Future[list[int]], int]:
        return self.writer.submit(rows)

    @property
    def backlogged(self) -> bool:
        return self.writer.backlogged

    async def settle(self) -> None:
        await self.writer.settle()

    async def _flush(self, batch: list[NewEntry | FollowUp]) -> list[int]:
        """One transaction for the whole batch: the entries, their totals and the messages that tell of
        them. Per row: 0 if it was not written (an entry whose source was not new, a message about one),
        else 1 for an entry and the outbox id for a message (so the dispatcher need not read it back)."""
        entries: list[NewEntry] = []
        follow_ups: list[FollowUp] = []
        at: list[int] = []  # where each follow-up is in the batch
        for position, row in enumerate(batch):
            if isinstance(row, NewEntry):
                entries.append(row)
            else:
                follow_ups.append(row)
                at.append(position)
        unique: dict[str, NewEntry] = {}
        for entry in entries:  # the same source twice in one batch counts once
            unique.setdefault(entry.source, entry)
        community, count = self.community_id, len(unique)
        rows = [
            (
                community, e.member_id, e.delta, e.kind.value, e.reason, e.actor_id, e.actor_identity,
                e.source, to_db(e.created_at), e.month, e.reverses,
            )
            for e in unique.values()
        ]  # fmt: skip
        balances, months = _totals(unique.values())
        now = to_db(entries[0].created_at if entries else datetime.now(UTC))
        told: dict[int, int] = {}  # a follow-up's position in `follow_ups`: its outbox id

        async def write() -> set[str] | None:
            top_row = await self.db.fetch_one("SELECT coalesce(max(id), 0) FROM ledger")
            assert top_row is not None
            top = top_row[0]
            inserted = await self.db.execute_many(_INSERT, rows)
            if inserted == count:  # the usual case: every source was new, the totals summed above hold
                await self.db.execute_many(_BALANCE_UPSERT, [(community, *b) for b in balances])
                await self.db.execute_many(_MONTHLY_UPSERT, [(community, *m) for m in months])
                found = None
            else:
                # Some sources were already used (a replay): sum only the rows this batch added.
                query = "SELECT source FROM ledger WHERE id > ? AND +community_id = ?"
                found = {row[0] for row in await self.db.fetch_all(query, (top, community))}
                if found:
                    await self.db.execute(_BALANCES_FROM, (top + 1, community))
                    await self.db.execute(_MONTHLY_FROM, (top + 1, community))
            told.clear()
            if follow_ups:
                written = set(unique) if found is None else found
                # The ids are taken here, in the transaction that holds the write lock, so they are known
                # without a statement per row.
                wanted = [
                    p for p, follow_up in enumerate(follow_ups) if written.issuperset(follow_up.sources)
                ]
                told.update(zip(wanted, await self.db.new_ids("deliveries", len(wanted)), strict=True))
                await self.db.execute_many(
                    deliveries.INSERT_WITH_ID,
                    [
                        (row_id, *deliveries.params(community, follow_ups[position].message, now))
                        for position, row_id in told.items()
                    ],
                )
            return found

        found = await self.db.run_transaction(write)
        if found is None and count == len(entries):  # the usual case: every entry was written
            result = [1] * len(batch)
        else:
            written = set(unique) if found is None else found
            result = [
                int(isinstance(row, NewEntry) and row.source in written and unique[row.source] is row)
                for row in batch
            ]
        for index, position in enumerate(at):
            result[position] = told.get(index, 0)
        return result

    async def close(self) -> None:
        await self.writer.close()

    async def spend(self, entry: NewEntry) -> int | None:
        # One conditional statement: the balance is checked and debited atomically.
        sql = (
            "INSERT INTO ledger (community_id, member_id, delta, kind, reason, actor_id, actor_identity,"
            " source, created_at, month, reverses) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"
            " WHERE coalesce((SELECT balance FROM balances WHERE community_id = ? AND member_id = ?), 0) >= ?"
        )
        params = (*self._params(entry), self.community_id, entry.member_id, -entry.delta)
        return await self._insert_one(sql, params, entry)

    async def standing(self, member_id: int) -> Standing:
        return (await self.standings([member_id]))[member_id]

    async def standings(self, member_ids: Sequence[int]) -> dict[int, Standing]:
        result = {m: Standing(m, 0, 0) for m in member_ids}
        for start in range(0, len(member_ids), _CHUNK):
            chunk = list(member_ids[start : start + _CHUNK])
            marks = ",".join("?" * len(chunk))
            rows = await self.db.fetch_all(
                f"SELECT member_id, balance, earned FROM balances WHERE community_id = ?"
                f" AND member_id IN ({marks})",
                (self.community_id, *chunk),
            )
            for row in rows:
                result[row[0]] = Standing(row[0], row[1], row[2])
        return result

    async def entry(self, entry_id: int) -> LedgerEntry | None:
        row = await self.db.fetch_one(
            f"{_ENTRY} WHERE l.community_id = ? AND l.id = ?", (self.community_id, entry_id)
        )
        return None if row is None else _entry(row)

    async def history(self, member_id: int, limit: int) -> list[LedgerEntry]:
        rows = await self.db.fetch_all(
            f"{_ENTRY} WHERE l.member_id = ? AND l.community_id = ? ORDER BY l.id DESC LIMIT ?",
            (member_id, self.community_id, limit),
        )
        return [_entry(row) for row in rows]

    async def top(self, month: str | None, limit: int) -> list[BoardRow]:
        """The board as SQL sees it. The bot answers TOP from the engine's in-memory totals (no board
        index is kept for this query); this is the reference they are checked against."""
        if month is None:
            sql = (
                "SELECT b.member_id, m.handle, b.earned FROM balances b JOIN members m ON m.id = b.member_id"
                " WHERE b.community_id = ? AND b.listed = 1 AND b.earned > 0"
                " ORDER BY b.earned DESC, b.member_id LIMIT ?"
            )
            params: tuple = (self.community_id, limit)
        else:
            sql = (
                "SELECT p.member_id, m.handle, p.earned FROM monthly_points p"
                " JOIN balances b ON b.community_id = p.community_id AND b.member_id = p.member_id"
                " JOIN members m ON m.id = p.member_id"
                " WHERE p.community_id = ? AND p.month = ? AND b.listed = 1 AND p.earned > 0"
                " ORDER BY p.earned DESC, p.member_id LIMIT ?"
            )
            params = (self.community_id, month, limit)
        rows = await self.db.fetch_all(sql, params)
        return [BoardRow(n, row[0], row[1], row[2]) for n, row in enumerate(rows, 1)]

    async def rank(self, member_id: int, month: str | None) -> BoardRow | None:
        """The member's place on the board (ties broken by member id, as on the board itself)."""
        if month is None:
            mine = await self.db.fetch_one(
                "SELECT b.earned, m.handle FROM balances b JOIN members m ON m.id = b.member_id"
                " WHERE b.community_id = ? AND b.member_id = ? AND b.listed = 1 AND b.earned > 0",
                (self.community_id, member_id),
            )
            if mine is None:
                return None
            above = await self.db.fetch_one(
                "SELECT count(*) FROM balances WHERE community_id = ? AND listed = 1"
                " AND (earned > ? OR (earned = ? AND member_id < ?))",
                (self.community_id, mine[0], mine[0], member_id),
            )
        else:
            mine = await self.db.fetch_one(
                "SELECT p.earned, m.handle FROM monthly_points p JOIN members m ON m.id = p.member_id"
                " JOIN balances b ON b.community_id = p.community_id AND b.member_id = p.member_id"
                " WHERE p.community_id = ? AND p.month = ? AND p.member_id = ? AND b.listed = 1"
                " AND p.earned > 0",
                (self.community_id, month, member_id),
            )
            if mine is None:
                return None
            above = await self.db.fetch_one(
                "SELECT count(*) FROM monthly_points p"
                " JOIN balances b ON b.community_id = p.community_id AND b.member_id = p.member_id"
                " WHERE p.community_id = ? AND p.month = ? AND b.listed = 1"
                " AND (p.earned > ? OR (p.earned = ? AND p.member_id < ?))",
                (self.community_id, month, mine[0], mine[0], member_id),
            )
        assert above is not None
        return BoardRow(above[0] + 1, member_id, mine[1], mine[0])

    async def day_states(self, since: datetime, member_ids: Sequence[int] | None) -> dict[int, DayState]:
        where, params = "community_id = ? AND created_at >= ?", [self.community_id, to_db(since)]
        if member_ids is not None:
            if not member_ids:
                return {}
            marks = ",".join("?" * len(member_ids))
            activity_filter = f" AND member_id IN ({marks})"
            kudos_filter = f" AND actor_id IN ({marks})"
        else:
            activity_filter = kudos_filter = ""
        ids = list(member_ids or [])
        # `+member_id`: the group's order must not come from ledger_by_member. With statistics saying most
        # entries are activity (ANALYZE), SQLite otherwise walks that index over the whole ledger to skip a
        # sort, instead of reading today's entries from ledger_by_kind (100,000 members: 13 s at start-up).
        activity = await self.db.fetch_all(
            f"SELECT member_id, sum(delta), max(created_at) FROM ledger WHERE {where}"
            f" AND kind = 'activity'{activity_filter} GROUP BY +member_id",
            (*params, *ids),
        )
        kudos = await self.db.fetch_all(
            f"SELECT actor_id, count(*) FROM ledger WHERE {where} AND kind = 'kudos'{kudos_filter}"
            " GROUP BY +actor_id",
            (*params, *ids),
        )
        states: dict[int, DayState] = {}
        for member_id, points, last in activity:
            states[member_id] = DayState(points, from_db_optional(last), 0)
        for member_id, given in kudos:
            state = states.get(member_id, DayState())
            states[member_id] = DayState(state.activity_points, state.last_activity_at, given)
        return states

    async def earned_all(self) -> dict[int, int]:
        rows = await self.db.fetch_all(
            "SELECT member_id, earned FROM balances WHERE community_id = ? AND earned <> 0",
            (self.community_id,),
        )
        return {row[0]: row[1] for row in rows}

    async def unlisted(self) -> set[int]:
        rows = await self.db.fetch_all(
            "SELECT member_id FROM balances WHERE community_id = ? AND listed = 0", (self.community_id,)
        )
        return {row[0] for row in rows}

    async def month_totals(self, month: str) -> dict[int, int]:
        rows = await self.db.fetch_all(
            "SELECT member_id, earned FROM monthly_points"
            " WHERE community_id = ? AND month = ? AND earned <> 0",
            (self.community_id, month),
        )
        return {row[0]: row[1] for row in rows}

    async def set_listed(self, member_id: int, listed: bool) -> None:
        await self.db.execute(
            "INSERT INTO balances (community_id, member_id, listed) VALUES (?, ?, ?)"
            " ON CONFLICT (community_id, member_id) DO UPDATE SET listed = excluded.listed",
            (self.community_id, member_id, int(listed)),
        )

    async def week(self, since: datetime, until: datetime, limit: int) -> tuple[list[BoardRow], int]:
        spending = tuple(kind.value for kind in SPENDING)
        rows = await self.db.fetch_all(
            "SELECT l.member_id, m.handle, sum(l.delta) AS earned FROM ledger l"
            " JOIN members m ON m.id = l.member_id"
            " LEFT JOIN balances b ON b.community_id = l.community_id AND b.member_id = l.member_id"
            " WHERE l.community_id = ? AND l.created_at >= ? AND l.created_at < ? AND l.kind NOT IN (?, ?)"
            " AND coalesce(b.listed, 1) = 1 AND m.status = 'member'"
            " GROUP BY l.member_id, m.handle HAVING sum(l.delta) > 0"
            " ORDER BY earned DESC, l.member_id LIMIT ?",
            (self.community_id, to_db(since), to_db(until), *spending, limit),
        )
        kudos = await self.db.fetch_one(
            "SELECT count(*) FROM ledger WHERE community_id = ? AND created_at >= ? AND created_at < ?"
            " AND kind = ? AND delta > 0",
            (self.community_id, to_db(since), to_db(until), Kind.KUDOS.value),
        )
        top = [BoardRow(n, row[0], row[1], row[2]) for n, row in enumerate(rows, 1)]
        return top, 0 if kudos is None else int(kudos[0])


STORAGE = FeatureStorage(
    repositories=(bind(POINTS, SqlitePoints, close=lambda points: points.close()),),
    migrations=("0002_points", "0006_boards_in_memory", "0007_forgetting"),
    merge_steps=(
        # The ledger keeps every entry, re-pointed; balances and monthly totals are summed into the target
        # once (re-pointing the ledger does not move totals) and the source's rows go.
        "UPDATE ledger SET member_id = :target WHERE community_id = :community AND member_id = :source",
        "UPDATE ledger SET actor_id = :target WHERE community_id = :community AND actor_id = :source",
        "INSERT INTO balances (community_id, member_id, balance, earned, listed)"
        " SELECT community_id, :target, balance, earned, 1 FROM balances"
        " WHERE community_id = :community AND member_id = :source"
        " ON CONFLICT (community_id, member_id) DO UPDATE"
        " SET balance = balance + excluded.balance, earned = earned + excluded.earned",
        "DELETE FROM balances WHERE community_id = :community AND member_id = :source",
        "INSERT INTO monthly_points (community_id, month, member_id, earned)"
        " SELECT community_id, month, :target, earned FROM monthly_points"
        " WHERE community_id = :community AND member_id = :source"
        " ON CONFLICT (community_id, month, member_id) DO UPDATE SET earned = earned + excluded.earned",
        "DELETE FROM monthly_points WHERE community_id = :community AND member_id = :source",
    ),
    forget_steps=(
        # Amounts stay (balances, boards and other members' totals are unchanged); words about them go.
        "UPDATE ledger SET reason = '' WHERE community_id = :community"
        " AND (member_id = :member OR actor_id = :member) AND reason <> ''",
        f"UPDATE ledger SET actor_identity = NULL WHERE community_id = :community"
        f" AND actor_identity IN ({IDENTITIES_OF_MEMBER})",
        "UPDATE balances SET listed = 0 WHERE community_id = :community AND member_id = :member",
    ),
)
