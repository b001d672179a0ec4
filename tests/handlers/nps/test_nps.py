"""NPS surveys through the core's public interface: who is asked and when, answering by command, by a bare
number and by the next message, what each kind of answer leads to, and every refusal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from handlers.core import Core
from handlers.events import DirectMessage
from handlers.models import Attachment, Identity
from handlers.nps._models import Tally
from handlers.nps._render import score_choices
from handlers.settings import CommunityConfig
from handlers.stamps import plain
from storage.store import Store
from tests.conftest import say
from tests.fakes import FakeClock, RecordingMessenger
from tests.handlers.nps.conftest import (
    FIRST_SURVEY,
    answers,
    asked,
    join,
    nps_community,
    questions,
    survey_starts,
)


async def test_members_who_joined_long_enough_ago_are_asked_once_with_eleven_typed_choices(
    core: Core, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    await join(core, "alice", "bob")
    clock.set(FIRST_SURVEY - timedelta(days=7))  # a week before the survey: too new to be asked
    await join(core, "carol")
    await survey_starts(core, clock)
    assert sorted(asked(messenger)) == ["console:alice", "console:bob"]
    question = questions(messenger)[0].reply
    assert plain(question.text).startswith("📋 How likely are you to recommend Test Club to a friend?")
    assert "until Wed 15 Apr at 10:00 (Europe/Paris)" in plain(question.text)  # [nps] answer_days: 14
    assert [(c.label, c.command, c.typed) for c in question.choices] == [
        (str(n), f"NPS {n}", True) for n in range(11)
    ]
    [started] = [p for p in messenger.posts_in("moderators") if "NPS" in p]
    assert started.startswith("📋 NPS survey #1 has started: 2 members will be asked over 1 days.")
    clock.advance(days=2)
    await core.run_due_jobs()
    assert len(questions(messenger)) == 2  # never asked twice


async def test_a_promoter_gives_a_score_then_a_reason_and_is_invited_to_bring_someone(
    core: Core, clock: FakeClock, store: Store
) -> None:
    await join(core, "alice")
    await survey_starts(core, clock)
    reply = await say(core, "console:alice", "NPS 9")
    assert reply.text.startswith("Thank you: 9 noted. What is the main reason for your score?")
    assert [(c.command, c.ask) for c in reply.choices] == [
        ("NPS REASON", "The main reason"),
        ("NPS REASON skip", None),
    ]
    thanks = await say(core, "console:alice", "The mugs are lovely and so is the team")
    assert "Introduce them with your referral code: ALICE-" in thanks.text
    assert [c.command for c in thanks.choices] == ["REFERRAL"]
    assert await answers(store) == [(1, "alice", 9, "The mugs are lovely and so is the team")]


async def test_a_bare_number_is_the_score_not_the_position_of_a_choice(
    core: Core, clock: FakeClock, store: Store
) -> None:
    await join(core, "alice", "bob", "carol")
    await survey_starts(core, clock)
    # The console offers no proactive choices: a bare number reaches the survey on its own.
    assert "7 noted" in (await say(core, "console:alice", "7")).text
    # WhatsApp offers the question's choices once it goes out as text: typed ones answer by their label,
    # so `0` is the score 0 (no choice is numbered 0) and `1` the score 1, not the first choice (0).
    async with core.services.transactions.transaction():
        for name in ("bob", "carol"):
            await core.services.choices.offer(Identity.parse(f"console:{name}"), score_choices(), clock.now())
    assert "0 noted" in (await say(core, "console:bob", "0")).text
    assert "1 noted" in (await say(core, "console:carol", "1")).text
    assert [(h, s) for _, h, s, _ in await answers(store)] == [("alice", 7), ("bob", 0), ("carol", 1)]


async def test_a_photo_without_words_is_no_reason(core: Core, clock: FakeClock, store: Store) -> None:
    await join(core, "alice")
    await survey_starts(core, clock)
    await say(core, "console:alice", "NPS 9")
    photo = Attachment("https://cdn.example/a.png", "image/png", 11, stored="a.png")
    [reply] = await core.handle_direct(
        DirectMessage(Identity.parse("console:alice"), "", attachments=(photo,))
    )
    assert "referral code" not in reply.text  # not taken as the reason: the empty-message answer
    assert await answers(store) == [(1, "alice", 9, None)]


async def test_a_reason_may_be_given_by_command_or_skipped(
    core: Core, clock: FakeClock, store: Store
) -> None:
    await join(core, "alice", "bob", "carol")
    await survey_starts(core, clock)
    for name, score in (("alice", "8"), ("bob", "7"), ("carol", "10")):
        await say(core, f"console:{name}", f"NPS {score}")
    assert "helps us do better" in (await say(core, "console:alice", "NPS REASON  Good   prices")).text
    assert "helps us do better" in (await say(core, "console:bob", "NPS REASON skip")).text
    assert "referral code" in (await say(core, "console:carol", "skip")).text  # the skip word
    assert await answers(store) == [
        (1, "alice", 8, "Good prices"),
        (1, "bob", 7, None),
        (1, "carol", 10, None),
    ]
    assert "complete already" in (await say(core, "console:alice", "NPS REASON again")).text


async def test_a_detractor_goes_to_the_moderators_queue_until_it_is_marked_done(
    core: Core, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    await join(core, "alice", "bob")
    await survey_starts(core, clock)
    await say(core, "console:bob", "NPS 3")
    listed = plain((await say(core, "console:mod", "NPS")).text)
    assert "#1 @bob scored 3 (no reason yet)" in listed  # in the queue from the score
    thanks = await say(core, "console:bob", "Delivery took three weeks")
    assert "may get back to you" in thanks.text
    post = messenger.sent[-1]
    assert post.channel == "moderators"
    assert plain(post.reply.text) == (
        "📋 NPS follow-up #1: @bob scored 3 out of 10.\nTheir reason: “Delivery took three weeks”"
    )
    assert [c.command for c in post.reply.choices] == ["NPS DONE 1"]
    report = await say(core, "console:mod", "NPS")
    assert "#1 @bob scored 3: “Delivery took three weeks”" in report.text
    assert [c.command for c in report.choices] == ["NPS DONE 1"]
    assert (await say(core, "console:mod", "NPS DONE 1")).text == "Follow-up #1 (@bob) is done."
    assert (await say(core, "console:mod", "NPS DONE 1")).text == "Follow-up #1 is done already."
    assert "No follow-up to do." in (await say(core, "console:mod", "NPS")).text
    assert "for moderators" in (await say(core, "console:alice", "NPS DONE 1")).text


async def test_the_nps_is_right_for_a_known_set_of_answers(core: Core, clock: FakeClock) -> None:
    names = [f"m{n}" for n in range(12)]
    await join(core, *names)
    await survey_starts(core, clock)
    scores = [10, 9, 9, 10, 9, 7, 8, 7, 3, 6]  # 5 promoters, 3 passives, 2 detractors; two do not answer
    for name, score in zip(names, scores, strict=False):
        await say(core, f"console:{name}", f"NPS {score}")
    lines = plain((await say(core, "console:mod", "NPS")).text).splitlines()
    assert lines[:5] == [
        "📋 NPS survey #1, started 1 Apr 2026",
        "NPS: +30 (10 answers)",
        "Promoters (9-10): 5 · passives (7-8): 3 · detractors (0-6): 2",
        "Response rate: 83% of 12 members asked.",
        "Only 10 answers: under 30, each answer moves the score a lot. Read it as a hint, not a measure.",
    ]
    assert lines[5] == "Follow-ups to do (2):"


async def test_bad_answers_get_one_line_each_and_store_nothing(
    core: Core, clock: FakeClock, store: Store
) -> None:
    await join(core, "alice", "bob")
    assert "No survey question waits for you" in (await say(core, "console:alice", "NPS 8")).text
    await survey_starts(core, clock)
    clock.advance(days=1)
    await join(core, "carol")  # joined after the start: not in this survey
    assert (
        "“11” is not a score: answer with a whole number from 0 to 10"
        in (await say(core, "console:alice", "NPS 11")).text
    )
    assert "“seven” is not a score" in (await say(core, "console:alice", "NPS seven")).text
    assert "“12” is not a score" in (await say(core, "console:alice", "12")).text
    assert "“-1” is not a score" in (await say(core, "console:alice", "-1")).text
    assert "Give your score first" in (await say(core, "console:alice", "NPS REASON great")).text
    assert "No survey question waits for you" in (await say(core, "console:carol", "NPS 5")).text
    assert "Choose" not in (await say(core, "console:carol", "5")).text  # a number with nothing to answer
    assert await answers(store) == []
    await say(core, "console:alice", "NPS 8")
    again = await say(core, "console:alice", "NPS 2")
    assert again.text == "You answered this survey already (your score: 8): one answer per survey."
    # While the reason question's choices wait, a number answers them (1: a reason, 2: skip)...
    assert (await say(core, "console:alice", "3")).text == "Answer with a number from 1 to 2."
    await say(core, "console:alice", "NPS REASON passer")  # French for skip
    # ...then a number is a score again, refused like any second answer.
    assert "answered this survey already" in (await say(core, "console:alice", "3")).text
    clock.advance(days=14)  # past [nps] answer_days
    late = (await say(core, "console:bob", "9")).text
    assert late.startswith("This survey closed on Wed 15 Apr at 10:00 (Europe/Paris)")
    assert "closed on" in (await say(core, "console:bob", "NPS 9")).text
    assert await answers(store) == [(1, "alice", 8, None)]


class TestWithRules:
    @pytest.fixture
    def community(self) -> CommunityConfig:
        return nps_community({"onboarding": {"rules": ["Be kind"]}})

    async def test_only_members_who_accepted_the_rules_are_asked_or_may_answer(
        self, core: Core, clock: FakeClock, messenger: RecordingMessenger
    ) -> None:
        await join(core, "alice", "bob")
        await say(core, "console:alice", "AGREE")
        await survey_starts(core, clock)
        assert asked(messenger) == ["console:alice"]
        assert "send AGREE to accept them" in (await say(core, "console:bob", "NPS 5")).text
        assert "NPS is for members" in (await say(core, "console:zed", "NPS 5")).text


async def test_members_who_sent_stop_are_not_asked_nor_counted(
    core: Core, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    await join(core, "alice", "bob")
    await say(core, "console:bob", "STOP")
    await survey_starts(core, clock)
    assert asked(messenger) == ["console:alice"]
    report = plain((await say(core, "console:mod", "NPS")).text)
    assert "No answers yet." in report and "of 1 member asked" in report


async def test_no_survey_yet_says_when_the_next_one_starts(core: Core) -> None:
    text = plain((await say(core, "console:mod", "NPS")).text)
    assert text == "No NPS survey has run yet. The next one starts Wed 1 Apr at 10:00 (Europe/Paris)."
    schedule = plain((await say(core, "console:mod", "SCHEDULE")).text)
    assert "• Wed 1 Apr at 10:00: NPS survey starts (members who joined 14 days ago or more)" in schedule


@pytest.mark.parametrize("when", [FIRST_SURVEY, datetime(2026, 4, 3, 15, 0, tzinfo=UTC)])
async def test_a_survey_starts_once_even_when_the_bot_was_down_at_its_time(
    core: Core, clock: FakeClock, messenger: RecordingMessenger, when: datetime
) -> None:
    await join(core, "alice")
    await survey_starts(core, clock, when)
    await core.run_due_jobs()
    assert asked(messenger) == ["console:alice"]
    assert len([p for p in messenger.posts_in("moderators") if "NPS survey" in p]) == 1
    rows = await core.services.jobs.upcoming(10)
    assert [j.run_at for j in rows if j.kind == "nps_survey"] == [datetime(2026, 7, 1, 8, 0, tzinfo=UTC)]


@pytest.mark.parametrize(
    ("promoters", "passives", "detractors", "score"),
    [
        (5, 3, 2, 30),
        (0, 0, 1, -100),
        (1, 1, 1, 0),
        (2, 0, 1, 33),
        (1, 0, 2, -33),
        (1, 6, 0, 14),
        (0, 0, 0, None),
    ],
)
def test_the_score_is_promoters_minus_detractors_in_percent(
    promoters: int, passives: int, detractors: int, score: int | None
) -> None:
    tally = Tally(promoters, passives, detractors, asked=20)
    assert tally.score == score
    assert tally.confident is False and Tally(30, 0, 0).confident


async def test_help_lists_the_survey_commands_for_each_role(core: Core) -> None:
    await join(core, "alice")
    member = plain((await say(core, "console:alice", "HELP")).text)
    assert "NPS [score] — answer the survey, 0 to 10" in member and "NPS DONE" not in member
    moderator = plain((await say(core, "console:mod", "HELP")).text)
    assert "NPS DONE <follow-up> — mark a detractor's follow-up done" in moderator
