"""Hostile Twilio webhooks (property-based), posted over HTTP to the real aiohttp app on 127.0.0.1: every
field of the form (Body, From, ProfileName, MessageSid, NumMedia and MediaUrlN) huge, empty or garbled,
invalid UTF-8 on the wire, and forged, misdirected or replayed signatures. The webhook answers 200, 400 or
403 (never an error that makes Twilio retry forever), an unsigned request stores nothing, a replay has no
second effect, the member never reads the internal-error apology, and every text stored is inert."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator
from itertools import count
from pathlib import Path
from urllib.parse import quote, quote_from_bytes, unquote

import aiohttp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storage.store import Store
from tests.bot.whatsapp.conftest import PUBLIC, WhatsAppHarness, sign
from tests.bot.whatsapp.fake_twilio import FakeTwilio
from tests.fakes import FakeClock
from tests.permissions._matrix import COMMUNITY, RULES, SORRY
from tests.permissions._whatsapp import WEBHOOK, fake_twilio, whatsapp_on
from tests.test_hostile_input import EXAMPLES, HUGE, WORDS, Failures, check_inert

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

SENDERS = ("whatsapp:+15550001234", "whatsapp:+33612345678", "whatsapp:+15550009999")
"""A member, a newcomer, a moderator."""
_sids = count(1)

READABLE = st.characters(exclude_categories=["Cs"])  # a form is UTF-8 on the wire: no lone surrogates in it
TEXT = st.one_of(
    st.sampled_from([w for w in WORDS if all(not 0xD800 <= ord(c) <= 0xDFFF for c in w)]),
    st.text(READABLE, max_size=30),
    st.lists(st.sampled_from(WORDS[:60]), max_size=6).map(" ".join),
    st.integers(-(10**20), 10**20).map(str),
    HUGE,
)
COMMANDS = st.sampled_from(
    ["JOIN", "AGREE", "THANKS @", "FEEDBACK", "SUBMIT 1", "VOTE 1", "AWARD @", "INTRO"]
)
BODY = st.one_of(TEXT, st.tuples(COMMANDS, TEXT).map(" ".join))
SENDER = st.one_of(
    st.sampled_from(SENDERS),
    st.sampled_from(
        ["whatsapp:", "whatsapp:+", "whatsapp:+1", "whatsapp:+١٢٣٤٥٦٧٨", "whatsapp:abc", "+1555"]
    ),
    st.text(READABLE, max_size=20).map(lambda s: "whatsapp:" + s),
)
SID = st.one_of(st.builds(lambda: f"SM{next(_sids):032x}"), TEXT)
MEDIA_URL = st.sampled_from(
    ["", "file:///etc/passwd", "javascript:alert(1)", "http://127.0.0.1:9/none", "//127.0.0.1:9/x",
     "not a url", "http://[::1", "http://127.0.0.1:9/" + "x" * 5000, "ftp://127.0.0.1/x"]
)  # fmt: skip


@st.composite
def forms(draw: st.DrawFn) -> dict[str, str]:
    form = {
        "MessageSid": draw(SID),
        "AccountSid": draw(st.sampled_from(["AC" + "0" * 32, ""])),
        "From": draw(SENDER),
        "To": "whatsapp:+14155238886",
        "ProfileName": draw(TEXT),
        "Body": draw(BODY),
        "NumMedia": draw(st.one_of(st.integers(-3, 10**12).map(str), TEXT)),
    }
    for n in range(draw(st.integers(0, 3))):
        form[f"MediaUrl{n}"] = draw(MEDIA_URL)
        form[f"MediaContentType{n}"] = draw(st.sampled_from(["image/jpeg", "text/html", "", "x" * 300]))
    if draw(st.booleans()):
        form["ButtonPayload"] = draw(TEXT)
    return form


SIGNATURES = ("valid", "missing", "forged", "other token", "other url", "tampered", "replayed")


@pytest.fixture
async def fake() -> AsyncIterator[FakeTwilio]:
    async with fake_twilio() as server:
        yield server


@pytest.fixture
async def wa(store: Store, clock: FakeClock, fake: FakeTwilio) -> AsyncIterator[WhatsAppHarness]:
    community = {"community": {"name": COMMUNITY, "timezone": "Europe/Paris"}}
    async with whatsapp_on(store, clock, fake, community) as harness:
        yield harness


@pytest.fixture
def failures() -> Iterator[Failures]:
    handler = Failures()
    logging.getLogger().addHandler(handler)
    yield handler
    logging.getLogger().removeHandler(handler)


class Harness:
    """The adapter opened once for all the examples, on one loop."""

    def __init__(self, runner: asyncio.Runner, path: Path) -> None:
        self.runner = runner
        self.store = runner.run(Store.open(path, "test"))
        self._twilio = fake_twilio()
        self.fake = runner.run(self._twilio.__aenter__())
        community = {
            "community": {"name": COMMUNITY, "timezone": "Europe/Paris"},
            "roles": {"moderators": [SENDERS[2]]},
            "onboarding": RULES,
        }
        self._wa = whatsapp_on(self.store, FakeClock(), self.fake, community)
        self.wa: WhatsAppHarness = runner.run(self._wa.__aenter__())

    def close(self) -> None:
        self.runner.run(self._wa.__aexit__(None, None, None))
        self.runner.run(self._twilio.__aexit__(None, None, None))
        self.runner.run(self.store.close())

    async def counts(self) -> tuple[int, ...]:
        found = []
        for table in ("members", "inbox", "intake", "outbox"):
            row = await self.store.db.fetch_one(f"SELECT count(*) FROM {table}")
            assert row is not None
            found.append(row[0])
        return tuple(found)

    async def post_raw(self, body: bytes, signature: str | None) -> int:
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if signature is not None:
            headers["X-Twilio-Signature"] = signature
        async with (
            aiohttp.ClientSession() as http,
            http.post(self.wa.local + WEBHOOK, data=body, headers=headers) as r,
        ):
            status = r.status
        await self.wa.adapter.intake.idle()
        return status

    async def settled(self) -> None:
        await self.wa.adapter.intake.idle()
        await self.wa.core.settle()
        await self.wa.flush()


def signature_for(mode: str, form: dict[str, str]) -> tuple[dict[str, str], str | None]:
    """The form as posted and its X-Twilio-Signature, by how the request is forged."""
    url = PUBLIC + WEBHOOK
    if mode == "missing":
        return form, None
    if mode == "forged":
        return form, "bm90IGEgc2lnbmF0dXJl"
    if mode == "other token":
        return form, sign(url, form, token="someone-elses-token")
    if mode == "other url":
        return form, sign("https://evil.example.com" + WEBHOOK, form)
    if mode == "tampered":
        return {**form, "Body": form["Body"] + " AWARD"}, sign(url, form)
    return form, sign(url, form)


def test_hostile_webhook_forms_are_answered_safely_and_store_nothing_unsigned(
    tmp_path: Path, failures: Failures
) -> None:
    with asyncio.Runner() as runner:
        h = Harness(runner, tmp_path / "webhook.db")
        try:

            @EXAMPLES
            @given(forms(), st.sampled_from(SIGNATURES))
            def answered(form: dict[str, str], mode: str) -> None:
                failures.records.clear()
                before = runner.run(h.counts())
                seen = len(h.fake.accepted)
                posted, signature = signature_for(mode, form)
                status, _ = runner.run(h.wa.post(WEBHOOK, posted, signature=signature))
                runner.run(h.settled())
                if mode not in ("valid", "replayed"):
                    assert status == 403
                    assert runner.run(h.counts()) == before
                    return
                assert status in (200, 400)
                if mode == "replayed":
                    after, sent = runner.run(h.counts()), len(h.fake.accepted)
                    again, _ = runner.run(h.wa.post(WEBHOOK, posted, signature=signature))
                    runner.run(h.settled())
                    assert again == status
                    assert (runner.run(h.counts()), len(h.fake.accepted)) == (after, sent)
                assert SORRY not in [m.get("Body") for m in h.fake.accepted[seen:]]
                assert failures.records == []

            answered()
            check_inert(runner, h.store, h.wa.console.sent)
        finally:
            h.close()


def test_invalid_utf8_on_the_wire_is_answered_without_an_error(tmp_path: Path, failures: Failures) -> None:
    """Bytes that are no UTF-8, percent-encoded (as a form should be) or raw, signed as the bot reads them."""
    with asyncio.Runner() as runner:
        h = Harness(runner, tmp_path / "utf8.db")
        try:

            @EXAMPLES
            @given(st.binary(max_size=40), st.booleans(), st.booleans())
            def answered(body: bytes, encoded: bool, signed: bool) -> None:
                failures.records.clear()
                sid = f"SM{next(_sids):032x}"
                fields = {
                    "MessageSid": sid,
                    "From": SENDERS[0],
                    "To": "whatsapp:+14155238886",
                    "NumMedia": "0",
                }
                wire = "&".join(f"{k}={quote(v)}" for k, v in fields.items()).encode()
                wire += b"&Body=" + (quote_from_bytes(body).encode() if encoded else body)
                read = {**fields, "Body": unquote(quote_from_bytes(body), errors="replace")}
                signature = sign(PUBLIC + WEBHOOK, read) if signed else None
                status = runner.run(h.post_raw(wire, signature))
                runner.run(h.settled())
                assert status in (200, 400, 403)
                assert failures.records == []

            answered()
            check_inert(runner, h.store, h.wa.console.sent)
        finally:
            h.close()


def test_a_members_message_with_hostile_media_fields_is_answered_without_an_error(
    tmp_path: Path, failures: Failures
) -> None:
    """Signed and from a member, so that the media are looked at: counts out of range, URLs that are no
    download (other schemes, no host, closed ports on 127.0.0.1), types that are no media."""
    with asyncio.Runner() as runner:
        h = Harness(runner, tmp_path / "media.db")
        try:
            for text in ("JOIN", "AGREE"):
                runner.run(h.wa.say(text, SENDERS[0]))

            @settings(EXAMPLES, max_examples=60)
            @given(st.sampled_from(["SUBMIT 1 my photo", "FEEDBACK look", "hello"]), st.data())
            def answered(body: str, data: st.DataObject) -> None:
                failures.records.clear()
                form = h.wa.form(body, SENDERS[0])
                form["NumMedia"] = data.draw(st.one_of(st.integers(-3, 12).map(str), TEXT))
                for n in range(data.draw(st.integers(1, 4))):
                    form[f"MediaUrl{n}"] = data.draw(MEDIA_URL)
                    form[f"MediaContentType{n}"] = data.draw(st.sampled_from(["image/jpeg", "", "x" * 300]))
                status, _ = runner.run(h.wa.post(WEBHOOK, form))
                runner.run(h.settled())
                assert status == 200
                assert SORRY not in h.wa.bodies(SENDERS[0])
                assert failures.records == []

            answered()
        finally:
            h.close()


# -- regressions: examples the properties found, kept as they were ---------------------------------------


async def test_a_message_sid_that_is_no_twilio_id_is_refused_and_stores_nothing(wa: WhatsAppHarness) -> None:
    """It was stored as it came, control characters too, into the inbox and the log lines that name it."""
    form = wa.form("JOIN", sid="SM\n2026-12-02 INFO forged log line\x07")
    assert (await wa.post(WEBHOOK, form))[0] == 400
    inbox = await wa.store.db.fetch_one("SELECT count(*) FROM inbox")
    members = await wa.store.db.fetch_one("SELECT count(*) FROM members")
    assert inbox is not None and members is not None and (inbox[0], members[0]) == (0, 0)


async def test_a_form_that_is_no_utf8_is_refused_without_a_server_error(
    wa: WhatsAppHarness, failures: Failures
) -> None:
    """aiohttp could not decode it and the handler failed: a 500 (Twilio retries it) and an error logged,
    for a request anyone can send without a signature."""
    wire = b"MessageSid=SM" + b"1" * 32 + b"&From=whatsapp%3A%2B15550001234&Body=\xff\xfe"
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            wa.local + WEBHOOK,
            data=wire,
            headers={"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": "x"},
        ) as response,
    ):
        assert response.status == 403
    assert failures.records == []


async def test_a_media_url_that_is_no_absolute_url_is_refused_and_the_message_still_answered(
    wa: WhatsAppHarness, failures: Failures
) -> None:
    """The download raised ValueError (yarl: "URL should be absolute"), which the intake logged and dropped:
    the member's message was never answered."""
    await wa.say("JOIN")
    seen = len(wa.bodies())
    form = wa.form(
        "FEEDBACK the lid leaks", NumMedia="1", MediaUrl0="not a url", MediaContentType0="image/jpeg"
    )
    assert (await wa.post(WEBHOOK, form))[0] == 200
    await wa.core.settle()
    await wa.flush()
    assert len(wa.bodies()) > seen
    assert failures.records == []
