"""Signed requests posted to the real aiohttp app, as Twilio sends them."""

from __future__ import annotations

from bot.formats import TEXTS
from bot.whatsapp.inbound import parse_inbound
from bot.whatsapp.webhook import EMPTY_TWIML
from handlers.delivery import MessageKind
from handlers.models import Attachment, Identity
from tests.bot.whatsapp.conftest import ANA, BOT_NUMBER, PUBLIC, WhatsAppHarness, sign
from tests.bot.whatsapp.fake_twilio import ACCOUNT_SID

DEFAULT_WORDING = TEXTS.translator("en")("consent.default_wording")


async def nothing_stored(wa: WhatsAppHarness) -> bool:
    members = await wa.store.db.fetch_one("SELECT count(*) FROM members")
    windows = await wa.store.db.fetch_one("SELECT count(*) FROM whatsapp_windows")
    inbox = await wa.store.db.fetch_one("SELECT count(*) FROM inbox")
    return members[0] == windows[0] == inbox[0] == 0 and await wa.rows() == []  # type: ignore[index]


async def test_a_signed_join_is_answered_through_the_api_with_the_exact_fields(wa: WhatsAppHarness) -> None:
    status, body = await wa.post("/twilio/whatsapp", wa.form("JOIN"))
    assert (status, body) == (200, EMPTY_TWIML)
    assert await wa.flush() == 2
    assert wa.fake.refused == []
    welcome, consent = wa.fake.accepted
    assert welcome == {
        "To": ANA,
        "From": BOT_NUMBER,
        "Body": "Welcome to Test Club, Ana! Send HELP to see what you can do.\n"
        "Others can mention you as @ana.",
        "StatusCallback": PUBLIC + "/twilio/status",
    }
    assert consent["Body"] == DEFAULT_WORDING  # after the welcome, though the core queued it first
    member = await wa.store.members.by_identity(Identity.parse(ANA))
    assert member is not None and member.display_name == "Ana"
    assert [r["state"] for r in await wa.rows()] == ["sent", "sent"]


async def test_wrong_missing_or_misdirected_signatures_get_403_and_nothing_is_stored(
    wa: WhatsAppHarness,
) -> None:
    form = wa.form("JOIN")
    assert (await wa.post("/twilio/whatsapp", form, signature=None))[0] == 403
    assert (await wa.post("/twilio/whatsapp", form, signature="bm90IGEgc2lnbmF0dXJl"))[0] == 403
    local_url = wa.local + "/twilio/whatsapp"  # signed for another URL than the public one
    assert (await wa.post("/twilio/whatsapp", form, url=local_url))[0] == 403
    tampered = dict(form, Body="STOP")
    assert (await wa.post("/twilio/whatsapp", tampered, signature=sign(PUBLIC + "/twilio/whatsapp", form)))[
        0
    ] == 403
    other_token = sign(PUBLIC + "/twilio/whatsapp", form, token="someone-elses-token")
    assert (await wa.post("/twilio/whatsapp", form, signature=other_token))[0] == 403
    assert await nothing_stored(wa)
    assert await wa.flush() == 0 and wa.fake.calls == 0


async def test_a_retried_message_sid_is_acknowledged_and_has_no_second_effect(wa: WhatsAppHarness) -> None:
    form = wa.form("JOIN")
    assert (await wa.post("/twilio/whatsapp", form))[0] == 200
    assert (await wa.post("/twilio/whatsapp", form))[0] == 200  # Twilio retried after a timeout
    await wa.flush()
    assert len(wa.bodies()) == 2  # welcome + consent note, once
    retry_after_send = await wa.post("/twilio/whatsapp", form)
    assert retry_after_send[0] == 200
    assert await wa.flush() == 0
    count = await wa.store.db.fetch_one("SELECT count(*) FROM members")
    assert count is not None and count[0] == 1


async def test_a_form_that_is_not_from_whatsapp_is_refused_with_400(wa: WhatsAppHarness) -> None:
    sms = wa.form("JOIN", sender="+15550001234")
    status, text = await wa.post("/twilio/whatsapp", sms)
    assert (status, text) == (400, "From is not a WhatsApp address (whatsapp:+E164)")
    no_sid = wa.form("JOIN")
    del no_sid["MessageSid"]
    assert (await wa.post("/twilio/whatsapp", no_sid))[0] == 400
    assert await nothing_stored(wa)


