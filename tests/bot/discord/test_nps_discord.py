"""The NPS question on Discord: a direct message with eleven buttons, 0 to 10, in three rows; a click on
one is the clicker's score, and the reason question that follows has a button that opens a form."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from handlers.events import MemberJoined
from handlers.models import Identity
from handlers.nps._ports import NPS
from tests.bot.discord.conftest import WebhookCall, World, click_payload, feed, form_payload, message_payload
from tests.fakes import FakeClock

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

FIRST_SURVEY = datetime(2026, 4, 1, 8, 0, tzinfo=UTC)


async def start_survey(world: World, clock: FakeClock) -> None:
    """What the survey's start does (the Discord world runs no recurring work): every member is chosen
    for its first day, whose job then asks them."""
    repo = world.store.repository(NPS)
    async with world.core.services.transactions.transaction():
        survey, _ = await repo.start("test", 1, clock.now())
        await repo.choose(survey.id, clock.now(), [clock.now()])
        payload = {"survey": survey.id, "day": 0, "after": 0}
        await world.core.services.jobs.schedule("nps_ask", clock.now(), payload, "nps:test")
    await world.core.run_due_jobs()


async def test_the_question_has_eleven_buttons_and_a_click_is_the_score(
    world: World, webhook: list[WebhookCall], clock: FakeClock
) -> None:
    alice = world.members["alice"]
    await world.core.member_joined(MemberJoined(Identity("discord", str(alice.id)), display_name="alice"))
    clock.set(FIRST_SURVEY)
    await start_survey(world, clock)
    [question] = [s for s in world.to("alice") if "recommend" in s.content]
    assert question.content.startswith("📋 How likely are you to recommend Test Club to a friend?")
    rows = question.payload["components"]
    assert [[b["label"] for b in row["components"]] for row in rows] == [
        ["0", "1", "2", "3"],
        ["4", "5", "6", "7"],
        ["8", "9", "10"],
    ]
    buttons = [b for row in rows for b in row["components"]]
    assert {b["type"] for b in buttons} == {2}  # buttons, not a select menu
    assert [b["custom_id"] for b in buttons] == [f"cb:choice:NPS {n}" for n in range(11)]

    message = message_payload(world, question.payload)
    await feed(world, click_payload(world, alice, message, "cb:choice:NPS 6", dm=True))
    follow = [c.payload for c in webhook if c.method != "POST" or not c.path.endswith("/callback")]
    reason = next(p for p in follow if "noted" in (p.get("content") or ""))
    assert reason["content"].startswith("Thank you: 6 noted. What is the main reason for your score?")
    reason_buttons = reason["components"][0]["components"]
    assert [(b["label"], b["custom_id"]) for b in reason_buttons] == [
        ("Tell us why", "cb:ask:NPS REASON"),
        ("Skip", "cb:choice:NPS REASON skip"),
    ]
    row = await world.store.db.fetch_one("SELECT score, reason FROM nps_answers")
    assert row is not None and tuple(row) == (6, None)

    webhook.clear()
    await feed(
        world, click_payload(world, alice, message_payload(world, reason), "cb:ask:NPS REASON", dm=True)
    )
    [opened] = [c.payload for c in webhook if c.path.endswith("/callback")]
    assert opened["type"] == 9  # a form for the reason
    form = opened["data"]
    [field] = form["components"][0]["components"]
    await feed(world, form_payload(world, alice, form["custom_id"], {field["custom_id"]: "Shipping is slow"}))
    row = await world.store.db.fetch_one("SELECT score, reason FROM nps_answers")
    assert row is not None and tuple(row) == (6, "Shipping is slow")
    queued = await world.store.db.fetch_all(
        "SELECT channel, json_extract(payload, '$.text') FROM deliveries WHERE kind = 'moderation'"
    )
    assert [tuple(r) for r in queued] == [
        ("moderators", "📋 NPS follow-up #1: @alice scored 6 out of 10.\nTheir reason: “Shipping is slow”")
    ]
