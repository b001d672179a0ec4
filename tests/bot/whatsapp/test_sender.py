"""The outbox worker against the fake Twilio API: retries, permanent failures, fallbacks, crashes, rate."""

from __future__ import annotations

import asyncio
import json
import sqlite3

import pytest
from pydantic import SecretStr

from bot.whatsapp.sender import OutboxWorker, RateLimiter, RetryPolicy
from bot.whatsapp.twilio_client import TwilioMessages
from handlers.delivery import MessageKind
from handlers.models import Identity
from storage.sqlite.export import export_table
from tests.bot.whatsapp.conftest import ANA, BOT_NUMBER, NOTICE_SID, WhatsAppHarness
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


def restarted_worker(wa: WhatsAppHarness, api: object | None = None) -> OutboxWorker:
    return OutboxWorker(
        wa.store.outbox,
        api or wa.adapter.worker.api,  # type: ignore[arg-type]
        wa.adapter.messenger,
        wa.clock,
        RateLimiter(1000),
        RetryPolicy(),
        status_callback=None,
    )


async def run_briefly(worker: OutboxWorker, wa: WhatsAppHarness, expected: int) -> None:
    await worker.start()  # settles what was in flight, then its loop sends what is pending
    try:
        for _ in range(500):
            if len(wa.bodies()) >= expected:
                break
            await asyncio.sleep(0.01)
    finally:
        await worker.stop()


async def test_after_a_crash_what_twilio_never_took_is_sent_once_and_what_it_took_is_not_again(
    wa: WhatsAppHarness,
) -> None:
    await member_in_window(wa)
    never_arrived = await notice(wa, "was being sent when the process died")
    arrived = await notice(wa, "Twilio had taken this one")
    never_tried = await notice(wa, "written, never tried")
    for row_id in (never_arrived, arrived):
        await wa.store.outbox.begin_part(row_id, wa.clock.now())  # committed; then the process died...
    await wa.adapter.worker.api.send(ANA, BOT_NUMBER, body="Twilio had taken this one")  # ...after this POST
    await run_briefly(restarted_worker(wa), wa, 3)
    rows = {r["id"]: r for r in await wa.rows()}
    assert [rows[r]["state"] for r in (never_arrived, arrived, never_tried)] == ["sent", "sent", "sent"]
    assert sorted(wa.bodies()) == sorted(
        ["was being sent when the process died", "Twilio had taken this one", "written, never tried"]
    )  # each exactly once
    sends = await wa.store.outbox.sends(arrived)
    [taken] = [f for f in wa.fake.accepted if f["Body"] == "Twilio had taken this one"]
    assert [sid for sid, _, _ in sends] == [wa.fake.sid_of(taken)]  # recorded with the SID Twilio gave it
    columns, exported = await export_table(wa.store.db, wa.store.community_id, "outbox")
    by_id = {row[0]: dict(zip(columns, row, strict=True)) for row in exported}
    assert by_id[never_tried]["deliveries"].startswith("SM") and by_id[never_tried]["deliveries"].endswith(
        ":queued"
    )


async def test_after_a_crash_what_cannot_be_told_is_marked_unknown_never_resent(wa: WhatsAppHarness) -> None:
    await member_in_window(wa)
    interrupted = await notice(wa, "was being sent when the process died")
    await wa.store.outbox.begin_part(interrupted, wa.clock.now())
    dead = TwilioMessages(ACCOUNT_SID, SecretStr(AUTH_TOKEN), "http://127.0.0.1:9")  # Twilio unreachable
    await dead.open()
    try:
        await run_briefly(restarted_worker(wa, dead), wa, 0)
    finally:
        await dead.close()
    row = (await wa.rows())[-1]
    assert row["state"] == "unknown"
    assert (
        row["note"]
        == "interrupted while sending part 1 of 1: it may or may not have been delivered; not resent"
    )
    assert wa.bodies() == []


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


async def test_a_timeout_after_twilio_took_the_message_is_never_sent_again(wa: WhatsAppHarness) -> None:
    """Found: every aiohttp error and timeout was retried, also a read timeout after Twilio received the
    POST (its Messages API has no idempotency key): the member got it twice."""
    await member_in_window(wa)
    wa.fake.hold_next()  # Twilio takes it, but the answer comes after the client's timeout (1 s here)
    await notice(wa, "Your order shipped")
    await wa.flush()
    wa.fake.held.set()
    row = (await wa.rows())[-1]
    assert (row["state"], row["error_code"]) == ("unknown", "uncertain")
    assert "not resent" in row["note"]
    wa.clock.advance(minutes=20)
    await wa.flush()
    assert wa.fake.calls == 1 and len(wa.fake.accepted) == 1  # taken once, never tried again


