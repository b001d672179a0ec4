"""The newsletter through the core, without any platform: compiled from the week, delivered once to the
channel and to each opted-in WhatsApp member, skipped when quiet, sent once after missed weeks."""

from __future__ import annotations

from datetime import timedelta

import pytest

from handlers.core import Core
from handlers.delivery import MessageKind
from handlers.events import MemberLeft
from handlers.features import community_config
from handlers.models import Identity
from handlers.newsletter._state import ISSUE_JOB
from storage.store import Store
from tests.conftest import make_core, say
from tests.fakes import FakeClock, RecordingMessenger
from tests.handlers.newsletter.conftest import NEWSLETTER_COMMUNITY, members

PHONES = [f"whatsapp:+3360000000{n}" for n in range(1, 6)]


def newsletters(messenger: RecordingMessenger) -> list[str]:
    return [str(m.to) for m in messenger.sent if m.kind is MessageKind.NEWSLETTER]


def issues_posted(messenger: RecordingMessenger) -> list[str]:
    return [t for t in messenger.posts_in("announcements") if t.startswith("📰")]


async def count(store: Store, table: str) -> int:
    row = await store.db.fetch_one(f"SELECT count(*) FROM {table}")
    assert row is not None
    return int(row[0])


async def test_an_issue_tells_the_week_and_leaves_empty_sections_out(
    core: Core, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    await members(core, "alice", "bob")
    clock.advance(hours=1)
    await say(core, "console:mod", "AWARD @alice 10 hosting the tasting")
    await say(core, "console:mod", "NEWSLETTER ADD The winter box ships on Friday")
    clock.advance(minutes=1)  # a week is [since, until): what happens at the very moment is next week's
    preview = (await say(core, "console:mod", "NEWSLETTER PREVIEW")).text
    assert "👋 New in the community" in preview and "• Welcome to @alice and @bob!" in preview
    assert "• 🥇 @alice: 10 credits" in preview and "• The winter box ships on Friday" in preview
    assert "📊" not in preview and "🏆" not in preview  # no poll closed, no challenge: left out
    assert issues_posted(messenger) == []  # a preview sends nothing
    sent = await say(core, "console:mod", "NEWSLETTER SEND")
    assert sent.text.startswith("Newsletter #1 is posted in #announcements")
    assert len(issues_posted(messenger)) == 1
    # The pick went into issue 1; the next issue starts after it.
    again = (await say(core, "console:mod", "NEWSLETTER PREVIEW")).text
    assert "winter box" not in again and "newsletter #2" in again


async def test_each_opted_in_whatsapp_member_gets_an_issue_once_and_nobody_else(
    core: Core, messenger: RecordingMessenger
) -> None:
    for phone in PHONES:
        await say(core, phone, "JOIN")
    await say(core, PHONES[1], "STOP")  # opted out
    await core.member_left(MemberLeft(Identity.parse(PHONES[2])))  # departed
    await say(core, "console:mod", "NEWSLETTER ADD One")
    await say(core, "console:mod", "NEWSLETTER ADD Two")
    await say(core, "console:mod", "NEWSLETTER SEND")
    await core.run_due_jobs()
    assert sorted(newsletters(messenger)) == [PHONES[0], PHONES[3], PHONES[4]]
    issue = next(m for m in messenger.sent if m.kind is MessageKind.NEWSLETTER)
    # Outside the 24-hour window the WhatsApp template carries this line, not the issue itself.
    assert issue.reply.teaser == "Test Club newsletter #1: 2 highlights. Send NEWS to read it."
    assert issue.reply.text.startswith("📰 Test Club · newsletter #1")


async def test_pending_members_get_no_issue(
    store: Store, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    strict = community_config({**NEWSLETTER_COMMUNITY, "onboarding": {"rules": ["Be kind."]}})
    core = make_core(store, clock, messenger, strict)
    await core.start()
    await say(core, PHONES[0], "JOIN")  # has not accepted the rules: pending
    await say(core, PHONES[1], "JOIN")
    await say(core, PHONES[1], "AGREE")
    await say(core, "console:mod", "NEWSLETTER ADD One")
    await say(core, "console:mod", "NEWSLETTER SEND")
    assert newsletters(messenger) == [PHONES[1]]


async def test_a_member_reads_the_latest_issue_and_the_archive_in_their_language(core: Core) -> None:
    await members(core, "alice")
    assert (await say(core, "console:alice", "NEWS")).text == "No newsletter has been sent yet."
    await say(core, "console:mod", "NEWSLETTER ADD Nouvelle recette")
    await say(core, "console:mod", "NEWSLETTER SEND")
    await say(core, "console:alice", "LANGUAGE fr")
    shown = (await say(core, "console:alice", "NOUVELLES")).text
    assert shown.startswith("📰 Test Club · lettre n° 1") and "✍️ Choisi pour vous" in shown
    archive = (await say(core, "console:alice", "LETTRES")).text
    assert "Lettre n° 1 de Test Club : 1 temps fort. Envoie NOUVELLES pour la lire." in archive
    assert "n’est pas un numéro" in (await say(core, "console:alice", "NOUVELLES abc")).text
    assert "Il n’y a pas de lettre n° 7" in (await say(core, "console:alice", "NOUVELLES 7")).text


async def test_guest_posts_go_in_only_once_approved(core: Core, messenger: RecordingMessenger) -> None:
    await members(core, "alice", "bob")
    await say(core, "console:alice", "NEWSLETTER SUBMIT My sourdough secret")
    await say(core, "console:bob", "NEWSLETTER SUBMIT Buy my bike")
    assert len([p for p in messenger.posts_in("moderators") if "Guest post" in p]) == 2
    preview = (await say(core, "console:mod", "NEWSLETTER PREVIEW")).text
    assert "sourdough" not in preview.split("\n\n")[0] and "2 guest posts wait for review" in preview
    await say(core, "console:mod", "NEWSLETTER APPROVE 1")
    await say(core, "console:mod", "NEWSLETTER REJECT 2")
    refused = await say(core, "console:mod", "NEWSLETTER APPROVE 2")
    assert refused.text == "Guest post #2 was reviewed already."
    preview = (await say(core, "console:mod", "NEWSLETTER PREVIEW")).text
    assert "My sourdough secret (a guest post by @alice)" in preview and "bike" not in preview
    assert (await say(core, "console:alice", "NEWSLETTER SUBMIT")).text.startswith("Say what to post")


async def test_a_quiet_week_is_skipped_and_moderators_are_told(
    core: Core, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    await say(core, "console:mod", "NEWSLETTER ADD Only one thing")  # min_items is 2
    clock.advance(days=7)  # past Monday 9 March 09:00 (the fixture's clock starts Monday 2 March 10:00)
    assert await core.run_due_jobs() == 2  # the issue, and the nightly health roll-up
    assert issues_posted(messenger) == []
    told = messenger.posts_in("moderators")
    assert told and "it had 1 thing to tell, fewer than the 2 it needs" in told[-1]
    # the pick waits for the next issue, and the next week is planned
    assert "Only one thing" in (await say(core, "console:mod", "NEWSLETTER PREVIEW")).text
    [issue] = [job for job in await core.services.jobs.upcoming(10) if job.kind == ISSUE_JOB]
    assert issue.run_at == clock.now().replace(hour=8, minute=0) + timedelta(days=7)


async def test_a_newsletter_missed_for_three_weeks_is_sent_once(
    core: Core, store: Store, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    await say(core, "console:mod", "NEWSLETTER ADD News")
    await say(core, "console:mod", "NEWSLETTER ADD More news")
    clock.advance(days=21, hours=2)  # the bot was down over three Mondays
    await core.run_due_jobs()
    await core.run_due_jobs()
    assert len(issues_posted(messenger)) == 1
    # only the latest occurrence ran (the others are counted missed); the next one is after now
    next_at = await core.services.jobs.next_run_at()
    assert next_at is not None and next_at > clock.now()
    assert await count(store, "newsletter_issues") == 1
    assert messenger.posts_in("moderators") == []  # no week was skipped: they were sent as one


@pytest.mark.parametrize(
    "cron",
    ["0 9 * * mon", "30 18 * * fri"],
)
async def test_the_weekly_issue_is_planned_from_the_configured_cron(
    store: Store, clock: FakeClock, messenger: RecordingMessenger, cron: str
) -> None:
    config = community_config({**NEWSLETTER_COMMUNITY, "newsletter": {"cron": cron}})
    core = make_core(store, clock, messenger, config)
    await core.start()
    await core.start()  # a restart plans nothing twice
    rows = await store.db.fetch_all("SELECT run_at FROM jobs WHERE kind = 'newsletter_issue'")
    expected = {"0 9 * * mon": "2026-03-09T08:00:00.000000Z", "30 18 * * fri": "2026-03-06T17:30:00.000000Z"}
    assert [row[0] for row in rows] == [expected[cron]]


async def test_a_wrong_cron_in_the_community_file_stops_the_start(
    store: Store, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    config = community_config({**NEWSLETTER_COMMUNITY, "newsletter": {"cron": "0 9 * *"}})
    core = make_core(store, clock, messenger, config)
    with pytest.raises(ValueError, match=r"newsletter\.cron"):
        await core.start()


async def test_sending_with_nothing_to_tell_is_refused_and_stores_nothing(
    core: Core, store: Store, messenger: RecordingMessenger
) -> None:
    refused = await say(core, "console:mod", "NEWSLETTER SEND")
    assert refused.text.startswith("There is nothing to tell since the last issue")
    assert await count(store, "newsletter_issues") == 0 and issues_posted(messenger) == []
