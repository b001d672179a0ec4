"""Reward shop: items, their stock and codes, and redemptions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import aiosqlite

from handlers.shop._models import Redemption, ShopItem
from handlers.shop._ports import SHOP
from handlers.shop._settings import ShopItemConfig
from storage.sql import Database
from storage.sqlite.assembly import FeatureStorage, bind
from storage.sqlite.times import from_db, to_db

_ITEM = (
    "SELECT i.id, i.key, i.name, i.description, i.cost, i.stock, i.redeemed, i.per_member_limit,"
    " i.fulfilment, i.origin, i.active,"
    " (SELECT count(*) FROM shop_codes c WHERE c.item_id = i.id AND c.redemption_id IS NULL) AS codes_left"
    " FROM shop_items i"
)
_REDEMPTION = (
    "SELECT r.id, i.key, i.name, r.member_id, m.handle, r.cost, r.state, c.code, r.created_at"
    " FROM redemptions r JOIN shop_items i ON i.id = r.item_id JOIN members m ON m.id = r.member_id"
    " LEFT JOIN shop_codes c ON c.redemption_id = r.id"
)


def _item(row: aiosqlite.Row) -> ShopItem:
    return ShopItem(
        id=row["id"], key=row["key"], name=row["name"], description=row["description"], cost=row["cost"],
        stock=row["stock"], redeemed=row["redeemed"], per_member_limit=row["per_member_limit"],
        fulfilment=row["fulfilment"], origin=row["origin"], active=bool(row["active"]),
        codes_left=row["codes_left"],
    )  # fmt: skip


def _redemption(row: aiosqlite.Row) -> Redemption:
    return Redemption(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], from_db(row[8]))


class SqliteShop:
    def __init__(self, db: Database, community_id: int) -> None:
        self.db = db
        self.community_id = community_id

    async def sync_configured(self, items: Sequence[ShopItemConfig], now: datetime) -> None:
        async with self.db.transaction():
            keys = [item.key for item in items]
            marks = ",".join("?" * len(keys)) or "''"
            await self.db.execute(
                f"UPDATE shop_items SET active = 0 WHERE community_id = ? AND origin = 'config'"
                f" AND key NOT IN ({marks})",
                (self.community_id, *keys),
            )
            for item in items:
                await self.db.execute(
                    "INSERT INTO shop_items (community_id, key, name, description, cost, stock,"
                    " per_member_limit, fulfilment, origin, active, created_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'config', 1, ?)"
                    " ON CONFLICT (community_id, key) DO UPDATE SET name = excluded.name,"
                    " description = excluded.description, cost = excluded.cost,"
                    " stock = max(excluded.stock, shop_items.redeemed),"
                    " per_member_limit = excluded.per_member_limit,"
                    " fulfilment = excluded.fulfilment, origin = 'config', active = 1",
                    (self.community_id, item.key, item.name, item.description, item.cost, item.stock,
                     item.per_member_limit, item.fulfilment.value, to_db(now)),
                )  # fmt: skip
                if item.codes:
                    found = await self.item(item.key)
                    assert found is not None
                    await self.add_codes(found.id, item.codes)

    async def items(self, include_inactive: bool = False) -> list[ShopItem]:
        active = "" if include_inactive else " AND i.active = 1"
        rows = await self.db.fetch_all(
            f"{_ITEM} WHERE i.community_id = ?{active} ORDER BY i.cost, i.key", (self.community_id,)
        )
        return [_item(row) for row in rows]

    async def item(self, key: str) -> ShopItem | None:
        row = await self.db.fetch_one(
            f"{_ITEM} WHERE i.community_id = ? AND i.key = ?", (self.community_id, key.lower())
        )
        return None if row is None else _item(row)

    async def add(self, key: str, name: str, cost: int, stock: int | None, limit: int | None,
                  now: datetime) -> ShopItem:  # fmt: skip
        await self.db.execute(
            "INSERT INTO shop_items (community_id, key, name, description, cost, stock, per_member_limit,"
            " fulfilment, origin, active, created_at)"
            " VALUES (?, ?, ?, '', ?, ?, ?, 'manual', 'moderator', 1, ?)"
            " ON CONFLICT (community_id, key) DO UPDATE SET name = excluded.name, cost = excluded.cost,"
            " stock = excluded.stock, per_member_limit = excluded.per_member_limit, active = 1",
            (self.community_id, key, name, cost, stock, limit, to_db(now)),
        )
        item = await self.item(key)
        assert item is not None
        return item

    async def deactivate(self, item_id: int) -> None:
        await self.db.execute("UPDATE shop_items SET active = 0 WHERE id = ?", (item_id,))

    async def set_limit(self, item_id: int, limit: int | None) -> None:
        await self.db.execute("UPDATE shop_items SET per_member_limit = ? WHERE id = ?", (limit, item_id))

    async def add_codes(self, item_id: int, codes: Sequence[str]) -> int:
        before = await self._code_count(item_id)
        await self.db.execute_many(
            "INSERT OR IGNORE INTO shop_codes (item_id, code) VALUES (?, ?)", [(item_id, c) for c in codes]
        )
        await self.db.execute("UPDATE shop_items SET fulfilment = 'codes' WHERE id = ?", (item_id,))
        return await self._code_count(item_id) - before

    async def _code_count(self, item_id: int) -> int:
        row = await self.db.fetch_one("SELECT count(*) FROM shop_codes WHERE item_id = ?", (item_id,))
        return int(row[0]) if row else 0

    async def redeemed_by(self, item_id: int, member_id: int) -> int:
        row = await self.db.fetch_one(
            "SELECT count(*) FROM redemptions WHERE item_id = ? AND member_id = ?", (item_id, member_id)
        )
        return int(row[0]) if row else 0

    async def take_stock(self, item_id: int) -> bool:
        # Conditional: two redemptions of the last item cannot both succeed.
        changed = await self.db.execute(
            "UPDATE shop_items SET redeemed = redeemed + 1"
            " WHERE id = ? AND active = 1 AND (stock IS NULL OR redeemed < stock)",
            (item_id,),
        )
        return changed == 1

    async def record_redemption(self, item: ShopItem, member_id: int, ledger_id: int | None,
                                now: datetime) -> int:  # fmt: skip
        state = "delivered" if item.fulfilment == "codes" else "pending"
        redemption = await self.db.insert(
            "INSERT INTO redemptions (community_id, item_id, member_id, ledger_id, cost, state, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (self.community_id, item.id, member_id, ledger_id, item.cost, state, to_db(now)),
        )
        assert redemption is not None
        return redemption

    async def attach_entry(self, redemption_id: int, ledger_id: int) -> None:
        await self.db.execute("UPDATE redemptions SET ledger_id = ? WHERE id = ?", (ledger_id, redemption_id))

    async def claim_code(self, item_id: int, redemption_id: int) -> str | None:
        changed = await self.db.execute(
            "UPDATE shop_codes SET redemption_id = ? WHERE id ="
            " (SELECT id FROM shop_codes WHERE item_id = ? AND redemption_id IS NULL ORDER BY id LIMIT 1)",
            (redemption_id, item_id),
        )
        if changed != 1:
            return None
        row = await self.db.fetch_one("SELECT code FROM shop_codes WHERE redemption_id = ?", (redemption_id,))
        return None if row is None else str(row[0])

    async def redemption(self, redemption_id: int) -> Redemption | None:
        row = await self.db.fetch_one(
            f"{_REDEMPTION} WHERE r.community_id = ? AND r.id = ?", (self.community_id, redemption_id)
        )
        return None if row is None else _redemption(row)

    async def pending_redemptions(self, limit: int) -> list[Redemption]:
        rows = await self.db.fetch_all(
            f"{_REDEMPTION} WHERE r.community_id = ? AND r.state = 'pending' ORDER BY r.id LIMIT ?",
            (self.community_id, limit),
        )
        return [_redemption(row) for row in rows]

    async def fulfil(self, redemption_id: int, by_member_id: int | None, now: datetime) -> bool:
        changed = await self.db.execute(
            "UPDATE redemptions SET state = 'fulfilled', fulfilled_at = ?, fulfilled_by = ?"
            " WHERE community_id = ? AND id = ? AND state = 'pending'",
            (to_db(now), by_member_id, self.community_id, redemption_id),
        )
        return changed == 1

    async def added_between(self, since: datetime, until: datetime) -> list[ShopItem]:
        rows = await self.db.fetch_all(
            f"{_ITEM} WHERE i.community_id = ? AND i.active = 1 AND i.created_at >= ? AND i.created_at < ?"
            " ORDER BY i.created_at, i.cost, i.key",
            (self.community_id, to_db(since), to_db(until)),
        )
        return [_item(row) for row in rows]


STORAGE = FeatureStorage(
    repositories=(bind(SHOP, SqliteShop),),
    migrations=("0002_points",),
    merge_steps=(
        "UPDATE redemptions SET member_id = :target WHERE community_id = :community AND member_id = :source",
        "UPDATE redemptions SET fulfilled_by = :target"
        " WHERE community_id = :community AND fulfilled_by = :source",
    ),
    # Redemptions hold no words of the member's: they are kept whole (stock and costs stay right).
)
