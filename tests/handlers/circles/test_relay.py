"""A circle member's plain message passed on: to each other member once, to the bridged channel, with the
policy (pending, STOP, muted, rate limit) checked where every message passes."""

from __future__ import annotations

from handlers.core import Core
from handlers.delivery import MessageKind
from handlers.events import ChatMessage
from handlers.features import community_config
from handlers.models import Identity
from storage.store import Store
from tests.conftest import chat, make_core, say
from tests.fakes import FakeClock, RecordingMessenger
from tests.handlers.circles.conftest import CIRCLES_COMMUNITY, in_circle, members, write


def relayed(messenger: RecordingMessenger, text: str) -> list[str]:
    """Who a message with these words was delivered to (`#channel` for a channel post)."""
    return sorted(
        str(m.to) if m.to is not None else f"#{m.channel}" for m in messenger.sent if text in m.reply.text
    )


async def test_a_plain_message_reaches_each_other_member_once_with_the_senders_name_and_the_channel(
    core: Core, messenger: RecordingMessenger
) -> None:
    await in_circle(core, "runners", "alice", "bob", "carol")
    assert await write(core, "alice", "Who runs on Saturday?") == []  # taken: no answer to the writer
    assert relayed(messenger, "Who runs on Saturday?") == ["#runners", "console:bob", "console:carol"]
    assert messenger.texts_to("console:bob") == ["alice #1: Who runs on Saturday?"]
    post = next(m for m in messenger.sent if m.channel == "runners")
    assert post.reply.text == "Who runs on Saturday?"
    assert post.reply.author == "alice · #1"
    assert {m.kind for m in messenger.sent} == {MessageKind.CIRCLE}


async def test_a_replayed_message_is_relayed_once(core: Core, messenger: RecordingMessenger) -> None:
    await in_circle(core, "runners", "alice", "bob")
    await write(core, "alice", "only once please", message_id="SM1")
    await write(core, "alice", "only once please", message_id="SM1")
    assert relayed(messenger, "only once please") == ["#runners", "console:bob"]


async def test_a_reply_quotes_the_start_of_what_it_answers(core: Core, messenger: RecordingMessenger) -> None:
    await in_circle(core, "runners", "alice", "bob", "carol")
    await write(core, "alice", "Who is running on Saturday morning at the park, rain or shine, and how far?")
    await write(core, "bob", "#1 Me, 10 km")
    assert messenger.texts_to("console:carol")[-1] == (
        "bob #2, replying to alice"
        " (“Who is running on Saturday morning at the park, rain or shi…”): Me, 10 km"
    )
    post = [m for m in messenger.sent if m.channel == "runners"][-1]
    assert post.reply.text.splitlines() == [
        "↪ alice: “Who is running on Saturday morning at the park, rain or shi…”",
        "Me, 10 km",
    ]
    # a reply to a number of another circle or of none at all is plain text
    assert await write(core, "bob", "#99 nothing there") == []
    assert messenger.texts_to("console:carol")[-1] == "bob #3: nothing there"


async def test_a_muted_member_is_refused_with_one_line_and_nothing_is_relayed(
    core: Core, messenger: RecordingMessenger
) -> None:
    await in_circle(core, "runners", "alice", "bob")
    assert (await say(core, "console:mod", "CIRCLE MUTE @alice")).text.startswith(
        "@alice is muted in runners"
    )
    assert await write(core, "alice", "can anyone hear me") == [
        "A moderator muted you in runners: your message was not passed on."
    ]
    assert relayed(messenger, "can anyone hear me") == []
    await say(core, "console:mod", "CIRCLE UNMUTE @alice")
    await write(core, "alice", "I can speak again")
    assert relayed(messenger, "I can speak again") == ["#runners", "console:bob"]


