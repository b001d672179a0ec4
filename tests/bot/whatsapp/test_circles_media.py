"""Files to a circle's WhatsApp members as WhatsApp media: each file its own Twilio message, after the text,
with a MediaUrl on the bot's own web server that Twilio fetches (signed, expiring); a file WhatsApp cannot
carry, one no longer kept, or no public URL: the text with its line counting the files, never part of them."""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest

from handlers.delivery import MessageKind
from handlers.models import Reply
from storage.store import Store
from tests.bot.whatsapp.conftest import PUBLIC, WhatsAppHarness, whatsapp_harness
from tests.bot.whatsapp.fake_twilio import FakeTwilio
from tests.bot.whatsapp.test_circles_whatsapp import ANA, BEA, CIRCLE_COMMUNITY, in_circle, settle
from tests.fakes import FakeClock

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
GIF = b"GIF89a" + bytes(100)
PDF = b"%PDF-1.4\n" + bytes(300)
MEDIA_COMMUNITY: dict[str, Any] = {
    **CIRCLE_COMMUNITY,
    "media": {"types": ["image/png", "image/gif", "application/pdf"], "max_mb": 20},
}


@pytest.fixture
async def wa(store: Store, clock: FakeClock, fake: FakeTwilio) -> AsyncIterator[WhatsAppHarness]:
    async with whatsapp_harness(store, clock, fake, MEDIA_COMMUNITY, start=True) as harness:
        yield harness


async def send_file(wa: WhatsAppHarness, data: bytes, kind: str, text: str = "my route") -> None:
    """Ana sends a file to the circle (Twilio's MediaUrl0, downloaded with the account's credentials)."""
    sid = f"SM{hashlib.sha256(data).hexdigest()[:32]}"
    url = wa.fake.media_url(sid, data, kind)
    form = wa.form(text, ANA, sid=sid, NumMedia="1", MediaUrl0=url, MediaContentType0=kind)
    assert (await wa.post("/twilio/whatsapp", form))[0] == 200
    await settle(wa)


def to(wa: WhatsAppHarness, who: str) -> list[dict[str, str]]:
    return [form for form in wa.fake.accepted if form["To"] == who]


def local(wa: WhatsAppHarness, url: str) -> str:
    """The bot's public URL as this test reaches its web server."""
    assert url.startswith(PUBLIC + "/media/")
    return wa.local + url.removeprefix(PUBLIC)


async def fetch(url: str, method: str = "GET") -> tuple[int, bytes, dict[str, str]]:
    async with aiohttp.ClientSession() as http, http.request(method, url) as response:
        return response.status, await response.read(), dict(response.headers)


async def test_a_photo_reaches_the_other_members_as_media_whose_link_serves_its_bytes(
    wa: WhatsAppHarness,
) -> None:
    await in_circle(wa, ANA, BEA)
    await send_file(wa, PNG, "image/png")
    text, photo = to(wa, BEA)[-2:]
    assert (text["Body"], "MediaUrl" in text) == ("Ana #1: my route", False)  # no line counting the file
    assert "Body" not in photo
    status, body, headers = await fetch(local(wa, photo["MediaUrl"]))
    assert (status, body) == (200, PNG)
    assert headers["Content-Type"] == "image/png"
    assert headers["Content-Length"] == str(len(PNG))
    status, body, headers = await fetch(local(wa, photo["MediaUrl"]), "HEAD")  # Twilio checks the type
    assert (status, headers["Content-Type"], headers["Content-Length"]) == (200, "image/png", str(len(PNG)))
    assert not any("MediaUrl" in form for form in to(wa, ANA))  # no echo to the writer


async def test_a_pdf_goes_as_a_document(wa: WhatsAppHarness) -> None:
    await in_circle(wa, ANA, BEA)
    await send_file(wa, PDF, "application/pdf", text="the map")
    document = to(wa, BEA)[-1]
    status, body, headers = await fetch(local(wa, document["MediaUrl"]))
    assert (status, body, headers["Content-Type"]) == (200, PDF, "application/pdf")


async def test_a_tampered_or_expired_link_is_refused(wa: WhatsAppHarness) -> None:
    await in_circle(wa, ANA, BEA)
    await send_file(wa, PNG, "image/png")
    url = local(wa, to(wa, BEA)[-1]["MediaUrl"])
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    base = f"{parts.scheme}://{parts.netloc}"
    key = parts.path.removeprefix("/media/")
    other = hashlib.sha256(b"another file").hexdigest() + ".png"
    flipped = query["s"][:-1] + ("0" if query["s"][-1] != "0" else "1")
    refused = {
        "signature changed": (f"{base}/media/{key}?e={query['e']}&s={flipped}", 403),
        "expiry moved later": (f"{base}/media/{key}?e={int(query['e']) + 3600}&s={query['s']}", 403),
        "another key": (f"{base}/media/{other}?e={query['e']}&s={query['s']}", 403),
        "no signature": (f"{base}/media/{key}?e={query['e']}", 403),
        "no expiry": (f"{base}/media/{key}?s={query['s']}", 403),
        "a path": (f"{base}/media/..%2F..%2Fcircles.db?e={query['e']}&s={query['s']}", 404),
        "a dotted key": (f"{base}/media/{key}%2F..?e={query['e']}&s={query['s']}", 404),
    }
    for why, (bad, expected) in refused.items():
        status, body, _ = await fetch(bad)
        assert (why, status, body) == (why, expected, b""), why
    assert (await fetch(url))[0] == 200
    wa.clock.advance(hours=12, seconds=1)
    assert (await fetch(url))[0] == 403  # expired


