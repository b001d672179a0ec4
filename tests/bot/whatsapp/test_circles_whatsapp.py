"""Circles on WhatsApp end to end: signed webhooks in, the fake Twilio API out, a console channel standing in
for the bridged Discord channel. Each relayed message reaches each member exactly once, also when Twilio
retries the webhook and across a restart with messages still in the outbox."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from storage.store import Store
from tests.bot.whatsapp.conftest import NOTICE_SID, WhatsAppHarness, whatsapp_harness
from tests.bot.whatsapp.fake_twilio import ACCOUNT_SID, AUTH_TOKEN, FakeTwilio
from tests.fakes import FakeClock

ANA = "whatsapp:+15550001234"
BEA = "whatsapp:+15550002222"
CAL = "whatsapp:+15550003333"
MOD = "whatsapp:+15550009999"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)


CIRCLE_COMMUNITY = {
    "community": {"name": "Test Club", "timezone": "Europe/Paris"},
    "roles": {"moderators": [MOD]},
    "whatsapp": {"templates": {"circle": NOTICE_SID}},  # the kind circle: the notice outside the window
    "circle": {"rate_limit": 50},
    "circles": [{"name": "runners", "channel": "runners"}],  # the channel: played by the console
}


def circle_harness(
    store: Store, clock: FakeClock, fake: FakeTwilio
) -> AbstractAsyncContextManager[WhatsAppHarness]:
    return whatsapp_harness(store, clock, fake, CIRCLE_COMMUNITY, start=True)


@pytest.fixture
async def wa(store: Store, clock: FakeClock, fake: FakeTwilio) -> AsyncIterator[WhatsAppHarness]:
    async with circle_harness(store, clock, fake) as harness:
        yield harness


async def in_circle(wa: WhatsAppHarness, *senders: str) -> None:
    for sender in senders:
        assert await wa.say("JOIN", sender=sender) == 200
        assert await wa.say("CIRCLE JOIN runners", sender=sender) == 200
    await settle(wa)
    for sender in senders:
        assert any(b.startswith("Welcome to runners") for b in wa.bodies(sender)), wa.bodies(sender)


async def settle(wa: WhatsAppHarness) -> None:
    await wa.core.settle()
    while await wa.flush():
        pass


async def test_a_signed_webhook_is_relayed_to_each_member_once_and_to_the_channel(
    wa: WhatsAppHarness,
) -> None:
    await in_circle(wa, ANA, BEA, CAL)
    form = wa.form("Who runs on Saturday?", ANA, sid="SM" + "1" * 32)
    assert (await wa.post("/twilio/whatsapp", form))[0] == 200
    assert (await wa.post("/twilio/whatsapp", form))[0] == 200  # Twilio retries: nothing twice
    await settle(wa)
    assert wa.bodies(BEA)[-1] == "Ana #1: Who runs on Saturday?"
    assert wa.bodies(CAL)[-1] == "Ana #1: Who runs on Saturday?"
    assert not any("Saturday" in b for b in wa.bodies(ANA))  # no echo to the writer
    sent = Counter((f["To"], f.get("Body")) for f in wa.fake.accepted if "Saturday" in f.get("Body", ""))
    assert sent == {(BEA, "Ana #1: Who runs on Saturday?"): 1, (CAL, "Ana #1: Who runs on Saturday?"): 1}
    assert wa.console.posts_in("runners") == ["Who runs on Saturday?"]


async def test_an_unsigned_webhook_relays_nothing(wa: WhatsAppHarness) -> None:
    await in_circle(wa, ANA, BEA)
    status, _ = await wa.post("/twilio/whatsapp", wa.form("forged", ANA), signature="bad")
    assert status == 403
    await settle(wa)
    assert not any("forged" in b for b in wa.bodies(BEA))


async def test_a_long_message_reaches_whatsapp_in_parts_with_nothing_lost(wa: WhatsAppHarness) -> None:
    await in_circle(wa, ANA, BEA)
    words = [f"word{n}" for n in range(450)]  # over WhatsApp's 1,600 characters
    assert await wa.say(" ".join(words), ANA) == 200
    await settle(wa)
    parts = [b for b in wa.bodies(BEA) if "word" in b]
    assert len(parts) >= 2 and all(len(p) <= 1600 for p in parts)
    assert " ".join(parts).split()[2:] == words  # after `Ana #1:`, every word, in order


async def test_stop_withholds_the_circle_and_start_brings_it_back(wa: WhatsAppHarness) -> None:
    await in_circle(wa, ANA, BEA)
    await wa.say("STOP", BEA)
    await wa.say("while bea is away", ANA)
    await settle(wa)
    assert not any("while bea is away" in b for b in wa.bodies(BEA))
    await wa.say("START", BEA)
    await wa.say("bea is back", ANA)
    await settle(wa)
    assert wa.bodies(BEA)[-1] == "Ana #2: bea is back"


async def test_outside_the_window_one_template_notice_then_the_catch_up(wa: WhatsAppHarness) -> None:
    await in_circle(wa, ANA, BEA)
    wa.clock.advance(hours=36)
    await wa.say("CIRCLES", ANA)  # ana is back in her window; bea is not
    for n in range(3):
        await wa.say(f"update number {n}", ANA)
    await settle(wa)
    assert not any("update number" in b for b in wa.bodies(BEA))
    wa.clock.advance(minutes=20)
    await wa.core.run_due_jobs()
    await settle(wa)
    templates = [f for f in wa.fake.accepted if f["To"] == BEA and "ContentSid" in f]
    assert len(templates) == 1 and templates[0]["ContentSid"] == NOTICE_SID
    assert "3 new messages in runners" in json.loads(templates[0]["ContentVariables"])["1"]
    await wa.say("hi", BEA)
    await settle(wa)
    caught = [b for b in wa.bodies(BEA) if b.startswith("While you were away")]
    assert caught == [
        "While you were away, 3 messages in runners:\n"
        "Ana #1: update number 0\nAna #2: update number 1\nAna #3: update number 2"
    ]


async def test_exactly_once_across_a_restart_with_the_outbox_unsent(
    tmp_path: Path, clock: FakeClock, fake: FakeTwilio
) -> None:
    database = tmp_path / "circles.db"
    store = await Store.open(database, "test")
    forms = []
    async with circle_harness(store, clock, fake) as wa:
        await in_circle(wa, ANA, BEA, CAL)
        for n in range(5):
            form = wa.form(f"before the restart {n}", [ANA, BEA][n % 2], sid=f"SMffff{n:028x}")
            forms.append(form)
            assert (await wa.post("/twilio/whatsapp", form))[0] == 200
        await wa.core.settle()
        await wa.flush()  # one round handed over; the rest waits in the outbox when the bot stops
    await store.close()
    store = await Store.open(database, "test")
    async with circle_harness(store, clock, fake) as wa:
        await wa.core.resume()
        for form in forms:  # Twilio retries every webhook after the restart
            assert (await wa.post("/twilio/whatsapp", form))[0] == 200
        await settle(wa)
    await store.close()
    relayed = Counter(
        (f["To"], f.get("Body")) for f in fake.accepted if "before the restart" in f.get("Body", "")
    )
    assert all(n == 1 for n in relayed.values()), relayed
    # each of the five reached the two members who did not write it, and nobody else
    assert len(relayed) == 10


@pytest.fixture
async def twilio_media() -> AsyncIterator[str]:
    """Twilio's media host on 127.0.0.1: a photo for the account's HTTP Basic auth only."""

    async def photo(request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != aiohttp.encode_basic_auth(ACCOUNT_SID, AUTH_TOKEN):
            return web.Response(status=401)
        return web.Response(body=PNG, content_type="image/png")

    app = web.Application()
    app.router.add_get("/Media/{sid}", photo)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


async def test_a_whatsapp_photo_is_kept_and_goes_to_the_channel_as_a_file(
    wa: WhatsAppHarness, twilio_media: str
) -> None:
    await in_circle(wa, ANA, BEA)
    media = {"NumMedia": "1", "MediaUrl0": f"{twilio_media}/Media/ME1", "MediaContentType0": "image/png"}
    assert (await wa.post("/twilio/whatsapp", wa.form("my route", ANA, **media)))[0] == 200
    await settle(wa)
    # to the other WhatsApp members as media (tests/bot/whatsapp/test_circles_media.py): no line counting it
    to_bea = [f for f in wa.fake.accepted if f["To"] == BEA][-2:]
    assert [f.get("Body") for f in to_bea] == ["Ana #1: my route", None]
    assert "MediaUrl" in to_bea[1]
    post = next(d for d in wa.console.sent if d.channel == "runners" and "my route" in d.reply.text)
    (key,) = post.reply.files
    assert (wa.adapter.media.folder / key).read_bytes() == PNG  # the bridged channel's adapter posts it
    assert post.reply.files_note == "📎 1 file"
