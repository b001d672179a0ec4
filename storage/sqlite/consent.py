"""Consent to proactive messages: an append-only log per identity, the latest row is the state."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from handlers.consent._ports import CONSENT_RECORDS, ConsentRecord
from handlers.models import Identity
from storage.sql import Database
from storage.sqlite.assembly import FeatureStorage, bind
from storage.sqlite.kernel import IDENTITIES_OF_MEMBER
from storage.sqlite.times import from_db, to_db


class SqliteConsent:
    def __init__(self, db: Database, community_id: int) -> None:
        self.db = db
        self.community_id = community_id

    async def record(
        self, identity: Identity, opted_in: bool, source: str, wording: str | None, now: datetime
    ) -> None:
        await self.db.execute(
            "INSERT INTO consent_events (community_id, identity, opted_in, source, wording, at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (self.community_id, str(identity), int(opted_in), source, wording, to_db(now)),
        )

    async def latest_of(self, identities: Sequence[Identity]) -> ConsentRecord | None:
        if not identities:
            return None
        marks = ",".join("?" * len(identities))
        row = await self.db.fetch_one(
            "SELECT opted_in, source, wording, at FROM consent_events"
            f" WHERE community_id = ? AND identity IN ({marks}) ORDER BY id DESC LIMIT 1",
            (self.community_id, *(str(i) for i in identities)),
        )
        if row is None:
            return None
        return ConsentRecord(bool(row["opted_in"]), row["source"], row["wording"], from_db(row["at"]))

    async def latest(self, identity: Identity) -> ConsentRecord | None:
        row = await self.db.fetch_one(
            "SELECT opted_in, source, wording, at FROM consent_events"
            " WHERE community_id = ? AND identity = ? ORDER BY id DESC LIMIT 1",
            (self.community_id, str(identity)),
        )
        if row is None:
            return None
        return ConsentRecord(bool(row["opted_in"]), row["source"], row["wording"], from_db(row["at"]))


STORAGE = FeatureStorage(
    repositories=(bind(CONSENT_RECORDS, SqliteConsent),),
    migrations=("0003_whatsapp",),
    # Consent is per identity: a merge moves identities, and their records with them.
    forget_steps=(
        "DELETE FROM consent_events WHERE community_id = :community"
        f" AND identity IN ({IDENTITIES_OF_MEMBER})",
    ),
)