async def test_the_rate_limit_refuses_a_flood_saying_so_and_forgives_it_later(
    core: Core, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    await in_circle(core, "runners", "alice", "bob")
    for n in range(3):
        assert await write(core, "alice", f"message {n}") == []
    refused = await write(core, "alice", "one too many")
    assert refused == [
        "Slow down: at most 3 messages every 60 seconds in a circle. This one was not passed on."
    ]
    assert relayed(messenger, "one too many") == []
    clock.advance(seconds=61)
    assert await write(core, "alice", "calm again") == []
    assert relayed(messenger, "calm again") == ["#runners", "console:bob"]


async def test_a_member_who_sent_stop_neither_sends_nor_receives(
    core: Core, messenger: RecordingMessenger
) -> None:
    await in_circle(core, "runners", "alice", "bob", "carol")
    await say(core, "console:carol", "STOP")
    await write(core, "alice", "hello circle")
    assert relayed(messenger, "hello circle") == ["#runners", "console:bob"]
    assert await write(core, "carol", "let me in") == [
        "You sent STOP, so your circle's messages do not reach you: send START to chat in it again."
    ]
    assert relayed(messenger, "let me in") == []


async def test_a_pending_member_neither_joins_nor_is_relayed_from_the_bridged_channel(
    store: Store, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    with_rules = community_config({**CIRCLES_COMMUNITY, "onboarding": {"rules": ["Be kind."]}})
    core = make_core(store, clock, messenger, with_rules)
    await core.start()
    await say(core, "console:alice", "JOIN")
    await say(core, "console:alice", "AGREE")
    assert (await say(core, "console:alice", "CIRCLE JOIN runners")).text.startswith("Welcome to runners")
    await say(core, "console:bob", "JOIN")  # pending: has not accepted the rules
    refused = await say(core, "console:bob", "CIRCLE JOIN runners")
    assert not refused.text.startswith("Welcome"), refused.text
    replies = await chat(core, "console:bob", "hi from a newcomer", channel="runners")
    assert relayed(messenger, "hi from a newcomer") == []
    assert [r.text for r in replies] == [
        "Accept the rules first (send AGREE): then your messages reach your circle."
    ]
    await core.settle()


async def test_mass_mentions_are_passed_on_as_words_and_the_channel_post_is_not_a_ping(
    core: Core, messenger: RecordingMessenger
) -> None:
    await in_circle(core, "runners", "alice", "bob")
    await write(core, "alice", "@everyone @here <@&123> run at 8")
    assert messenger.texts_to("console:bob") == ["alice #1: @everyone @here <@&123> run at 8"]
    post = next(m for m in messenger.sent if m.channel == "runners")
    assert post.reply.author == "alice · #1"  # the Discord messenger posts it with no pings (its tests)


async def test_a_long_message_is_relayed_whole_never_cut(core: Core, messenger: RecordingMessenger) -> None:
    await in_circle(core, "runners", "alice", "bob")
    long = " ".join(f"word{n}" for n in range(400))  # over WhatsApp's 1,600 and Discord's 2,000 characters
    assert 2000 < len(long) < 4000
    await write(core, "alice", long)
    assert messenger.texts_to("console:bob") == [f"alice #1: {long}"]
    post = next(m for m in messenger.sent if m.channel == "runners")
    assert post.reply.text == long  # each adapter splits what is over its limit (their tests)


async def test_words_that_only_start_like_a_command_are_chat_in_a_circle(
    core: Core, messenger: RecordingMessenger
) -> None:
    await in_circle(core, "runners", "alice", "bob")
    for line in ("Thanks everyone for coming!", "Points for effort today", "Review of the new shoes: great"):
        assert await write(core, "alice", line) == [], line
        assert relayed(messenger, line) == ["#runners", "console:bob"], line
    # a command that parses stays a command, and is not relayed
    points = await write(core, "alice", "POINTS")
    assert len(points) == 1 and "credit" in points[0]
    assert relayed(messenger, "POINTS") == []


async def test_words_that_start_like_back_are_chat_not_backing_an_idea(
    core: Core, messenger: RecordingMessenger
) -> None:
    await in_circle(core, "runners", "alice", "bob")
    for line in ("Back again after the holidays!", "Back 2 weeks later"):  # BACK takes an idea's number
        assert await write(core, "alice", line) == [], line
        assert relayed(messenger, line) == ["#runners", "console:bob"], line


async def test_outside_a_circle_a_wrong_command_is_still_refused_with_its_usage(core: Core) -> None:
    await members(core, "dave")
    reply = await say(core, "console:dave", "Points for effort today")
    assert "POINTS" in reply.text


async def test_relayed_chat_earns_activity_points_under_the_chat_rules(core: Core, clock: FakeClock) -> None:
    await in_circle(core, "runners", "alice", "bob")
    await write(core, "alice", "A message long enough to count")
    await write(core, "alice", "Another one inside the cooldown")  # the chat cooldown: nothing more
    await write(core, "alice", "short")
    assert "@alice: 1 credit" in (await say(core, "console:alice", "POINTS")).text
    clock.advance(seconds=61)
    await write(core, "alice", "After the cooldown, one more")
    assert "@alice: 2 credits" in (await say(core, "console:alice", "POINTS")).text


async def test_a_channel_message_reaches_the_circles_direct_members_under_the_writers_name(
    core: Core, messenger: RecordingMessenger
) -> None:
    await in_circle(core, "runners", "alice", "bob")
    replies = await core.handle_chat(
        ChatMessage(Identity.parse("console:erin"), "not a member yet", "runners", event_id="d1")
    )
    assert relayed(messenger, "not a member yet") == [] and not [r for r in replies if not r.private]
    await members(core, "erin")
    await chat(core, "console:erin", "Count me in @alice", channel="runners", message_id="d2")
    assert relayed(messenger, "Count me in") == ["console:alice", "console:bob"]
    assert messenger.texts_to("console:alice")[-1] == "erin #1: Count me in @alice"
    await chat(core, "console:erin", "Count me in @alice", channel="runners", message_id="d2")  # replayed
    assert relayed(messenger, "Count me in") == ["console:alice", "console:bob"]


async def test_a_handle_in_a_relayed_message_names_the_member_for_the_channels_platform(
    core: Core, messenger: RecordingMessenger
) -> None:
    await in_circle(core, "runners", "alice", "bob")
    await write(core, "alice", "@bob and @nobody, see you; @everyone too")
    post = next(m for m in messenger.sent if m.channel == "runners")
    assert post.reply.mentions == (("@bob", Identity("console", "bob")),)  # no such member, no mass mention


async def test_a_refused_file_refuses_the_whole_message_and_a_kept_one_is_counted(
    core: Core, messenger: RecordingMessenger
) -> None:
    from handlers.events import DirectMessage
    from handlers.models import Attachment

    await in_circle(core, "runners", "alice", "bob")
    alice = Identity("console", "alice")
    zipped = Attachment("https://media.example/a.zip", "application/zip", 10, refused="type")
    refused = await core.handle_direct(DirectMessage(alice, "my route", attachments=(zipped,)))
    assert [r.text for r in refused] == [
        "This kind of file cannot be passed on to the circle: send a photo or a video. Nothing was sent."
    ]
    assert relayed(messenger, "my route") == []
    photo = Attachment("https://media.example/p.jpg", "image/jpeg", 10, stored="ab/cd.jpg")
    assert await core.handle_direct(DirectMessage(alice, "my route", attachments=(photo,))) == []
    await core.settle()
    assert messenger.texts_to("console:bob") == ["alice #1: my route\n📎 1 file"]
    post = next(m for m in messenger.sent if m.channel == "runners")
    assert post.reply.text == "my route\n📎 1 file"
    # the post carries the kept file's key, and which line a platform that attaches it drops
    assert post.reply.files == ("ab/cd.jpg",)
    assert post.reply.files_note == "📎 1 file"


async def test_a_photo_without_words_is_relayed_and_outside_a_circle_is_an_empty_message(
    core: Core, messenger: RecordingMessenger
) -> None:
    from handlers.events import DirectMessage
    from handlers.models import Attachment

    await in_circle(core, "runners", "alice", "bob")
    photo = Attachment("https://media.example/p.jpg", "image/jpeg", 10, stored="cd.jpg")
    assert (
        await core.handle_direct(DirectMessage(Identity("console", "alice"), "", attachments=(photo,))) == []
    )
    await core.settle()
    assert messenger.texts_to("console:bob") == ["alice #1: 📎 1 file"]
    post = next(m for m in messenger.sent if m.channel == "runners")
    assert (post.reply.text, post.reply.files) == ("📎 1 file", ("cd.jpg",))
    stranger = Identity("console", "carol")
    answered = await core.handle_direct(DirectMessage(stranger, "", attachments=(photo,)))
    empty = await core.handle_direct(DirectMessage(stranger, ""))
    assert [r.text for r in answered] == [r.text for r in empty]


async def test_a_direct_members_copy_carries_the_files_with_the_line_that_stands_for_them(
    core: Core, messenger: RecordingMessenger
) -> None:
    from handlers.events import DirectMessage
    from handlers.models import Attachment

    await in_circle(core, "runners", "alice", "bob")
    photo = Attachment("https://media.example/p.jpg", "image/jpeg", 10, stored="ef.jpg")
    await core.handle_direct(DirectMessage(Identity("console", "alice"), "my route", attachments=(photo,)))
    await core.settle()
    (copy,) = [m.reply for m in messenger.sent if m.to == Identity("console", "bob")][-1:]
    # a platform that carries files (WhatsApp) sends them and drops the line; the console shows the line
    assert copy.text == "alice #1: my route\n📎 1 file"
    assert (copy.files, copy.files_note) == (("ef.jpg",), "📎 1 file")
