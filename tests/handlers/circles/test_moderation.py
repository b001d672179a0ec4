"""REMOVE (deleted on Discord, a notice on WhatsApp), edits and deletions in the bridged channel, and
FORGET of a circle member."""

from __future__ import annotations

from handlers.bridge import BRIDGE, ChannelDeletion, ChannelEdit
from handlers.core import Core
from storage.store import Store
from tests.conftest import chat, say
from tests.fakes import FakeClock, RecordingMessenger
from tests.handlers.circles.conftest import RecordingRemover, in_circle, members, write


async def test_remove_deletes_the_post_on_discord_and_tells_the_direct_members(
    core: Core, messenger: RecordingMessenger, remover: RecordingRemover
) -> None:
    await in_circle(core, "runners", "alice", "bob")
    await members(core, "erin")
    await write(core, "alice", "something regrettable")
    await chat(core, "console:erin", "and a channel message", channel="runners", message_id="D77")
    assert (await say(core, "console:mod", "CIRCLE REMOVE #1")).text == "Message #1 is removed from runners."
    assert (await say(core, "console:mod", "CIRCLE REMOVE 2")).text == "Message #2 is removed from runners."
    await core.settle()
    # the bot's own post goes by its board; the person's channel message by its Discord id
    assert remover.removed == [("runners", "circle:1", None), ("runners", None, "D77")]
    assert messenger.texts_to("console:bob")[-2:] == [
        "A moderator removed #1 (alice) from runners.",
        "A moderator removed #2 (erin) from runners.",
    ]
    again = await say(core, "console:mod", "CIRCLE REMOVE #1")
    assert again.text == "There is no circle message #1 (or it was removed already)."
    assert "is not a message number" in (await say(core, "console:mod", "CIRCLE REMOVE first")).text
    assert len(remover.removed) == 2


async def test_members_may_not_remove_or_mute(core: Core, remover: RecordingRemover) -> None:
    await in_circle(core, "runners", "alice", "bob")
    await write(core, "alice", "hello")
    for line in ("CIRCLE REMOVE #1", "CIRCLE MUTE @alice"):
        assert "moderator" in (await say(core, "console:bob", line)).text.lower()
    assert remover.removed == []


async def test_an_edit_in_the_channel_sends_a_correction_and_a_deletion_a_notice(
    core: Core, messenger: RecordingMessenger
) -> None:
    await in_circle(core, "runners", "alice")
    await members(core, "erin")
    await chat(core, "console:erin", "run at 9", channel="runners", message_id="D1")
    bridge = core.port(BRIDGE)
    await bridge.edited(ChannelEdit("runners", "D1", "run at 8"))
    await bridge.edited(ChannelEdit("runners", "D1", "run at 8"))  # the same text again: nothing more
    await bridge.edited(ChannelEdit("general", "D1", "elsewhere"))  # not a bridged channel
    await bridge.edited(ChannelEdit("runners", "D404", "never relayed"))
    await bridge.deleted(ChannelDeletion("runners", "D1"))
    await bridge.deleted(ChannelDeletion("runners", "D1"))
    await core.settle()
    assert messenger.texts_to("console:alice") == [
        "erin #1: run at 9",
        "erin corrected #1: run at 8",
        "erin deleted #1 in runners.",
    ]


async def test_forget_takes_a_member_out_of_every_circle_and_empties_their_words(
    core: Core, store: Store, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    await in_circle(core, "runners", "alice", "bob", "dave")
    await write(core, "alice", "my phone is 0612345678")
    clock.advance(hours=36)
    await say(core, "console:bob", "CIRCLES")
    await write(core, "bob", "#1 thanks alice")  # dave misses both
    before = len(messenger.sent)
    ask = await say(core, "console:mod", "FORGET @alice")
    assert ask.choices, ask.text
    await say(core, "console:mod", ask.choices[0].command)
    rows = await store.db.fetch_all(
        "SELECT text, sender_name, removed_at IS NOT NULL FROM circle_messages ORDER BY id"
    )
    assert next(tuple(r) for r in rows) == ("", "…", 1)
    kept = await store.db.fetch_all("SELECT text FROM circle_messages WHERE id = 2")
    assert kept[0][0] == "thanks alice"  # others' words stay
    listing = (await say(core, "console:bob", "CIRCLES")).text
    assert "runners (2/4)" in listing
    await say(core, "console:dave", "CIRCLES")
    await core.settle()
    caught = [t for t in messenger.texts_to("console:dave") if t.startswith("While you were away")]
    assert caught == ["While you were away, 1 message in runners:\nbob #2: thanks alice"]
    assert all("0612345678" not in m.reply.text for m in messenger.sent[before:])


async def test_two_members_merged_by_link_keep_one_place_per_circle(core: Core, store: Store) -> None:
    phone = "whatsapp:+15550001234"
    await in_circle(core, "runners", "alice")
    await say(core, phone, "JOIN")
    assert (await say(core, phone, "CIRCLE JOIN runners")).text.startswith("Welcome to runners (2/4)")
    assert (await say(core, phone, "CIRCLE JOIN walkers")).text.startswith("Welcome to walkers (1/2)")
    code = (await say(core, "console:alice", "LINK")).text.split()[4]
    linked = await say(core, phone, f"LINK {code}")
    assert linked.text.startswith("Linked"), linked.text
    listing = (await say(core, "console:alice", "CIRCLES")).text
    assert "• runners (1/4)" in listing and "• walkers (1/2) · yours" in listing
    rows = await store.db.fetch_all("SELECT DISTINCT member_id FROM circle_members")
    assert len(rows) == 1
