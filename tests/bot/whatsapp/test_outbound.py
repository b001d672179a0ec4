"""How each message may go out: the 24-hour window, templates per kind, consent, long texts, choices."""

from __future__ import annotations

import json

from bot.whatsapp.outbound import BODY_LIMIT, split_text, template_variables
from handlers.delivery import MessageKind, Outgoing
from handlers.models import Choice, Identity, Reply
from tests.bot.whatsapp.conftest import ANA, AWARD_SID, NOTICE_SID, WhatsAppHarness

TO = Identity.parse(ANA)


async def joined(wa: WhatsAppHarness) -> None:
    await wa.say("JOIN")
    await wa.flush()
    wa.fake.accepted.clear()


async def test_inside_the_window_free_text_outside_only_the_kinds_template(wa: WhatsAppHarness) -> None:
    await joined(wa)
    wa.clock.advance(hours=23)
    await wa.send("Your reward is on its way", MessageKind.NOTICE)
    await wa.flush()
    assert wa.fake.accepted[-1]["Body"] == "Your reward is on its way"
    wa.clock.advance(hours=2)  # 25 h after the last message from Ana
    await wa.send("You were awarded 20:\ngreat\n\tphotos", MessageKind.AWARD)
    await wa.send("One week with us!", MessageKind.NUDGE)
    await wa.flush()
    template = wa.fake.accepted[-1]
    assert set(template) == {"To", "From", "ContentSid", "ContentVariables", "StatusCallback"}  # no Body
    assert template["ContentSid"] == AWARD_SID
    assert json.loads(template["ContentVariables"]) == {"1": "You were awarded 20: great photos"}
    rows = await wa.rows()
    assert (rows[-1]["kind"], rows[-1]["state"]) == ("nudge", "skipped")
    assert rows[-1]["note"] == (
        "outside the 24-hour window and no template is configured for kind 'nudge' ([whatsapp.templates])"
    )
    assert len(wa.fake.accepted) == 2  # the nudge was never sent
    await wa.say("HELP")  # Ana writes again: the window reopens
    await wa.send("One week with us!", MessageKind.NUDGE)
    await wa.flush()
    assert wa.fake.accepted[-1]["Body"] == "One week with us!"


async def test_nothing_proactive_without_consent_and_nothing_after_stop(wa: WhatsAppHarness) -> None:
    stranger = Identity.parse("whatsapp:+15550007777")
    await wa.say("HELP", sender=str(stranger))  # writes, so inside the window, but never opted in
    await wa.send("You were introduced", MessageKind.INVITATION, to=str(stranger))
    await joined(wa)
    await wa.say("STOP")
    await wa.send("Your reward is on its way", MessageKind.NOTICE)
    await wa.flush()
    assert [b for b in wa.bodies() if "reward" in b] == []
    withheld = [(r["recipient"], r["note"]) for r in await wa.deliveries() if r["state"] == "withheld"]
    assert withheld == [(str(stranger), "never opted in"), (ANA, "opted out with STOP")]
    assert wa.bodies()[-1].startswith("Done: Test Club will send you nothing more here")  # replies still go
    await wa.say("START")
    await wa.send("Your reward is on its way", MessageKind.NOTICE)
    await wa.flush()
    assert wa.bodies()[-1] == "Your reward is on its way"


async def test_long_texts_are_split_in_order_and_choices_are_numbered(wa: WhatsAppHarness) -> None:
    await joined(wa)
    paragraphs = [f"Paragraph {n}: " + "word " * 120 for n in range(12)]  # about 7,300 characters
    text = "\n\n".join(p.strip() for p in paragraphs)
    await wa.send(text, MessageKind.NOTICE)
    choices = (Choice("Yes", "JOIN"), Choice("No", "HELP"))
    await wa.send("", MessageKind.NOTICE, reply=Reply("Pick one", choices=choices))
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
    # A line break near the start is no reason to cut a word: "Hello\n" + "community " * 300 (found).
    parts = split_text("Hello\n" + "community " * 300)
    assert len(parts) == 2 and all(p.endswith("community") for p in parts)
    assert " ".join(parts).replace("\n", " ") == ("Hello " + "community " * 300).strip()
    words = split_text("abc " * 1000, limit=100)
    assert all(len(p) <= 100 for p in words) and " ".join(words) == ("abc " * 1000).strip()
    blob = "x" * 250
    assert split_text(blob, limit=100) == ["x" * 100, "x" * 100, "x" * 50]


