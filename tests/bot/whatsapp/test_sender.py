"""The outbox worker against the fake Twilio API: retries, permanent failures, fallbacks, crashes, rate."""

from __future__ import annotations

import asyncio
import json

from pydantic import SecretStr

from bot.whatsapp.sender import OutboxWorker, RateLimiter, RetryPolicy
from bot.whatsapp.twilio_client import TwilioMessages
from handlers.delivery import MessageKind
from handlers.models import Identity
from storage.sqlite.export import export_table
from tests.bot.whatsapp.conftest import ANA, NOTICE_SID, WhatsAppHarness
from tests.bot.whatsapp.fake_twilio import ACCOUNT_SID, AUTH_TOKEN

TO = Identity.parse(ANA)


async def member_in_window(wa: WhatsAppHarness) -> None:
    await wa.say("JOIN")
    await wa.flush()
    wa.fake.accepted.clear()
    wa.fake.calls = 0


async def notice(wa: WhatsAppHarness, text: str) -> int:
    await wa.send(text, MessageKind.NOTICE)
    return (await wa.rows())[-1]["id"]


async def test_429_is_retried_with_backoff_then_sent_once(wa: WhatsAppHarness) -> None:
    await member_in_window(wa)
    wa.fake.fail_next(429, 500)
    row_id = await notice(wa, "Your RSVP is confirmed")
    await wa.flush()
    row = (await wa.rows())[-1]
    assert (row["state"], row["error_code"], row["attempts"]) == ("pending", "20429", 1)
    assert row["note"].startswith("try 1 failed, retrying: Too Many Requests")
    await wa.flush()  # not due yet: the backoff is 2 s
    assert wa.fake.calls == 1
    wa.clock.advance(seconds=2)
    await wa.flush()  # 500: retried again, after 4 s
    assert (await wa.rows())[-1]["error_code"] == "20500"
    wa.clock.advance(seconds=3)
    await wa.flush()
    assert wa.fake.calls == 2
    wa.clock.advance(seconds=1)
    await wa.flush()
    row = (await wa.rows())[-1]
    assert (row["state"], row["error_code"], row["attempts"], wa.fake.calls) == ("sent", None, 3, 3)
    assert wa.bodies() == ["Your RSVP is confirmed"]
    sends = await wa.store.outbox.sends(row_id)
    assert len(sends) == 1 and sends[0][0].startswith("SM") and len(sends[0][0]) == 34


async def test_a_later_message_waits_for_the_one_being_retried(wa: WhatsAppHarness) -> None:
    await member_in_window(wa)
    wa.fake.fail_next(429)
    await notice(wa, "first")
    await wa.flush()
    await notice(wa, "second")
    await wa.flush()
    assert wa.bodies() == []
    wa.clock.advance(seconds=2)
    await wa.flush()
    assert wa.bodies() == ["first", "second"]


async def test_a_permanent_error_fails_at_once_with_its_code(wa: WhatsAppHarness) -> None:
    await member_in_window(wa)
    wa.fake.fail_next(21211)
    await notice(wa, "Your RSVP is confirmed")
    await wa.flush()
    wa.clock.advance(hours=1)
    await wa.flush()
    row = (await wa.rows())[-1]
    assert (row["state"], row["error_code"], row["note"]) == ("failed", "21211", "Invalid 'To' Phone Number")
    assert wa.fake.calls == 1


async def test_attempts_are_bounded(wa: WhatsAppHarness) -> None:
    await member_in_window(wa)
    wa.adapter.worker.policy = RetryPolicy(max_attempts=3)
    wa.fake.fail_next(500, 500, 500, 500)
    await notice(wa, "hello")
    for _ in range(5):
        await wa.flush()
        wa.clock.advance(minutes=1)
    row = (await wa.rows())[-1]
    assert (row["state"], row["error_code"], wa.fake.calls) == ("failed", "20500", 3)
    assert row["note"].startswith("gave up after 3 tries")