async def test_a_connection_dropped_after_the_request_went_out_is_never_sent_again(
    wa: WhatsAppHarness,
) -> None:
    await member_in_window(wa)
    wa.fake.drop_next()
    await notice(wa, "Your order shipped")
    await wa.flush()
    wa.clock.advance(minutes=20)
    await wa.flush()
    assert (await wa.rows())[-1]["state"] == "unknown"
    assert wa.fake.calls == 1


async def test_twilios_newer_error_format_is_understood(wa: WhatsAppHarness) -> None:
    """Found: twilio-python 9 raises TwilioServiceException (RFC 9457) for the newer format, which is no
    TwilioRestException: a new-format 429 was not retried and a 63016 got no template."""
    await member_in_window(wa)
    wa.fake.fail_next(429, rfc9457=True)
    await notice(wa, "first")
    await wa.flush()
    row = (await wa.rows())[-1]
    assert (row["state"], row["error_code"]) == ("pending", "20429")
    wa.clock.advance(seconds=2)
    await wa.flush()
    assert wa.bodies() == ["first"]
    wa.fake.fail_next(63016, rfc9457=True)
    row_id = await notice(wa, "second")
    await wa.flush()
    await wa.flush()
    failed, retry = (await wa.rows())[-2:]
    assert (failed["id"], failed["error_code"], retry["retry_of"], retry["mode"]) == (
        row_id,
        "63016",
        row_id,
        "template",
    )
    assert wa.fake.accepted[-1]["ContentSid"] == NOTICE_SID


async def test_a_part_twilio_took_that_cannot_be_recorded_does_not_stop_the_rest(
    wa: WhatsAppHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found: a failure to record Twilio's answer escaped the worker: the row stayed `sending` and the rest
    of that member's batch, the second part of a long message too, was dropped."""
    await member_in_window(wa)
    outbox = wa.store.outbox
    real = outbox.part_sent
    failing = {"left": 4}  # more than the tries to record the first part

    async def part_sent(*args: object, **kwargs: object) -> None:
        if failing["left"] > 0:
            failing["left"] -= 1
            raise sqlite3.OperationalError("disk I/O error")
        await real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(outbox, "part_sent", part_sent)
    monkeypatch.setattr("bot.whatsapp.sender.RECORD_RETRIES", (0.0, 0.0, 0.0))
    long_text = "\n\n".join(f"Paragraph {n}: " + "word " * 200 for n in range(2))
    await notice(wa, long_text)
    await notice(wa, "and then this one")
    await wa.flush()
    assert len(wa.bodies()) == 3  # both parts of the long message, then the next message
    first, second = (await wa.rows())[-2:]
    assert (first["state"], first["parts_sent"], second["state"]) == ("sent", 2, "sent")
    assert len(await outbox.sends(first["id"])) == 1  # the first part's SID is in the log, not on record
    await wa.flush()
    assert len(wa.bodies()) == 3  # nothing is sent again


async def test_a_mark_is_committed_even_while_a_command_is_rolled_back(wa: WhatsAppHarness) -> None:
    """Found: the worker marked a row `sending` on the shared connection; inside another command's open
    transaction the mark joined it and was rolled back with it, and a restart sent the message again."""
    await member_in_window(wa)
    row_id = await notice(wa, "Your order shipped")

    class Refused(Exception):
        pass

    opened = asyncio.Event()

    async def command() -> None:
        async with wa.store.transaction():  # a command in progress on the shared connection...
            await wa.store.db.execute("UPDATE members SET display_name = 'x' WHERE id = 1")
            opened.set()
            await asyncio.sleep(0.05)  # ...while the worker marks the row...
            raise Refused  # ...and then refuses: its transaction is rolled back

    async def worker() -> None:
        await opened.wait()
        await wa.store.outbox.begin_part(row_id, wa.clock.now())

    results = await asyncio.gather(command(), worker(), return_exceptions=True)
    assert isinstance(results[0], Refused) and results[1] is None
    assert (await wa.rows())[-1]["state"] == "sending"  # the mark held
