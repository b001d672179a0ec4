"""RSVPs through the core: places, the waitlist and its promotion, CANCEL, who may come, the post."""

from __future__ import annotations

from handlers.core import Core
from handlers.delivery import MessageKind
from handlers.events import MemberLeft
from handlers.models import Identity
from handlers.stamps import plain
from storage.store import Store
from tests.conftest import say
from tests.fakes import FakeClock, RecordingMessenger
from tests.handlers.sessions.conftest import join, new_session


async def count(store: Store, sql: str) -> int:
    row = await store.db.fetch_one(f"SELECT count(*) FROM {sql}")
    assert row is not None
    return int(row[0])


async def test_a_new_session_is_posted_with_an_rsvp_button(core: Core, messenger: RecordingMessenger) -> None:
    number = await new_session(core)
    [post] = [m for m in messenger.sent if m.channel == "events"]
    assert post.reply.text.startswith("📅 Founder session #1: Ask the founder")
    assert "Thu 5 Mar at 18:00 (Europe/Paris), 1 h" in plain(post.reply.text)
    assert "2 places left of 2" in post.reply.text
    assert [c.command for c in post.reply.choices] == [f"RSVP {number}"]
    assert post.reply.board == "session:1"


async def test_a_full_session_waitlists_and_a_cancel_promotes_the_first_waiting(
    core: Core, store: Store, messenger: RecordingMessenger
) -> None:
    await join(core, "alice", "bob", "carol", "dave")
    await new_session(core)
    assert "You have a place" in (await say(core, "console:alice", "RSVP 1")).text
    await say(core, "console:bob", "RSVP 1")
    carol = await say(core, "console:carol", "RSVP 1")
    assert "you are #1 on the waitlist" in carol.text
    assert "you are #2 on the waitlist" in (await say(core, "console:dave", "RSVP 1")).text
    assert "already #2 on the waitlist" in (await say(core, "console:dave", "RSVP 1")).text
    assert "already have a place" in (await say(core, "console:alice", "RSVP 1")).text
    assert "gave up your place" in (await say(core, "console:alice", "CANCEL 1")).text
    told = [m for m in messenger.sent if m.to is not None and str(m.to) == "console:carol"]
    assert told[-1].kind is MessageKind.REMINDER and "A place freed up" in told[-1].reply.text
    listing = await say(core, "console:dave", "SESSIONS")
    assert "you are #1 on the waitlist" in listing.text
    assert "left the waitlist" in (await say(core, "console:dave", "CANCEL 1")).text
    assert "no place at session #1" in (await say(core, "console:dave", "CANCEL 1")).text
    row = await store.db.fetch_one("SELECT going, waiting FROM sessions WHERE id = 1")
    assert row is not None and (row[0], row[1]) == (2, 0)
    assert await count(store, "session_rsvps WHERE state = 'going'") == 2


async def test_cancel_alone_is_still_stop_and_cancel_of_a_word_is_refused(core: Core) -> None:
    await join(core, "alice")
    await new_session(core)
    assert "nothing called “brunch”" in (await say(core, "console:alice", "CANCEL brunch")).text
    assert "There is no session #9" in (await say(core, "console:alice", "CANCEL 9")).text


async def test_a_re_rsvp_after_a_cancel_goes_to_the_end_of_the_queue(core: Core) -> None:
    await join(core, "alice", "bob", "carol")
    await new_session(core)
    for name in ("alice", "bob", "carol"):
        await say(core, f"console:{name}", "RSVP 1")
    await say(core, "console:alice", "CANCEL 1")  # carol gets alice's place
    again = await say(core, "console:alice", "RSVP 1")
    assert "you are #1 on the waitlist" in again.text


async def test_the_moderator_sees_who_comes_who_waits_and_the_code_word(core: Core) -> None:
    await join(core, "alice", "bob", "carol")
    await new_session(core)
    for name in ("alice", "bob", "carol"):
        await say(core, f"console:{name}", "RSVP 1")
    shown = (await say(core, "console:mod", "SESSION 1")).text
    assert "Coming (2): @alice, @bob" in shown
    assert "Waiting (1): @carol" in shown
    assert "Code word for attendance: BLOOM" in shown
    member_view = (await say(core, "console:carol", "SESSION 1")).text
    assert "@alice" not in member_view and "BLOOM" not in member_view
    assert "you are #1 on the waitlist" in member_view


async def test_sessions_lists_times_in_the_askers_own_zone(core: Core) -> None:
    await join(core, "alice")
    await new_session(core)
    member = await core.services.members.by_handle("alice")
    assert member is not None
    async with core.services.transactions.transaction():  # as TIMEZONE America/New_York does
        await core.services.members.set_timezone(member.id, "America/New_York", core.services.clock.now())
    listing = (await say(core, "console:alice", "SESSIONS")).text
    assert "times in America/New_York" in listing
    assert "Thu 5 Mar at 12:00 (America/New_York)" in listing  # 17:00 UTC, before New York's clock change


async def test_ineligible_members_are_refused_and_nothing_is_stored(core: Core, store: Store) -> None:
    await join(core, "alice", "bob")
    await new_session(core, '"Insiders" 2d 1h | Shop | 5 | level Regular')
    await new_session(core, '"Big spenders" 2d 1h | Shop | 5 | min 100')
    assert "from level Regular" in (await say(core, "console:alice", "RSVP 1")).text
    assert "at least 100 credits" in (await say(core, "console:alice", "RSVP 2")).text
    await say(core, "console:mod", "AWARD @bob 100 helping out")
    assert "You have a place" in (await say(core, "console:bob", "RSVP 1")).text
    assert "You have a place" in (await say(core, "console:bob", "RSVP 2")).text
    assert await count(store, "session_rsvps") == 2


async def test_rsvp_to_a_past_cancelled_or_unknown_session_is_refused(
    core: Core, store: Store, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    await join(core, "alice", "bob")
    await new_session(core, '"Soon" 1h 30m | Shop | 5')
    await new_session(core)
    await say(core, "console:bob", "RSVP 2")
    assert "no session #7" in (await say(core, "console:alice", "RSVP 7")).text
    assert "not a session number" in (await say(core, "console:alice", "RSVP soon")).text
    assert "1 member told" in (await say(core, "console:mod", "SESSION CANCEL 2")).text
    assert "was cancelled" in (await say(core, "console:alice", "RSVP 2")).text
    assert "cancelled" in messenger.texts_to("console:bob")[-1]
    clock.advance(hours=1)
    assert "has begun" in (await say(core, "console:alice", "RSVP 1")).text
    assert await count(store, "session_rsvps WHERE member_id != 2") == 0


async def test_a_member_who_leaves_gives_their_place_to_the_first_waiting(
    core: Core, messenger: RecordingMessenger
) -> None:
    await join(core, "alice", "bob", "carol")
    await new_session(core)
    for name in ("alice", "bob", "carol"):
        await say(core, f"console:{name}", "RSVP 1")
    await core.member_left(MemberLeft(Identity.parse("console:alice")))
    assert "A place freed up" in messenger.texts_to("console:carol")[-1]
    assert "Coming (2): @bob, @carol" in (await say(core, "console:mod", "SESSION 1")).text
