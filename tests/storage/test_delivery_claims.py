"""The dispatcher's claims on both engines: each outbox row is claimed once; on PostgreSQL a claim skips a
row another transaction holds instead of waiting for it (FOR UPDATE SKIP LOCKED)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import asyncpg
import pytest

from handlers.delivery import MessageKind, Outgoing
from handlers.models import Identity, Reply
from storage.postgres.database import PgDatabase
from storage.store import Store

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


async def rows(store: Store, count: int) -> list[int]:
    messages = [
        Outgoing(Reply(f"hello {n}", private=True), to=Identity("console", f"m{n}"), kind=MessageKind.REPLY)
        for n in range(count)
    ]
    async with store.transaction():
        queued = await store.deliveries.add(messages, NOW)
    return [row.id for row in queued]


async def test_a_row_is_claimed_once(store: Store) -> None:
    ids = await rows(store, 3)
    first = await store.delivery_log.claim([(i, "console") for i in ids[:2]], NOW)
    assert first == set(ids[:2])
    second = await store.delivery_log.claim([(i, "console") for i in ids], NOW)
    assert second == {ids[2]}  # the two claimed before are no longer pending


@pytest.mark.parametrize("store", ["postgresql"], indirect=True)
async def test_a_claim_skips_a_row_locked_elsewhere(store: Store) -> None:
    ids = await rows(store, 3)
    assert isinstance(store.db, PgDatabase)
    other = await asyncpg.connect(store.db.url)
    try:
        holding = other.transaction()
        await holding.start()
        await other.execute("SELECT id FROM deliveries WHERE id = $1 FOR UPDATE", ids[0])
        # Without SKIP LOCKED the claim would wait for that lock (then fail after the 5 s lock timeout).
        claimed = await asyncio.wait_for(
            store.delivery_log.claim([(i, "console") for i in ids], NOW), timeout=2
        )
        assert claimed == set(ids[1:])
        await holding.rollback()
        assert await store.delivery_log.claim([(ids[0], "console")], NOW) == {ids[0]}  # left pending
    finally:
        await other.close()
