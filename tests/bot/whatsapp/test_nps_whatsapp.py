"""The NPS question on WhatsApp, through the real webhook and the fake Twilio API: the scores are one line,
not numbered choices, and a reply with a bare number is that score (`7` is 7, not the seventh choice),
even when other numbered choices were offered to the member just before."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from handlers.nps._ports import NPS
from tests.bot.whatsapp.conftest import WhatsAppHarness

FIRST_SURVEY = datetime(2026, 4, 1, 8, 0, tzinfo=UTC)
KEYPAD = "0 · 1 · 2 · 3 · 4 · 5 · 6 · 7 · 8 · 9 · 10"


async def start_survey(wa: WhatsAppHarness) -> None:
    """What the survey's start does (the harness runs no recurring work): every member is chosen for its
    first day, whose job then asks them."""
    repo = wa.store.repository(NPS)
    now = wa.clock.now()
    async with wa.core.services.transactions.transaction():
        survey, _ = await repo.start("test", 1, now)
        await repo.choose(survey.id, now, [now])
        await wa.core.services.jobs.schedule("nps_ask", now, {"survey": survey.id, "day": 0, "after": 0}, "t")
    await wa.core.run_due_jobs()
    await wa.flush()


async def test_a_bare_number_is_the_score_on_whatsapp(wa: WhatsAppHarness) -> None:
    assert await wa.say("JOIN") == 200
    wa.clock.set(FIRST_SURVEY - timedelta(hours=1))
    assert await wa.say("pionts") == 200  # a typo: POINTS is offered as choice 1 (and the window opens)
    await wa.flush()
    assert "1. POINTS" in wa.bodies()[-1]
    wa.clock.set(FIRST_SURVEY)
    await start_survey(wa)
    question = wa.bodies()[-1]
    assert question.startswith("📋 How likely are you to recommend Test Club to a friend?")
    assert question.endswith("\n" + KEYPAD)  # typed choices: one line, no numbers before them
    assert "1. 0" not in question
    [row] = [r for r in await wa.rows() if r["kind"] == "survey"]
    assert (row["mode"], row["state"]) == ("text", "sent")

    assert await wa.say("7") == 200
    await wa.flush()
    answer = wa.bodies()[-1]
    assert answer.startswith("Thank you: 7 noted. What is the main reason for your score?")
    assert answer.endswith("1. Tell us why: NPS REASON <The main reason>\n2. Skip")
    score = await wa.store.db.fetch_one("SELECT score, reason_at FROM nps_answers")
    assert score is not None and tuple(score) == (7, None)

    assert await wa.say("2") == 200  # the reason question's choices are numbered: 2 skips
    await wa.flush()
    assert wa.bodies()[-1] == "Thank you for your answer: it helps us do better."
    settled = await wa.store.db.fetch_one("SELECT score, reason, reason_at IS NOT NULL FROM nps_answers")
    assert settled is not None and tuple(settled) == (7, None, 1)
    assert await wa.say("8") == 200
    await wa.flush()
    assert wa.bodies()[-1] == "You answered this survey already (your score: 7): one answer per survey."
