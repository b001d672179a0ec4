"""WhatsApp's 24-hour window: outside it, nothing free-form; one notice per period, then a catch-up capped
oldest first with the count of the rest."""

from __future__ import annotations

from handlers.core import Core
from tests.conftest import say
from tests.fakes import FakeClock, RecordingMessenger
from tests.handlers.circles.conftest import in_circle, write


async def away(core: Core, clock: FakeClock, *back: str) -> None:
    """A day and a half passes; only `back` write to the bot again (inside their window)."""
    clock.advance(hours=36)
    await core.run_due_jobs()
    for name in back:
        await say(core, f"console:{name}", "CIRCLES")


async def test_outside_the_window_one_notice_per_period_and_nothing_free_form(
    core: Core, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    await in_circle(core, "runners", "alice", "bob", "dave")
    await away(core, clock, "alice", "bob")
    for n in range(3):
        await write(core, "alice", f"update {n}")
        clock.advance(minutes=1)
    assert messenger.texts_to("console:dave") == []  # nothing free-form, and the notice waits 15 minutes
    clock.advance(minutes=15)
    await core.run_due_jobs()
    await core.settle()
    assert messenger.texts_to("console:dave") == ["3 new messages in runners: reply to read them."]
    notice = next(m for m in messenger.sent if str(m.to) == "console:dave")
    assert notice.reply.teaser == notice.reply.text  # a template on WhatsApp carries the same line
    # more within the period: no second notice
    for n in range(2):
        await write(core, "bob", f"later {n}")
    clock.advance(hours=2)
    await core.run_due_jobs()
    await core.settle()
    assert len(messenger.texts_to("console:dave")) == 1
    assert len(messenger.texts_to("console:bob")) == 3  # bob, inside his window, read alice's three


async def test_a_returning_member_gets_what_they_missed_oldest_first_capped_with_the_rest_counted(
    core: Core, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    await in_circle(core, "runners", "alice", "dave")
    await away(core, clock, "alice")
    for n in range(5):
        await write(core, "alice", f"update {n}")
        clock.advance(seconds=30)  # within the rate limit
    await say(core, "console:dave", "CIRCLES")  # any message brings the first catch-up (capped at 2)
    await core.settle()
    first = [t for t in messenger.texts_to("console:dave") if t.startswith("While you were away")]
    assert first == [
        "While you were away, 5 messages in runners:\n"
        "alice #1: update 0\nalice #2: update 1\n… and 3 more: send any message to read them."
    ]
    await write(core, "dave", "I am back")  # his own message goes out, and brings the next two
    assert "I am back" in messenger.texts_to("console:alice")[-1]
    shown = [t for t in messenger.texts_to("console:dave") if t.startswith("While you were away")]
    assert shown[1].splitlines()[1:] == [
        "alice #3: update 2",
        "alice #4: update 3",
        "… and 1 more: send any message to read it.",
    ]
    await say(core, "console:dave", "CIRCLES")
    await say(core, "console:dave", "CIRCLES")  # nothing left: no empty catch-up
    shown = [t for t in messenger.texts_to("console:dave") if t.startswith("While you were away")]
    assert len(shown) == 3 and shown[2].splitlines()[1:] == ["alice #5: update 4"]


async def test_back_before_the_notice_went_means_no_notice(
    core: Core, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    await in_circle(core, "runners", "alice", "dave")
    await away(core, clock, "alice")
    await write(core, "alice", "are you there")
    clock.advance(minutes=5)
    await say(core, "console:dave", "CIRCLES")  # back: the catch-up brings it
    clock.advance(minutes=15)
    await core.run_due_jobs()
    await core.settle()
    texts = messenger.texts_to("console:dave")
    assert [t.splitlines()[1] for t in texts] == ["alice #1: are you there"]
    assert not any("new message" in t for t in texts)


async def test_a_message_removed_before_a_member_came_back_is_not_caught_up(
    core: Core, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    await in_circle(core, "runners", "alice", "dave")
    await away(core, clock, "alice")
    await write(core, "alice", "oops, wrong circle")
    await write(core, "alice", "hello all")
    await say(core, "console:mod", "CIRCLE REMOVE #1")
    await say(core, "console:dave", "CIRCLES")
    await core.settle()
    caught = [t for t in messenger.texts_to("console:dave") if t.startswith("While you were away")]
    assert caught == ["While you were away, 1 message in runners:\nalice #2: hello all"]
