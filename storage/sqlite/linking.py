"""One-time link codes (LINK) and the wrong codes typed."""

from __future__ import annotations

from datetime import datetime

from handlers.linking._ports import LINK_CODES, LinkCode
from handlers.models import Identity
from storage.sql import Database
from storage.sqlite.assembly import FeatureStorage, bind
from storage.sqlite.kernel import IDENTITIES_OF_MEMBER
from storage.sqlite.times import from_db, from_db_optional, to_db


class SqliteLinks:
    def __init__(self, db: Database, community_id: int) -> None:
        self.db = db
        self.community_id = community_id

    async def create(
        self, code: str, member_id: int, by: Identity, now: datetime, expires_at: datetime
    ) -> None:
        await self.db.execute(
            "DELETE FROM link_codes WHERE community_id = ? AND member_id = ? AND used_at IS NULL",
            (self.community_id, member_id),
        )
        await self.db.execute(
            "INSERT INTO link_codes (community_id, code, member_id, created_by, created_at, expires_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (self.community_id, code, member_id, str(by), to_db(now), to_db(expires_at)),
        )

    async def find(self, code: str) -> LinkCode | None:
        row = await self.db.fetch_one(
            "SELECT code, member_id, created_by, expires_at, used_at FROM link_codes"
            " WHERE community_id = ? AND code = ?",
            (self.community_id, code),
        )
        if row is None:
            return None
        return LinkCode(
            row["code"],
            row["member_id"],
            Identity.parse(row["created_by"]),
            from_db(row["expires_at"]),
            from_db_optional(row["used_at"]),
        )

    async def use(self, code: str, by: Identity, now: datetime) -> bool:
        changed = await self.db.execute(
            "UPDATE link_codes SET used_at = ?, used_by = ?"
            " WHERE community_id = ? AND code = ? AND used_at IS NULL",
            (to_db(now), str(by), self.community_id, code),
        )
        return changed == 1

    async def record_failure(self, identity: Identity, now: datetime) -> None:
        await self.db.execute(
            "INSERT INTO link_failures (community_id, identity, at) VALUES (?, ?, ?)",
            (self.community_id, str(identity), to_db(now)),
        )

    async def failures_since(self, identity: Identity, since: datetime) -> int:
        row = await self.db.fetch_one(
            "SELECT count(*) FROM link_failures WHERE community_id = ? AND identity = ? AND at >= ?",
            (self.community_id, str(identity), to_db(since)),
        )
        return 0 if row is None else int(row[0])


STORAGE = FeatureStorage(
    repositories=(bind(LINK_CODES, SqliteLinks),),
    migrations=("0003_whatsapp",),
    merge_steps=(
        # Codes the source asked for die with it; used ones stay as the audit trail.
        "DELETE FROM link_codes WHERE community_id = :community AND member_id = :source AND used_at IS NULL",
        "UPDATE link_codes SET member_id = :target WHERE community_id = :community AND member_id = :source",
    ),
    forget_steps=(
        f"DELETE FROM link_failures WHERE community_id = :community AND identity IN ({IDENTITIES_OF_MEMBER})",
        "DELETE FROM link_codes WHERE community_id = :community AND member_id = :member",
    ),
)
