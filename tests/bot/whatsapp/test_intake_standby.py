"""Several processes on one database: a standby's intake stores and answers but handles nothing (its
backlog bound counts every process's rows); the leader's handles what any process stored, woken by
PostgreSQL's notification (on SQLite, by the poll). A second store on the same database is the other
process."""

from __future__ import annotations

import asyncio

import pytest

from handlers import intake
from handlers.events import DirectMessage
from handlers.models import Identity
from storage.postgres.database import PgDatabase
from storage.store import Store
from tests.bot.whatsapp.conftest import whatsapp_harness
from tests.bot.whatsapp.fake_twilio import FakeTwilio
from tests.bot.whatsapp.test_intake import count
from tests.fakes import FakeClock

BEA = "whatsapp:+15550002222"
CARO = "whatsapp:+15550003333"


async def stored_elsewhere(store: Store, clock: FakeClock, who: str, sid: str) -> None:
    other = await Store.open(store.where, "test")
    try:
        async with other.transaction():
            message = DirectMessage(
                Identity.parse(who), "JOIN", event_id=sid, display_name="Member " + who[-4:]
            )
            assert await other.intake.put(message, clock.now()) is not None
    finally:
        await other.close()


async def until(store: Store, table: str, expected: int, seconds: float = 10.0) -> None:
    for _ in range(int(seconds / 0.02)):
        if await count(store, table) == expected:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"{table}: {await count(store, table)} rows, not {expected}")


async def test_a_standby_stores_within_every_processes_bound_and_handles_once_it_leads(
    store: Store, clock: FakeClock, fake: FakeTwilio, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(intake, "POLL_SECONDS", 0.05)
    async with whatsapp_harness(store, clock, fake, backlog_limit=3) as wa:
        await wa.adapter.intake.standby()
        for sender in (wa.form("JOIN")["From"], BEA):
            assert (await wa.post("/twilio/whatsapp", wa.form("JOIN", sender=sender), settle=False))[0] == 200
        await asyncio.sleep(0.2)
        assert await count(store, "intake") == 2 and await count(store, "members") == 0  # stored, not handled
        await stored_elsewhere(store, clock, CARO, "SM" + "c" * 32)
        for _ in range(100):  # the next count sees the other process's row: the bound (3) is reached
            if wa.adapter.intake.full:
                break
            await asyncio.sleep(0.02)
        status, _ = await wa.post("/twilio/whatsapp", wa.form("HELP"), settle=False)
        assert status == 503
        await wa.adapter.intake.start()  # it leads: every stored row, the other process's too
        await until(store, "members", 3)
        await wa.adapter.intake.idle()
        assert await count(store, "intake") == 0


async def test_the_leader_handles_a_row_another_process_stored_without_waiting_for_a_poll(
    store: Store, clock: FakeClock, fake: FakeTwilio, monkeypatch: pytest.MonkeyPatch
) -> None:
    notified = isinstance(store.db, PgDatabase)
    # On PostgreSQL only the notification can wake the leader within the test; SQLite has the poll.
    monkeypatch.setattr(intake, "POLL_SECONDS", 60.0 if notified else 0.05)
    async with whatsapp_harness(store, clock, fake) as wa:
        await wa.adapter.intake.start()
        await asyncio.sleep(0.1)  # listening
        await stored_elsewhere(store, clock, BEA, "SM" + "b" * 32)
        await until(store, "members", 1, 5.0)
        await wa.adapter.intake.idle()
        await until(store, "intake", 0, 5.0)