async def test_a_signed_link_to_a_file_no_longer_kept_is_not_found(wa: WhatsAppHarness) -> None:
    key = hashlib.sha256(b"never kept").hexdigest() + ".png"
    assert (await fetch(local(wa, wa.adapter.links.url(key))))[0] == 404


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (GIF, "image/gif"),  # kept by the bot ([media] types), but no type WhatsApp takes
        (PNG + bytes(5 * 1024 * 1024), "image/png"),  # over WhatsApp's 5 MB for an image
    ],
    ids=["unsupported type", "too large"],
)
async def test_a_file_whatsapp_cannot_carry_goes_as_the_line(
    wa: WhatsAppHarness, data: bytes, kind: str
) -> None:
    await in_circle(wa, ANA, BEA)
    await send_file(wa, data, kind)
    assert to(wa, BEA)[-1]["Body"] == "Ana #1: my route\n📎 1 file"
    assert not any("MediaUrl" in form for form in wa.fake.accepted)
    post = next(d for d in wa.console.sent if d.channel == "runners")
    assert len(post.reply.files) == 1  # the bridged channel still gets the file itself


async def test_without_a_public_url_the_files_go_as_the_line(wa: WhatsAppHarness) -> None:
    await in_circle(wa, ANA, BEA)
    wa.adapter.messenger.links = None
    await send_file(wa, PNG, "image/png")
    assert to(wa, BEA)[-1]["Body"] == "Ana #1: my route\n📎 1 file"
    assert not any("MediaUrl" in form for form in wa.fake.accepted)


async def test_a_file_no_longer_in_the_media_store_goes_as_the_line(wa: WhatsAppHarness) -> None:
    await in_circle(wa, ANA)
    kept = hashlib.sha256(PNG).hexdigest() + ".png"
    wa.adapter.media.folder.mkdir(parents=True, exist_ok=True)
    (wa.adapter.media.folder / kept).write_bytes(PNG)
    gone = hashlib.sha256(b"removed since").hexdigest() + ".png"
    reply = Reply("two photos\n📎 2 files", files=(kept, gone), files_note="📎 2 files")
    await wa.send("", MessageKind.REPLY, to=ANA, reply=reply)
    await settle(wa)
    assert [form.get("Body") for form in to(wa, ANA)][-1] == "two photos\n📎 2 files"  # neither file
    assert not any("MediaUrl" in form for form in wa.fake.accepted)


async def test_several_files_go_one_a_message_after_the_text(wa: WhatsAppHarness) -> None:
    await in_circle(wa, ANA)
    wa.adapter.media.folder.mkdir(parents=True, exist_ok=True)
    keys = (hashlib.sha256(PNG).hexdigest() + ".png", hashlib.sha256(PDF).hexdigest() + ".pdf")
    for key, data in zip(keys, (PNG, PDF), strict=True):
        (wa.adapter.media.folder / key).write_bytes(data)
    reply = Reply("our routes\n📎 2 files", files=keys, files_note="📎 2 files")
    await wa.send("", MessageKind.REPLY, to=ANA, reply=reply)
    await settle(wa)
    text, first, second = to(wa, ANA)[-3:]
    assert text["Body"] == "our routes" and "MediaUrl" not in text
    assert [(await fetch(local(wa, f["MediaUrl"])))[1] for f in (first, second)] == [PNG, PDF]


async def test_a_restart_between_the_outbox_and_the_send_still_sends_the_media_once(
    tmp_path: Path, clock: FakeClock, fake: FakeTwilio
) -> None:
    database = tmp_path / "media.db"
    store = await Store.open(database, "test")
    async with whatsapp_harness(store, clock, fake, MEDIA_COMMUNITY, start=True) as wa:
        await in_circle(wa, ANA, BEA)
        sid = "SM" + "e" * 32
        url = fake.media_url(sid, PNG, "image/png")
        form = wa.form("my route", ANA, sid=sid, NumMedia="1", MediaUrl0=url, MediaContentType0="image/png")
        assert (await wa.post("/twilio/whatsapp", form))[0] == 200
        await wa.core.settle()  # written to the outbox; the bot stops before the worker sends it
        assert not any("my route" in form.get("Body", "") for form in to(wa, BEA))
    await store.close()
    store = await Store.open(database, "test")
    async with whatsapp_harness(store, clock, fake, MEDIA_COMMUNITY, start=True) as wa:
        await wa.core.resume()
        assert (await wa.post("/twilio/whatsapp", form))[0] == 200  # Twilio retries the webhook too
        await settle(wa)
        relayed = [f for f in to(wa, BEA) if f.get("Body") == "Ana #1: my route" or "MediaUrl" in f]
        assert [f.get("Body") for f in relayed] == ["Ana #1: my route", None]
        assert (await fetch(local(wa, relayed[1]["MediaUrl"])))[1] == PNG
    await store.close()


