"""Where a session is told: its live post (edited as places fill), the WhatsApp broadcast of a new
session (once per member, opted-in members only), and HELP."""

from __future__ import annotations

import asyncio

from handlers.core import Core
from handlers.delivery import MessageKind
from handlers.features import community_config
from handlers.models import Reply
from handlers.platforms import Platforms
from handlers.stamps import plain
from storage.store import Store
from tests.conftest import make_core, say
from tests.fakes import FakeClock, RecordingMessenger
from tests.handlers.sessions.conftest import SESSIONS_COMMUNITY, join, new_session


class Editor:
    def __init__(self) -> None:
        self.edits: list[tuple[str, Reply]] = []

    async def edit_post(self, board: str, reply: Reply) -> None:
        self.edits.append((board, reply))


async def edited(editor: Editor, wanted: str) -> Reply:
    """The post's latest edit once it says `wanted` (edits go out a moment after the commit)."""
    for _ in range(200):
        if editor.edits and wanted in editor.edits[-1][1].text:
            return editor.edits[-1][1]
        await asyncio.sleep(0.01)
    raise AssertionError(f"no edit says {wanted!r}: {editor.edits[-1:]}")


async def test_the_post_shows_the_places_left_as_they_fill(
    store: Store, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    editor = Editor()
    community = community_config(
        {**SESSIONS_COMMUNITY, "sessions": {"channel": "events", "live_update_seconds": 0}}
    )
    core = make_core(store, clock, messenger, community, Platforms(editor=editor))
    await core.start()
    await join(core, "alice", "bob")
    await new_session(core)
    await say(core, "console:alice", "RSVP 1")
    assert "1 place left of 2" in (await edited(editor, "left of 2")).text
    await say(core, "console:bob", "RSVP 1")
    full = await edited(editor, "Full: the waitlist is open")
    assert [c.command for c in full.choices] == ["RSVP 1"]  # a full session still takes waitlist places
    assert {board for board, _ in editor.edits} == {"session:1"}
    await say(core, "console:mod", "SESSION CANCEL 1")
    assert (await edited(editor, "is cancelled")).choices == ()


async def test_a_new_session_is_broadcast_once_to_opted_in_whatsapp_members(
    core: Core, messenger: RecordingMessenger
) -> None:
    await say(core, "whatsapp:+15550000001", "JOIN")
    await say(core, "whatsapp:+15550000001", "AGREE")
    await say(core, "whatsapp:+15550000002", "JOIN")
    await say(core, "whatsapp:+15550000002", "AGREE")
    await say(core, "whatsapp:+15550000002", "STOP")
    await new_session(core, '"Q&A" 2d 1h | Online | 10 | whatsapp')
    sent = [m for m in messenger.sent if m.kind is MessageKind.NEWSLETTER]
    assert [str(m.to) for m in sent] == ["whatsapp:+15550000001"]
    assert plain(sent[0].reply.text).startswith("📅 Founder session #1: Q&A")
    assert [c.command for c in sent[0].reply.choices] == ["RSVP 1"]
    assert sent[0].reply.teaser is not None and sent[0].reply.teaser.endswith("Send RSVP 1 to take a place.")
    await core.run_due_jobs()
    assert len([m for m in messenger.sent if m.kind is MessageKind.NEWSLETTER]) == 1


async def test_help_lists_what_members_and_moderators_may_do(core: Core) -> None:
    await join(core, "alice")
    member = (await say(core, "console:alice", "HELP")).text
    assert "RSVP" in member and "SESSIONS" in member and "SESSION NEW" not in member
    moderator = (await say(core, "console:mod", "HELP")).text
    assert all(
        name in moderator for name in ("SESSION NEW", "SESSION MOVE", "SESSION CANCEL", "SESSION ATTEND")
    )


async def test_a_broadcast_session_reaches_each_member_with_times_in_their_own_zone(
    core: Core, messenger: RecordingMessenger
) -> None:
    for number in ("+15550000001", "+15550000002"):
        await say(core, f"whatsapp:{number}", "JOIN")
        await say(core, f"whatsapp:{number}", "AGREE")
    await say(core, "whatsapp:+15550000002", "TIMEZONE America/New_York")
    await new_session(core, '"Q&A" 2026-03-05 18:00 1h | Online | 10 | whatsapp')
    sent = {str(m.to): m.reply for m in messenger.sent if m.kind is MessageKind.NEWSLETTER}
    paris, new_york = sent["whatsapp:+15550000001"], sent["whatsapp:+15550000002"]
    assert "Thu 5 Mar at 18:00 (Europe/Paris)" in plain(paris.text)
    assert "Thu 5 Mar at 12:00 (America/New_York)" in plain(new_york.text)
    assert "Europe/Paris" not in plain(new_york.text)
    assert new_york.teaser is not None and "12:00 (America/New_York)" in plain(new_york.teaser)
