"""The editorial calendar through the core: announcements posted on time and once, recurring ones by their
cron (only the latest missed occurrence), edits and cancels, and bad input refused with nothing stored."""

from __future__ import annotations

from datetime import timedelta

from handlers.core import Core
from handlers.delivery import MessageKind
from handlers.models import Identity
from storage.store import Store
from tests.conftest import say
from tests.fakes import FakeClock, RecordingMessenger

# The fixture's clock: Monday 2 March 2026, 10:00 in Paris (09:00 UTC).


def posted(messenger: RecordingMessenger) -> list[str]:
    return [t for t in messenger.posts_in("announcements") if t.startswith("📣")]


async def stored(store: Store) -> tuple[int, int]:
    rows = await store.db.fetch_one("SELECT count(*) FROM announcements")
    jobs = await store.db.fetch_one("SELECT count(*) FROM jobs WHERE kind LIKE 'announcement%'")
    assert rows is not None and jobs is not None
    return int(rows[0]), int(jobs[0])


async def test_an_announcement_is_posted_at_its_time_and_once(
    core: Core, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    reply = await say(core, "console:mod", "ANNOUNCE 2026-03-03 18:00 The winter box is live!")
    assert reply.text.startswith("📅 Scheduled: #1 · Tue 3 Mar at 18:00 (Europe/Paris)")
    clock.set(clock.now().replace(day=3, hour=16, minute=59))  # 17:59 in Paris
    await core.run_due_jobs()
    assert posted(messenger) == []
    clock.advance(minutes=1)
    await core.run_due_jobs()
    await core.run_due_jobs()
    assert posted(messenger) == ["📣 The winter box is live!"]
    assert (await say(core, "console:mod", "ANNOUNCEMENTS")).text.startswith("No announcement is scheduled")


async def test_an_announcement_missed_while_the_bot_was_down_is_posted_once_late(
    core: Core, store: Store, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    await say(core, "console:mod", "ANNOUNCE 2h Doors open!")
    clock.advance(days=2)
    await core.run_due_jobs()
    assert posted(messenger) == ["📣 Doors open!"]
    row = await store.db.fetch_one("SELECT state, late FROM jobs WHERE kind = 'announcement'")
    assert row is not None and tuple(row) == ("done", 1)


async def test_a_recurring_announcement_follows_its_cron_and_runs_only_the_latest_missed(
    core: Core, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    reply = await say(core, "console:mod", 'ANNOUNCE every "0 12 * * wed" Midweek tip')
    assert "Wed 4 Mar at 12:00 (Europe/Paris)" in reply.text and 'every "0 12 * * wed"' in reply.text
    clock.set(clock.now().replace(day=4, hour=11, minute=1))
    await core.run_due_jobs()
    assert posted(messenger) == ["📣 Midweek tip"]
    await say(core, "console:mod", "ANNOUNCE EDIT 1 Midweek tip: share a photo")
    clock.advance(days=21)  # down over three Wednesdays: posted once
    await core.run_due_jobs()
    await core.run_due_jobs()
    assert posted(messenger) == ["📣 Midweek tip", "📣 Midweek tip: share a photo"]
    listed = (await say(core, "console:mod", "ANNOUNCEMENTS")).text
    assert "#1 · Wed 1 Apr at 12:00 (Europe/Paris)" in listed  # the next one, after the clock change too
    await say(core, "console:mod", "ANNOUNCE CANCEL 1")
    clock.advance(days=14)
    await core.run_due_jobs()
    assert len(posted(messenger)) == 2
    assert await core.services.jobs.next_run_at() != clock.now()  # nothing of it is left pending
    refused = await say(core, "console:mod", "ANNOUNCE EDIT 1 again")
    assert refused.text == "Announcement #1 is no longer scheduled (sent or cancelled)."


async def test_announcements_are_listed_in_the_askers_zone(core: Core) -> None:
    await say(core, "console:mod", "JOIN")
    await say(core, "console:mod", "ANNOUNCE 2026-03-03 18:00 Tasting night")
    mod = await core.services.members.by_identity(Identity.parse("console:mod"))
    assert mod is not None
    async with core.services.transactions.transaction():
        await core.services.members.set_timezone(mod.id, "America/New_York", core.services.clock.now())
    listed = (await say(core, "console:mod", "ANNOUNCEMENTS")).text
    assert "times in America/New_York" in listed and "#1 · Tue 3 Mar at 12:00 (America/New_York)" in listed


async def test_a_whatsapp_announcement_reaches_the_opted_in_members(
    core: Core, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    await say(core, "whatsapp:+33600000001", "JOIN")
    await say(core, "whatsapp:+33600000002", "JOIN")
    await say(core, "whatsapp:+33600000002", "STOP")
    await say(core, "console:mod", "ANNOUNCE 1h Flash sale tonight | whatsapp")
    clock.advance(hours=1)
    await core.run_due_jobs()
    sent = [m for m in messenger.sent if m.kind is MessageKind.NEWSLETTER]
    assert [(str(m.to), m.reply.text) for m in sent] == [("whatsapp:+33600000001", "📣 Flash sale tonight")]


async def test_bad_input_gets_one_clear_line_and_nothing_is_stored(core: Core, store: Store) -> None:
    async def refused(text: str) -> str:
        return (await say(core, "console:mod", text)).text

    assert await refused("ANNOUNCE 2026-03-01 09:00 Too late") == (
        "Sun 1 Mar at 09:00 (Europe/Paris) has passed: give a later time."
    )
    assert (
        await refused("ANNOUNCE 0m Now") == "Mon 2 Mar at 10:00 (Europe/Paris) has passed: give a later time."
    )
    assert await refused('ANNOUNCE every "0 9 * * 8" Bad weekday') == (
        "“0 9 * * 8”: field 5 (the day of the week, 0-6 or mon-sun) is wrong: “8”."
    )
    assert await refused('ANNOUNCE every "61 9 * * 1" Bad minute') == (
        "“61 9 * * 1”: field 1 (the minute, 0-59) is wrong: “61”."
    )
    assert (await refused('ANNOUNCE every "0 9 *" Short')).startswith(
        "“0 9 *” has 3 fields; a cron expression has 5"
    )
    assert (await refused("ANNOUNCE 2h")).startswith("Say what to post:")
    assert (await refused("ANNOUNCE")).startswith("Say what to post:")
    assert (await refused("ANNOUNCE 2h   | whatsapp")).startswith("Say what to post:")
    assert (await refused("ANNOUNCE someday Hello")).startswith("“someday” is no time")
    assert (await refused("ANNOUNCE 2026-02-30 10:00 Hello")).startswith("“2026-02-30 10:00” is no time")
    assert (await refused("ANNOUNCE 400d Hello")) == "An announcement can be at most 366 days ahead."
    assert await stored(store) == (0, 0)
    assert (await refused("ANNOUNCE CANCEL 9")) == "There is no announcement #9: ANNOUNCEMENTS lists them."
    await say(core, "console:alice", "JOIN")
    assert "moderators" in (await say(core, "console:alice", "ANNOUNCE 2h Hi")).text  # staff only
    assert await stored(store) == (0, 0)


async def test_times_cross_a_daylight_saving_change_at_the_same_local_hour(
    core: Core, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    await say(core, "console:mod", 'ANNOUNCE every "0 9 * * sun" Sunday brunch')
    clock.set(clock.now() + timedelta(days=27))  # Sunday 29 March: Paris moves to summer time at 02:00
    await core.run_due_jobs()
    listed = (await say(core, "console:mod", "ANNOUNCEMENTS")).text
    assert "Sun 5 Apr at 09:00 (Europe/Paris)" in listed
