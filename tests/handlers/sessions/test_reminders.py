"""Reminders through the core's timer table: at the configured offsets, to those with a place only, never
twice, never after the start, missed (not sent) after a long downtime, moved with the session, removed
when it is cancelled, and right about local time across a daylight-saving change."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.formats import TEXTS
from handlers.core import Core
from handlers.features import community_config
from handlers.stamps import plain
from storage.store import Store
from tests.conftest import make_core, say
from tests.fakes import FakeClock, RecordingMessenger
from tests.handlers.sessions.conftest import SESSIONS_COMMUNITY, join, new_session, reminders

# Thursday 5 March 2026, 18:00 in Paris.
START = datetime(2026, 3, 5, 17, 0, tzinfo=UTC)


async def jobs(store: Store, state: str) -> int:
    row = await store.db.fetch_one(
        "SELECT count(*) FROM jobs WHERE kind = 'session_reminder' AND state = ?", (state,)
    )
    assert row is not None
    return int(row[0])


async def three_rsvps(core: Core) -> None:
    await join(core, "alice", "bob", "carol")
    await new_session(core)
    for name in ("alice", "bob", "carol"):  # carol waits
        await say(core, f"console:{name}", "RSVP 1")


async def test_each_reminder_goes_once_to_those_with_a_place_and_to_the_channel(
    core: Core, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    await three_rsvps(core)
    clock.set(START.replace(day=4))  # 24 h before
    await core.run_due_jobs()
    assert sorted(r.split(":")[0] for r in reminders(messenger)) == ["alice", "bob"]
    assert "starts in 24 h, Thu 5 Mar at 18:00 (Europe/Paris)" in plain(reminders(messenger)[0])
    [post] = [p for p in messenger.posts_in("events") if p.startswith("⏰")]
    assert "2 members are coming" in post
    await core.run_due_jobs()  # never twice
    assert len(reminders(messenger)) == 2
    await say(core, "console:bob", "CANCEL 1")  # carol gets bob's place
    clock.set(START.replace(hour=16))
    await core.run_due_jobs()
    last = reminders(messenger)[2:]
    assert sorted(r.split(":")[0] for r in last) == ["alice", "carol"]
    assert all("starts in 1 h" in r for r in last)
    clock.set(START.replace(day=6))
    await core.run_due_jobs()
    assert len(reminders(messenger)) == 4


async def test_after_a_long_downtime_a_reminder_is_missed_not_sent(
    core: Core, store: Store, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    await three_rsvps(core)
    clock.set(START.replace(day=4, hour=20))  # down from before the 24 h reminder until 3 hours after it
    await core.run_due_jobs()
    assert reminders(messenger) == []
    assert await jobs(store, "missed") == 1
    clock.set(START.replace(hour=16, minute=10))  # the 1 h reminder, 10 minutes late: still sent
    await core.run_due_jobs()
    assert len(reminders(messenger)) == 2
    assert all("starts in 50 min" in r for r in reminders(messenger))


async def test_a_reminder_is_never_sent_once_the_session_has_begun(
    store: Store, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    community = community_config(
        {**SESSIONS_COMMUNITY, "sessions": {"channel": "events", "reminders": ["10m"]}}
    )
    core = make_core(store, clock, messenger, community)
    await core.start()
    await three_rsvps(core)
    clock.set(START.replace(minute=5))  # 15 minutes after the 10 m reminder: within its grace, but begun
    await core.run_due_jobs()
    assert reminders(messenger) == []


async def test_moving_a_session_moves_its_reminders_and_tells_everyone_in_their_zone(
    core: Core, store: Store, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    await three_rsvps(core)
    moved = await say(core, "console:mod", "SESSION MOVE 1 2026-03-06 19:30")
    assert "3 members told" in moved.text
    told = [t for t in messenger.texts_to("console:carol") if t.startswith("🕒")]
    assert told == [
        "🕒 Founder session #1 (Ask the founder) has moved: it is now Fri 6 Mar at 19:30 (Europe/Paris)."
    ]
    assert await jobs(store, "cancelled") == 2 and await jobs(store, "pending") == 2
    clock.set(START.replace(day=4))  # the old time's 24 h reminder
    await core.run_due_jobs()
    assert reminders(messenger) == []
    clock.set(datetime(2026, 3, 5, 18, 30, tzinfo=UTC))  # the new one's
    await core.run_due_jobs()
    assert len(reminders(messenger)) == 2
    assert "Fri 6 Mar at 19:30" in reminders(messenger)[0]


async def test_cancelling_a_session_removes_its_reminders(
    core: Core, store: Store, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    await three_rsvps(core)
    await say(core, "console:mod", "SESSION CANCEL 1")
    assert all("is cancelled" in messenger.texts_to(f"console:{n}")[-1] for n in ("alice", "bob", "carol"))
    assert await jobs(store, "pending") == 0
    clock.set(START.replace(day=6))
    await core.run_due_jobs()
    assert reminders(messenger) == []


async def test_schedule_lists_each_pending_reminder(core: Core) -> None:
    await new_session(core)
    lines = [u.line for u in await core.timers.upcoming(TEXTS.translator("en"), 10)]
    assert "Reminder of session #1 (Ask the founder), 24 h before" in lines
    assert "Reminder of session #1 (Ask the founder), 1 h before" in lines


@pytest.mark.parametrize("zone", ["Europe/Paris", "America/New_York"])
async def test_reminders_keep_the_local_time_across_a_daylight_saving_change(
    core: Core, clock: FakeClock, messenger: RecordingMessenger, zone: str
) -> None:
    """Made and booked in winter time (UTC+1); the session is on the Monday after Paris moves its clocks
    forward (Sunday 29 March), at 10:00 summer time, 08:00 UTC; 24 hours before is 10:00 on the Sunday."""
    await join(core, "alice")
    member = await core.services.members.by_handle("alice")
    assert member is not None
    async with core.services.transactions.transaction():
        await core.services.members.set_timezone(member.id, zone, clock.now())
    await new_session(core, '"Spring Q&A" 2026-03-30 10:00 1h | Online | 10')
    await say(core, "console:alice", "RSVP 1")
    clock.set(datetime(2026, 3, 29, 7, 59, tzinfo=UTC))
    await core.run_due_jobs()
    assert reminders(messenger) == []
    clock.set(datetime(2026, 3, 29, 8, 0, tzinfo=UTC))
    await core.run_due_jobs()
    [sent] = reminders(messenger)
    local = (
        "Mon 30 Mar at 10:00 (Europe/Paris)"
        if zone == "Europe/Paris"
        else "Mon 30 Mar at 04:00 (America/New_York)"
    )
    assert f"starts in 24 h, {local}" in plain(sent)