async def test_an_unknown_command_gets_one_line_and_choices_as_numbered_lines(wa: WhatsAppHarness) -> None:
    await wa.say("JION")
    await wa.flush()
    assert wa.bodies() == ["I don't know “JION”. Did you mean JOIN?\n1. JOIN"]
    await wa.say("1")
    await wa.flush()
    assert wa.bodies()[1].startswith("Welcome to Test Club, Ana!")


async def test_media_and_button_payloads_are_read() -> None:
    form = {
        "MessageSid": "MM" + "1" * 32,
        "From": ANA,
        "WaId": "15550001234",
        "ProfileName": "  Ana   María ",
        "Body": "Yes please",
        "ButtonPayload": "JOIN",
        "NumMedia": "2",
        "MediaUrl0": "https://api.twilio.com/media/1",
        "MediaContentType0": "image/jpeg",
        "MediaUrl1": "https://api.twilio.com/media/2",
        "MediaContentType1": "video/mp4",
    }
    inbound = parse_inbound(form)
    assert inbound.text == "JOIN"
    assert inbound.display_name == "Ana María"
    assert inbound.attachments == (
        Attachment("https://api.twilio.com/media/1", "image/jpeg"),
        Attachment("https://api.twilio.com/media/2", "video/mp4"),
    )
    assert parse_inbound({**form, "NumMedia": "x", "ButtonPayload": ""}).attachments == ()
    assert parse_inbound({**form, "ButtonPayload": ""}).text == "Yes please"


async def test_a_photo_without_text_gets_a_hint(wa: WhatsAppHarness) -> None:
    form = wa.form("", NumMedia="1", MediaUrl0="https://api.twilio.com/m/1", MediaContentType0="image/png")
    assert (await wa.post("/twilio/whatsapp", form))[0] == 200
    await wa.flush()
    assert wa.bodies() == ["Send HELP to see what I can do."]


async def test_status_callbacks_are_signed_and_recorded_by_message_sid(wa: WhatsAppHarness) -> None:
    await wa.say("HELP")
    await wa.flush()
    sid = (await wa.store.outbox.sends(1))[0][0]
    callback = {"MessageSid": sid, "MessageStatus": "delivered", "AccountSid": ACCOUNT_SID, "To": ANA}
    assert (await wa.post("/twilio/status", callback, signature=None))[0] == 403
    assert (await wa.post("/twilio/status", callback))[0] == 200
    assert await wa.store.outbox.sends(1) == [(sid, "delivered", None)]
    late_sent = dict(callback, MessageStatus="sent")  # arrives after "delivered": ignored
    assert (await wa.post("/twilio/status", late_sent))[0] == 200
    assert await wa.store.outbox.sends(1) == [(sid, "delivered", None)]
    unknown = dict(callback, MessageSid="SM" + "f" * 32)
    assert (await wa.post("/twilio/status", unknown))[0] == 200


async def test_a_63016_reported_by_status_callback_falls_back_to_the_template(wa: WhatsAppHarness) -> None:
    await wa.say("JOIN")
    await wa.flush()
    await wa.send("Your order shipped", MessageKind.NOTICE)
    await wa.flush()
    sid = wa.adapter.store.outbox
    row_id = (await wa.rows())[-1]["id"]
    send_sid = (await sid.sends(row_id))[0][0]
    failed = {"MessageSid": send_sid, "MessageStatus": "undelivered", "ErrorCode": "63016"}
    assert (await wa.post("/twilio/status", failed))[0] == 200
    assert (await wa.post("/twilio/status", failed))[0] == 200  # twice: still one fallback
    await wa.flush()
    template = wa.fake.accepted[-1]
    assert template["ContentSid"].startswith("HX") and "Body" not in template
    assert [r["retry_of"] for r in await wa.rows()].count(row_id) == 1


async def test_a_signature_over_the_url_with_its_port_is_accepted_and_a_strange_one_refused(
    wa: WhatsAppHarness,
) -> None:
    form = wa.form("JOIN")
    with_port = sign("https://bot.example.com:443/twilio/whatsapp", form)  # Twilio signs either form
    assert (await wa.post("/twilio/whatsapp", form, signature=with_port))[0] == 200
    other = wa.form("HELP")
    assert (await wa.post("/twilio/whatsapp", other, signature="é" * 28))[0] == 403
    assert (await wa.post("/twilio/whatsapp", other, signature=sign(PUBLIC + "/twilio/whatsapp", other)))[
        0
    ] == 200