async def test_a_file_twilio_took_before_its_record_was_lost_is_not_sent_again(
    tmp_path: Path, clock: FakeClock, fake: FakeTwilio, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = tmp_path / "media.db"
    store = await Store.open(database, "test")
    async with whatsapp_harness(store, clock, fake, MEDIA_COMMUNITY, start=True) as wa:
        await in_circle(wa, ANA, BEA)
        recorded = store.outbox.part_sent

        async def lost(row_id: int, part: int, sid: str, status: str, now: Any) -> None:
            if part == 2:  # the file: Twilio took it, the database could not record it
                raise OSError("disk I/O error")
            await recorded(row_id, part, sid, status, now)

        monkeypatch.setattr(store.outbox, "part_sent", lost)
        monkeypatch.setattr("bot.whatsapp.sender.RECORD_RETRIES", (0.0,))
        await send_file(wa, PNG, "image/png")
        monkeypatch.undo()
        assert [f.get("Body") for f in to(wa, BEA)][-2:] == ["Ana #1: my route", None]
        row = next(r for r in await wa.rows() if r["recipient"] == BEA and r["parts_total"] == 2)
        assert (row["state"], row["parts_sent"]) == ("sending", 1)
    await store.close()
    store = await Store.open(database, "test")
    async with whatsapp_harness(store, clock, fake, MEDIA_COMMUNITY, start=True) as wa:
        await wa.adapter.worker.start()  # asks Twilio what it took: the file, without a body
        await wa.adapter.worker.stop()
        again = next(r for r in await wa.rows() if r["id"] == row["id"])
        assert (again["state"], again["parts_sent"]) == ("sent", 2)
        assert sum("MediaUrl" in f for f in to(wa, BEA)) == 1
    await store.close()


async def test_a_file_twilio_never_took_before_a_crash_is_sent_once_after_the_restart(
    tmp_path: Path, clock: FakeClock, fake: FakeTwilio, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = tmp_path / "media.db"
    store = await Store.open(database, "test")
    async with whatsapp_harness(store, clock, fake, MEDIA_COMMUNITY, start=True) as wa:
        await in_circle(wa, ANA, BEA)
        api = wa.adapter.worker.api
        sending = api.send

        async def stuck(*args: Any, media_url: str | None = None, **kwargs: Any) -> Any:
            if media_url is not None:  # the process ends here, before the file's request goes out
                await asyncio.Event().wait()
            return await sending(*args, media_url=media_url, **kwargs)

        monkeypatch.setattr(api, "send", stuck)
        sid = "SM" + "d" * 32
        url = fake.media_url(sid, PNG, "image/png")
        form = wa.form("my route", ANA, sid=sid, NumMedia="1", MediaUrl0=url, MediaContentType0="image/png")
        assert (await wa.post("/twilio/whatsapp", form))[0] == 200
        await wa.core.settle()
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(wa.flush(), 1.0)
        monkeypatch.undo()
        row = next(r for r in await wa.rows() if r["recipient"] == BEA and r["parts_total"] == 2)
        assert (row["state"], row["parts_sent"]) == ("sending", 1)
    await store.close()
    store = await Store.open(database, "test")
    async with whatsapp_harness(store, clock, fake, MEDIA_COMMUNITY, start=True) as wa:
        await wa.adapter.worker.start()  # Twilio has no such file: its loop sends it again
        try:
            for _ in range(500):
                if any("MediaUrl" in f for f in to(wa, BEA)):
                    break
                await asyncio.sleep(0.01)
        finally:
            await wa.adapter.worker.stop()
        relayed = [f for f in to(wa, BEA) if f.get("Body") == "Ana #1: my route" or "MediaUrl" in f]
        assert [f.get("Body") for f in relayed] == ["Ana #1: my route", None]
        assert (await fetch(local(wa, relayed[1]["MediaUrl"])))[1] == PNG
    await store.close()


async def test_when_whatsapp_refuses_the_text_the_template_says_how_many_files_came(
    wa: WhatsAppHarness,
) -> None:
    await in_circle(wa, ANA, BEA)
    wa.fake.fail_next(63016)  # the window closed on WhatsApp's side before the bot knew
    await send_file(wa, PNG, "image/png")
    template = to(wa, BEA)[-1]
    assert template["ContentSid"] == CIRCLE_COMMUNITY["whatsapp"]["templates"]["circle"]
    assert "MediaUrl" not in template
    assert json.loads(template["ContentVariables"]) == {"1": "Ana #1: my route 📎 1 file"}
