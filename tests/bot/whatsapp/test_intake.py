"""The webhook answers once a message is stored; the intake handles it after, once, in order per member."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from bot.whatsapp import webhook
from bot.whatsapp.inbound import Inbound
from bot.whatsapp.webhook import EMPTY_TWIML
from handlers.events import DirectMessage
from handlers.ports import StorageUnavailable
from storage.store import Store
from tests.bot.whatsapp.conftest import ANA, WhatsAppHarness, whatsapp_harness
from tests.bot.whatsapp.fake_twilio import FakeTwilio
from tests.fakes import FakeClock

BEA = "whatsapp:+15550002222"


class Gate:
    """Stands in for the core until opened: records what the intake hands over, in order."""

    def __init__(self, then: Callable[[DirectMessage], Awaitable[object]]) -> None:
        self.then = then
        self.opened = asyncio.Event()
        self.crashed = False
        self.seen: list[str] = []

    async def __call__(self, message: DirectMessage) -> object:
        self.seen.append(f"{message.identity.user_id[-4:]}:{message.text}")
        await self.opened.wait()
        if self.crashed:  # what a process killed here would do: stop in the middle, write nothing more
            raise asyncio.CancelledError
        return await self.then(message)

    def crash(self) -> None:
        self.crashed = True
        self.opened.set()


def gate(wa: WhatsAppHarness) -> Gate:
    held = Gate(wa.core.handle_direct)
    wa.adapter.intake.handle = held
    return held


async def count(store: Store, table: str) -> int:
    row = await store.db.fetch_one(f"SELECT count(*) FROM {table}")
    assert row is not None
    return int(row[0])


async def answers(store: Store, word: str) -> int:
    """Replies written to the transactional outbox that contain `word`."""
    row = await store.db.fetch_one(
        "SELECT count(*) FROM deliveries WHERE kind = 'reply' AND payload LIKE ?", (f"%{word}%",)
    )
    assert row is not None
    return int(row[0])


async def test_a_message_answered_before_a_crash_is_handled_after_the_restart_once(
    tmp_path: Path, clock: FakeClock, fake: FakeTwilio
) -> None:
    database = tmp_path / "bot.db"
    first = await Store.open(database, "test")
    async with whatsapp_harness(first, clock, fake) as wa:
        held = gate(wa)  # the command never runs in this process
        status, body = await wa.post("/twilio/whatsapp", wa.form("JOIN", sid="SM" + "1" * 32), settle=False)
        assert (status, body) == (200, EMPTY_TWIML)
        status, _ = await wa.post("/twilio/whatsapp", wa.form("POINTS", sid="SM" + "2" * 32), settle=False)
        assert status == 200
        assert await count(first, "intake") == 2 and await count(first, "members") == 0
        # The crash: this process never gets to handle them. Its database file is all that is left.
        held.crash()
        await asyncio.sleep(0)
    await first.close()

    for _run in range(2):  # restarted, and restarted again: the second start finds nothing to do
        again = await Store.open(database, "test")
        async with whatsapp_harness(again, clock, fake) as wa:
            await wa.adapter.intake.start()
            await wa.adapter.intake.idle()
            assert await count(again, "intake") == 0
            assert await count(again, "members") == 1
            assert await answers(again, "Welcome to Test Club") == 1
            assert await answers(again, "balance") + await answers(again, "credits") >= 1
        await again.close()


async def test_a_replayed_message_sid_is_stored_once_and_handled_once(wa: WhatsAppHarness) -> None:
    held = gate(wa)
    join = wa.form("JOIN", sid="SM" + "a" * 32)
    for _ in range(3):  # Twilio retries while the first is still waiting to be handled
        assert (await wa.post("/twilio/whatsapp", join, settle=False))[0] == 200
    assert await count(wa.store, "intake") == 1
    held.opened.set()
    await wa.adapter.intake.idle()
    assert held.seen == ["1234:JOIN"]
    assert (await wa.post("/twilio/whatsapp", join))[0] == 200  # and once more after it was handled
    assert await answers(wa.store, "Welcome to Test Club") == 1
    assert await count(wa.store, "members") == 1 and await count(wa.store, "intake") == 0


async def test_one_members_messages_are_handled_in_arrival_order(wa: WhatsAppHarness) -> None:
    held = gate(wa)
    for text, who in [("JOIN", ANA), ("JOIN", BEA), ("POINTS", ANA), ("HELP", ANA), ("POINTS", BEA)]:
        assert (await wa.post("/twilio/whatsapp", wa.form(text, sender=who), settle=False))[0] == 200
    await asyncio.sleep(0.05)
    assert held.seen == ["1234:JOIN", "2222:JOIN"]  # one at a time per member, members side by side
    held.opened.set()
    await wa.adapter.intake.idle()
    assert [s for s in held.seen if s.startswith("1234")] == ["1234:JOIN", "1234:POINTS", "1234:HELP"]
    assert [s for s in held.seen if s.startswith("2222")] == ["2222:JOIN", "2222:POINTS"]
    assert await count(wa.store, "members") == 2


async def test_past_the_backlog_bound_the_webhook_answers_503_and_stores_nothing(
    store: Store, clock: FakeClock, fake: FakeTwilio
) -> None:
    async with whatsapp_harness(store, clock, fake, backlog_limit=2) as wa:
        held = gate(wa)
        for n in range(2):
            assert (await wa.post("/twilio/whatsapp", wa.form(f"HELP {n}"), settle=False))[0] == 200
        refused = wa.form("JOIN", sid="SM" + "f" * 32)
        status, text = await wa.post("/twilio/whatsapp", refused, settle=False)
        assert status == 503 and "try again" in text
        assert await count(store, "intake") == 2
        held.opened.set()
        await wa.adapter.intake.idle()
        assert (await wa.post("/twilio/whatsapp", refused))[0] == 200  # Twilio's retry, once there is room
        assert await count(store, "members") == 1


async def test_a_message_the_database_could_not_take_is_tried_again(wa: WhatsAppHarness) -> None:
    failures = 2

    async def flaky(message: DirectMessage) -> object:
        nonlocal failures
        if failures:
            failures -= 1
            raise StorageUnavailable("disk I/O error")
        return await wa.core.handle_direct(message)

    wa.adapter.intake.handle = flaky
    assert (await wa.post("/twilio/whatsapp", wa.form("JOIN")))[0] == 200
    assert failures == 0
    assert await count(wa.store, "members") == 1 and await count(wa.store, "intake") == 0
    assert await answers(wa.store, "Welcome to Test Club") == 1


async def test_while_many_requests_are_being_stored_more_are_answered_503_at_once(
    wa: WhatsAppHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(webhook, "MAX_STORING", 2)
    slow_disk = asyncio.Event()
    store_it = wa.adapter.webhooks.on_message

    async def slowly(inbound: Inbound) -> None:
        await slow_disk.wait()
        await store_it(inbound)

    wa.adapter.webhooks.on_message = slowly
    held = [
        asyncio.create_task(wa.post("/twilio/whatsapp", wa.form(f"HELP {n}"), settle=False)) for n in (1, 2)
    ]
    await asyncio.sleep(0.1)
    status, _ = await wa.post("/twilio/whatsapp", wa.form("JOIN"), settle=False)
    assert status == 503 and await count(wa.store, "intake") == 0
    slow_disk.set()
    assert [status for status, _ in await asyncio.gather(*held)] == [200, 200]
    await wa.adapter.intake.idle()
    assert await count(wa.store, "intake") == 0 and await count(wa.store, "inbox") == 2