def test_template_variables_are_one_line_and_bounded() -> None:
    value = json.loads(template_variables("a\n\nb    c\t" + "z" * 2000))["1"]
    assert value.startswith("a b c z") and "\n" not in value and len(value) == 900 and value.endswith("…")


async def test_messages_for_other_platforms_are_not_sent_as_whatsapp(wa: WhatsAppHarness) -> None:
    await wa.send("hi", MessageKind.REPLY, to="console:bob")
    await wa.core.send([Outgoing(Reply("hi"), channel="announcements")])
    assert await wa.rows() == []
    assert [m.reply.text for m in wa.console.sent] == ["hi", "hi"]  # the console took both


async def test_the_configured_notice_template_is_used_for_notices(wa: WhatsAppHarness) -> None:
    await joined(wa)
    wa.clock.advance(days=2)
    await wa.send("@bob thanked you", MessageKind.NOTICE)
    await wa.flush()
    assert wa.fake.accepted[-1]["ContentSid"] == NOTICE_SID


def test_templates_are_given_per_language_and_picked_by_the_messages_language() -> None:
    import pytest
    from pydantic import ValidationError

    from bot.whatsapp.outbound import template_entry
    from config.whatsapp import WhatsAppCommunity

    fr_sid, en_sid = "HX" + "f" * 32, "HX" + "e" * 32
    section = WhatsAppCommunity.model_validate(
        {"templates": {"notice": {"en": en_sid, "fr": fr_sid}, "award": AWARD_SID}}
    )
    templates = section.template_sids("en")
    assert templates.pick("notice", "fr") == fr_sid
    assert templates.pick("notice", "it") == en_sid  # no Italian one: the community's language
    assert templates.pick("notice", None) == en_sid
    assert templates.pick("award", "it") == AWARD_SID  # one template for every language
    assert templates.pick("nudge", "fr") is None
    entry = template_entry(
        templates, "whatsapp:+15550000000", TO, "notice", "Ta récompense arrive", "why", language="fr"
    )
    assert entry.content_sid == fr_sid
    with pytest.raises(ValidationError, match=r"notice.de: unknown language"):
        WhatsAppCommunity.model_validate({"templates": {"notice": {"de": fr_sid}}})
    with pytest.raises(ValidationError, match=r"notice.fr = 'nope' is not a ContentSid"):
        WhatsAppCommunity.model_validate({"templates": {"notice": {"fr": "nope"}}})


async def test_a_notice_is_marked_with_its_readers_language(wa: WhatsAppHarness) -> None:
    """What a member is sent is written in their language and says so (its template is picked by it)."""
    await joined(wa)
    await wa.say("LANGUE fr")
    await wa.say("JOIN", sender="whatsapp:+15550009999")  # the harness's moderator
    ana = await wa.core.services.members.by_identity(TO)
    assert ana is not None
    await wa.say(f"AWARD @{ana.handle} 5 merci", sender="whatsapp:+15550009999")
    await wa.flush()
    payloads = [json.loads(r["payload"]) for r in await wa.deliveries() if r["kind"] == "award"]
    assert payloads and payloads[-1]["language"] == "fr" and "crédits" in payloads[-1]["text"]


async def test_hand_overs_to_several_members_at_once_keep_each_members_order(wa: WhatsAppHarness) -> None:
    bea = "whatsapp:+15550002222"
    await joined(wa)
    await wa.say("JOIN", sender=bea)
    await wa.flush()
    rows_before = len(await wa.rows())
    messages = [
        Outgoing(Reply(f"{who[-4:]} {n}"), to=Identity.parse(who), kind=MessageKind.NOTICE)
        for n in range(5)
        for who in (ANA, bea)
    ]
    await wa.core.send(messages)  # one dispatch: the hand-overs run side by side
    rows = (await wa.rows())[rows_before:]
    for who in (ANA, bea):
        assert [r["body"] for r in rows if r["recipient"] == who] == [f"{who[-4:]} {n}" for n in range(5)]
    await wa.flush()
    assert [b for b in wa.bodies(bea) if b.startswith("2222")] == [f"2222 {n}" for n in range(5)]
