from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from handlers.models import Identity
from storage.sqlite.outbox import NewOutbound
from storage.store import Store
from tests.fakes import FakeClock

ANA = Identity.parse("whatsapp:+15550001234")
BEN = Identity.parse("whatsapp:+15550005678")
FROM = "whatsapp:+14155238886"


def entry(to: Identity = ANA, text: str = "hi", parts: int = 1) -> NewOutbound:
    return NewOutbound(FROM, to, "notice", "text", text, parts_total=parts)


async def test_rows_are_due_in_order_and_wait_behind_an_older_retry(store: Store, clock: FakeClock) -> None:
    now = clock.now()
    first = await store.outbox.add(entry(text="1"), now)
    second = await store.outbox.add(entry(text="2"), now)
    other = await store.outbox.add(entry(BEN, "3"), now)
    assert [r.id for r in await store.outbox.due(now, 10)] == [first, second, other]
    await store.outbox.retry_later(first, "20429", "busy", now + timedelta(seconds=2), now)
    assert [r.id for r in await store.outbox.due(now, 10)] == [other]  # Ana's second waits for her first
    assert await store.outbox.next_due_at() == now
    later = now + timedelta(seconds=2)
    assert [r.id for r in await store.outbox.due(later, 10)] == [first, second, other]


async def test_parts_are_counted_and_the_row_is_sent_after_the_last(store: Store, clock: FakeClock) -> None:
    now = clock.now()
    row_id = await store.outbox.add(entry(parts=2), now)
    await store.outbox.begin_part(row_id, now)
    await store.outbox.part_sent(row_id, 1, "SM" + "1" * 32, "queued", now)
    row = await store.outbox.get(row_id)
    assert row is not None and (row.state, row.parts_sent, row.attempts) == ("pending", 1, 1)
    await store.outbox.begin_part(row_id, now)
    await store.outbox.part_sent(row_id, 2, "SM" + "2" * 32, "queued", now)
    row = await store.outbox.get(row_id)
    assert row is not None and (row.state, row.parts_sent) == ("sent", 2)
    assert [s[0][:3] for s in await store.outbox.sends(row_id)] == ["SM1", "SM2"]


async def test_a_part_is_taken_by_one_sender(store: Store, clock: FakeClock) -> None:
    """Two senders with the same row in hand (a leader stuck past its lease, and the new one): one takes
    each part, the other is told not to send it."""
    now = clock.now()
    row_id = await store.outbox.add(entry(parts=2), now)
    assert await store.outbox.begin_part(row_id, now, sent_before=0)
    assert not await store.outbox.begin_part(row_id, now, sent_before=0)  # `sending`: taken
    await store.outbox.part_sent(row_id, 1, "SM" + "1" * 32, "queued", now)
    assert not await store.outbox.begin_part(row_id, now, sent_before=0)  # pending, but part 1 went
    assert await store.outbox.begin_part(row_id, now, sent_before=1)
    row = await store.outbox.get(row_id)
    assert row is not None and (row.state, row.attempts) == ("sending", 2)


async def test_interrupted_rows_end_unknown_and_are_never_due_again(store: Store, clock: FakeClock) -> None:
    now = clock.now()
    row_id = await store.outbox.add(entry(parts=3), now)
    await store.outbox.begin_part(row_id, now)
    await store.outbox.part_sent(row_id, 1, "SM" + "1" * 32, "queued", now)
    await store.outbox.begin_part(row_id, now)
    assert await store.outbox.interrupted(now) == 1
    row = await store.outbox.get(row_id)
    assert row is not None and row.state == "unknown"
    assert (
        row.note == "interrupted while sending part 2 of 3: it may or may not have been delivered; not resent"
    )
    assert await store.outbox.due(now + timedelta(days=1), 10) == []
    assert await store.outbox.interrupted(now) == 0


async def test_delivery_statuses_only_move_forward(store: Store, clock: FakeClock) -> None:
    now = clock.now()
    row_id = await store.outbox.add(entry(), now)
    sid = "SM" + "a" * 32
    await store.outbox.part_sent(row_id, 1, sid, "queued", now)
    for status in ("delivered", "sent", "read", "delivered"):
        await store.outbox.record_status(sid, status, None, now)
    assert await store.outbox.sends(row_id) == [(sid, "read", None)]
    await store.outbox.record_status(sid, "failed", "63016", now)
    assert await store.outbox.sends(row_id) == [(sid, "failed", "63016")]
    assert await store.outbox.record_status("SM" + "0" * 32, "sent", None, now) is None


async def test_only_final_states_finish_a_row(store: Store, clock: FakeClock) -> None:
    row_id = await store.outbox.add(entry(), clock.now())
    with pytest.raises(ValueError, match="not a final outbox state"):
        await store.outbox.finish(row_id, "pending", None, "x", clock.now())


async def test_windows_never_move_backwards(store: Store, clock: FakeClock) -> None:
    async with store.transaction():
        later = clock.now() + timedelta(hours=1)
        await store.windows.touch(ANA, later)
        await store.windows.touch(ANA, clock.now())  # a late retry of an older message
        assert await store.windows.last_inbound(ANA) == later
        assert await store.windows.last_inbound(BEN) is None


async def test_parts_recorded_together_share_one_marks_transaction(
    store: Store, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sender sends to many members at once: the records of parts Twilio took at about the same time
    are written in one marks transaction, not one each (each also cut the open batch of commands short)."""
    now = clock.now()
    rows = [await store.outbox.add(entry(Identity.parse(f"whatsapp:+1555000{n:04d}")), now) for n in range(6)]
    for row_id in rows:
        assert await store.outbox.begin_part(row_id, now, sent_before=0)
    transactions = 0
    run_transaction = store.db.run_transaction

    async def counted(*args: object, **kwargs: object) -> object:
        nonlocal transactions
        transactions += 1
        return await run_transaction(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(store.db, "run_transaction", counted)
    await asyncio.gather(
        *(store.outbox.part_sent(row_id, 1, f"SM{n:032x}", "queued", now) for n, row_id in enumerate(rows))
    )
    assert transactions == 1
    for row_id in rows:
        row = await store.outbox.get(row_id)
        assert row is not None and (row.state, row.parts_sent) == ("sent", 1)


async def test_a_record_that_cannot_be_written_fails_alone(store: Store, clock: FakeClock) -> None:
    now = clock.now()
    taken = "SM" + "9" * 32
    first = await store.outbox.add(entry(), now)
    await store.outbox.begin_part(first, now)
    await store.outbox.part_sent(first, 1, taken, "queued", now)
    rows = [await store.outbox.add(entry(BEN, f"{n}"), now) for n in range(3)]
    for row_id in rows:
        await store.outbox.begin_part(row_id, now)
    sids = [f"SM{1:032x}", taken, f"SM{3:032x}"]  # the second was recorded already: the key refuses it
    results = await asyncio.gather(
        *(
            store.outbox.part_sent(row_id, 1, sid, "queued", now)
            for row_id, sid in zip(rows, sids, strict=True)
        ),
        return_exceptions=True,
    )
    assert [r is None for r in results] == [True, False, True]
    states = [(await store.outbox.get(row_id)).state for row_id in rows]  # type: ignore[union-attr]
    assert states == ["sent", "sending", "sent"]  # the refused one stays `sending`: never sent twice
