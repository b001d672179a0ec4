"""How each message may go out: the 24-hour window, templates per kind, consent, long texts, choices."""

from __future__ import annotations

import json

from bot.whatsapp.outbound import BODY_LIMIT, split_text, template_variables
from handlers.models import Choice, Identity, Outgoing, Reply
from tests.bot.whatsapp.conftest import ANA, NEWSLETTER_SID, NOTICE_SID, WhatsAppHarness

TO = Identity.parse(ANA)


def proactive(text: str, kind: str) -> Outgoing:
    return Outgoing(Reply(text), to=TO, kind=kind)


async def joined(wa: WhatsAppHarness) -> None:
    await wa.say("JOIN")
    await wa.flush()
    wa.fake.accepted.clear()


async def test_inside_the_window_free_text_outside_only_the_kinds_template(wa: WhatsAppHarness) -> None:
    await joined(wa)
    wa.clock.advance(hours=23)
    await wa.adapter.messenger.deliver(proactive("Your RSVP is confirmed", "notice"))
    await wa.flush()
    assert wa.fake.accepted[-1]["Body"] == "Your RSVP is confirmed"
    wa.clock.advance(hours=2)  # 25 h after the last message from Ana
    await wa.adapter.messenger.deliver(proactive("This week:\nnew members,\n\ttop posts", "newsletter"))
    await wa.adapter.messenger.deliver(proactive("The session starts in 1 h", "reminder"))
    await wa.flush()
    template = wa.fake.accepted[-1]
    assert set(template) == {"To", "From", "ContentSid", "ContentVariables", "StatusCallback"}  # no Body
    assert template["ContentSid"] == NEWSLETTER_SID
    assert json.loads(template["ContentVariables"]) == {"1": "This week: new members, top posts"}
    rows = await wa.rows()
    assert (rows[-1]["kind"], rows[-1]["state"]) == ("reminder", "skipped")
    assert rows[-1]["note"] == (
        "outside the 24-hour window and no template is configured for kind 'reminder' ([whatsapp.templates])"
    )
    assert len(wa.fake.accepted) == 2  # the reminder was never sent
    await wa.say("HELP")  # Ana writes again: the window reopens
    await wa.adapter.messenger.deliver(proactive("The session starts in 1 h", "reminder"))
    await wa.flush()
    assert wa.fake.accepted[-1]["Body"] == "The session starts in 1 h"


async def test_nothing_proactive_without_consent_and_nothing_after_stop(wa: WhatsAppHarness) -> None:
    stranger = Identity.parse("whatsapp:+15550007777")
    await wa.say("HELP", sender=str(stranger))  # writes, so inside the window, but never opted in
    await wa.adapter.messenger.deliver(Outgoing(Reply("News!"), to=stranger, kind="newsletter"))
    await joined(wa)
    await wa.say("STOP")
    await wa.adapter.messenger.deliver(proactive("Your RSVP is confirmed", "notice"))
    await wa.flush()
    assert [b for b in wa.bodies() if "RSVP" in b] == []
    skipped = [(r["recipient"], r["note"]) for r in await wa.rows() if r["state"] == "skipped"]
    assert skipped == [
        (str(stranger), "never opted in: not sent"),
        (ANA, "opted out with STOP: not sent"),
    ]
    assert wa.bodies()[-1].startswith("Done: Test Club will send you nothing more here")  # replies still go
    await wa.say("START")
    await wa.adapter.messenger.deliver(proactive("Your RSVP is confirmed", "notice"))
    await wa.flush()
    assert wa.bodies()[-1] == "Your RSVP is confirmed"


async def test_long_texts_are_split_in_order_and_choices_are_numbered(wa: WhatsAppHarness) -> None:
    await joined(wa)
    paragraphs = [f"Paragraph {n}: " + "word " * 120 for n in range(12)]  # about 7,300 characters
    text = "\n\n".join(p.strip() for p in paragraphs)
    await wa.adapter.messenger.deliver(proactive(text, "notice"))
    await wa.adapter.messenger.deliver(
        Outgoing(
            Reply("Pick one", choices=(Choice("Yes", "JOIN"), Choice("No", "HELP"))), to=TO, kind="notice"
        )
    )
    await wa.flush()
    bodies = wa.bodies()
    assert all(len(b) <= BODY_LIMIT for b in bodies)
    *parts, last = bodies
    assert len(parts) == 6  # two whole paragraphs (about 1,230 characters) per message
    assert all(part.startswith("Paragraph ") for part in parts)
    assert "\n\n".join(parts) == text
    assert last == "Pick one\n1. Yes\n2. No"
    rows = await wa.rows()
    assert (rows[-2]["parts_total"], rows[-2]["parts_sent"], rows[-2]["state"]) == (6, 6, "sent")
    assert len(await wa.store.outbox.sends(rows[-2]["id"])) == 6


def test_split_text_cuts_between_words_and_keeps_every_character_of_a_single_long_word() -> None:
    assert split_text("short") == ["short"]
    words = split_text("abc " * 1000, limit=100)
    assert all(len(p) <= 100 for p in words) and " ".join(words) == ("abc " * 1000).strip()
    blob = "x" * 250
    assert split_text(blob, limit=100) == ["x" * 100, "x" * 100, "x" * 50]


def test_template_variables_are_one_line_and_bounded() -> None:
    value = json.loads(template_variables("a\n\nb    c\t" + "z" * 2000))["1"]
    assert value.startswith("a b c z") and "\n" not in value and len(value) == 900 and value.endswith("…")


async def test_messages_for_other_platforms_are_not_sent_as_whatsapp(wa: WhatsAppHarness) -> None:
    await wa.adapter.messenger.deliver(Outgoing(Reply("hi"), to=Identity.parse("console:bob"), kind="notice"))
    await wa.adapter.messenger.deliver(Outgoing(Reply("hi"), channel="announcements", kind="announcement"))
    assert await wa.rows() == []


async def test_the_configured_notice_template_is_used_for_notices(wa: WhatsAppHarness) -> None:
    await joined(wa)
    wa.clock.advance(days=2)
    await wa.adapter.messenger.deliver(proactive("@bob thanked you", "notice"))
    await wa.flush()
    assert wa.fake.accepted[-1]["ContentSid"] == NOTICE_SID