async def test_network_errors_are_retried(wa: WhatsAppHarness) -> None:
    await member_in_window(wa)
    dead = TwilioMessages(ACCOUNT_SID, SecretStr(AUTH_TOKEN), "http://127.0.0.1:9")  # nothing listens
    await dead.open()
    real = wa.adapter.worker.api
    wa.adapter.worker.api = dead
    try:
        await notice(wa, "hello")
        await wa.flush()
    finally:
        wa.adapter.worker.api = real
        await dead.close()
    row = (await wa.rows())[-1]
    assert (row["state"], row["error_code"]) == ("pending", "network")
    wa.clock.advance(seconds=2)
    await wa.flush()
    assert wa.bodies() == ["hello"]


async def test_63016_outside_the_window_is_sent_again_as_the_template(wa: WhatsAppHarness) -> None:
    await member_in_window(wa)
    wa.fake.fail_next(63016)
    row_id = await notice(wa, "Your RSVP\nis confirmed")
    await wa.flush()
    await wa.flush()
    failed, retry = (await wa.rows())[-2:]
    assert (failed["id"], failed["state"], failed["error_code"]) == (row_id, "failed", "63016")
    assert (retry["retry_of"], retry["mode"], retry["state"]) == (row_id, "template", "sent")
    assert wa.fake.accepted[-1]["ContentSid"] == NOTICE_SID
    assert json.loads(wa.fake.accepted[-1]["ContentVariables"]) == {"1": "Your RSVP is confirmed"}
    assert "Body" not in wa.fake.accepted[-1]


async def test_after_a_crash_nothing_is_sent_twice_and_nothing_disappears(wa: WhatsAppHarness) -> None:
    await member_in_window(wa)
    interrupted = await notice(wa, "was being sent when the process died")
    never_tried = await notice(wa, "written, never tried")
    await wa.store.outbox.begin_part(interrupted, wa.clock.now())  # committed; then the process died
    restarted = OutboxWorker(
        wa.store.outbox,
        wa.adapter.worker.api,
        wa.adapter.messenger,
        wa.clock,
        RateLimiter(1000),
        RetryPolicy(),
        status_callback=None,
    )
    await restarted.start()  # marks what was in flight, then its loop sends what is pending
    try:
        for _ in range(500):
            if wa.bodies():
                break
            await asyncio.sleep(0.01)
    finally:
        await restarted.stop()
    rows = {r["id"]: r for r in await wa.rows()}
    assert rows[interrupted]["state"] == "unknown"
    assert rows[interrupted]["note"] == (
        "interrupted while sending part 1 of 1: it may or may not have been delivered; not resent"
    )
    assert rows[never_tried]["state"] == "sent"
    assert wa.bodies() == ["written, never tried"]
    columns, exported = await export_table(wa.store.db, wa.store.community_id, "outbox")
    by_id = {row[0]: dict(zip(columns, row, strict=True)) for row in exported}
    assert by_id[interrupted]["state"] == "unknown"
    assert by_id[never_tried]["deliveries"].startswith("SM") and by_id[never_tried]["deliveries"].endswith(
        ":queued"
    )


async def test_the_rate_limiter_spaces_calls_evenly() -> None:
    now = [100.0]
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(round(seconds, 6))
        now[0] += seconds

    limiter = RateLimiter(10, monotonic=lambda: now[0], sleep=sleep)
    for _ in range(5):
        await limiter.wait()
    assert slept == [0.1, 0.1, 0.1, 0.1]
    now[0] += 5  # idle for a while: no burst credit is saved up beyond one call
    await limiter.wait()
    await limiter.wait()
    assert slept[-1] == 0.1 and len(slept) == 5


def test_backoff_doubles_up_to_a_ceiling() -> None:
    policy = RetryPolicy()
    assert [policy.delay(n).total_seconds() for n in (1, 2, 3, 4)] == [2, 4, 8, 16]
    assert policy.delay(30).total_seconds() == 600
