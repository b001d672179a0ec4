"""A message with a teaser (the newsletter's summary line): the text inside the 24-hour window, the teaser
in the kind's template outside it."""

from __future__ import annotations

import json

from handlers.delivery import MessageKind
from handlers.models import Reply
from tests.bot.whatsapp.conftest import NOTICE_SID, WhatsAppHarness

ISSUE = Reply(
    "📰 Test Club · newsletter #1\n\n👋 New in the community\n• Welcome to @ana!", teaser="Issue 1. Send NEWS"
)


async def test_inside_the_window_the_whole_text_outside_it_the_teaser_in_the_template(
    wa: WhatsAppHarness,
) -> None:
    await wa.say("JOIN")
    await wa.flush()
    await wa.send("", MessageKind.NOTICE, reply=ISSUE)
    await wa.flush()
    assert wa.fake.accepted[-1]["Body"].startswith("📰 Test Club · newsletter #1\n\n👋 New in the community")
    wa.clock.advance(hours=25)
    await wa.send("", MessageKind.NOTICE, reply=ISSUE)
    await wa.flush()
    template = wa.fake.accepted[-1]
    assert template["ContentSid"] == NOTICE_SID and "Body" not in template
    assert json.loads(template["ContentVariables"]) == {"1": "Issue 1. Send NEWS"}


async def test_when_whatsapp_refuses_the_text_outside_its_window_the_template_carries_the_teaser(
    wa: WhatsAppHarness,
) -> None:
    await wa.say("JOIN")
    await wa.flush()
    wa.fake.fail_next(63016)  # the window closed on WhatsApp's side before ours
    await wa.send("", MessageKind.NOTICE, reply=ISSUE)
    await wa.flush()
    await wa.flush()
    template = wa.fake.accepted[-1]
    assert template["ContentSid"] == NOTICE_SID and "Body" not in template
    assert json.loads(template["ContentVariables"]) == {"1": "Issue 1. Send NEWS"}
