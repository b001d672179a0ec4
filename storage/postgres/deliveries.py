"""The dispatcher's marks on PostgreSQL: SQLite's, but a claim skips rows another transaction holds.

Units of work are serialised across processes (the writers' advisory lock), so today no other claim can
hold a row while this one runs, and a conditional UPDATE alone already claims each row once: PostgreSQL
re-reads a row it waited for and finds it no longer pending. `FOR UPDATE SKIP LOCKED` keeps both true
without the serialisation: a row locked elsewhere (a sender in another process, an admin's transaction)
is left pending for the next round instead of holding this claim, and every dispatcher of the rest
until the lock timeout.
"""

from __future__ import annotations

from storage.sqlite.deliveries import SqliteDeliveryLog


class PgDeliveryLog(SqliteDeliveryLog):
    CLAIM = (
        "UPDATE deliveries SET state = 'sending', claim = ?, platform = ?, attempts = attempts + 1,"
        " updated_at = ? WHERE id IN (SELECT id FROM deliveries WHERE id IN ({marks})"
        " AND state = 'pending' FOR UPDATE SKIP LOCKED) RETURNING id"
    )
