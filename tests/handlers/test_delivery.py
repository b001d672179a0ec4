"""The delivery policy, decided once in the core for every platform, and the outbox every message goes
through: answers always go; nothing proactive reaches a member who sent STOP (on any platform), who left,
or a WhatsApp number that never opted in; a crash between the commit and the send loses nothing."""

from __future__ import annotations

import pytest

from bot.formats import TEXTS
from handlers.core import Core
from handlers.delivery import MessageKind, Outgoing
from handlers.events import MemberLeft
from handlers.features import FEATURES, community_config
from handlers.install import build_core
from handlers.models import Identity, Reply
from handlers.platforms import Platforms
from handlers.settings import CommunityConfig
from storage.store import Store
from tests.conftest import chat, say
from tests.fakes import FakeClock, RecordingMessenger

PLATFORMS = ("console:alice", "discord:111111111111111111", "whatsapp:+15550001234")


@pytest.fixture
def community() -> CommunityConfig:
    return community_config(
        {
            "community": {"name": "Test Club", "timezone": "Europe/Paris"},
            "roles": {"moderators": ["console:mod"]},
            "levels": {
                "announce": "dm",
                "tiers": [{"name": "New", "threshold": 0}, {"name": "Regular", "threshold": 10}],
            },
            "points": {"activity": {"min_length": 1, "cooldown_seconds": 0}},
        }
    )


async def test_stop_on_the_console_stops_awards_kudos_and_level_ups(
    core: Core, messenger: RecordingMessenger
) -> None:
    """Found: `alice: JOIN`, `alice: STOP`, then an AWARD and a KUDOS still told alice, and a level-up DM."""
    for who in ("console:alice", "console:bob"):
        await say(core, who, "JOIN")
    await say(core, "console:alice", "STOP")
    await say(core, "console:mod", "AWARD @alice 15 great review")
    await say(core, "console:bob", "KUDOS @alice thanks")
    await chat(core, "console:bob", "@alice++ for the photos")
    told = [m.reply.text for m in messenger.sent if m.to == Identity.parse("console:alice")]
    assert told == []  # nothing proactive: not the award, the thanks or the level she reached
    assert core.dispatcher.withheld["opted out with STOP"] == 3
    reply = await say(core, "console:alice", "POINTS")  # answers still go
    assert reply.text.startswith("@alice: 25 credits")


@pytest.mark.parametrize("kind", list(MessageKind))
@pytest.mark.parametrize("platform", PLATFORMS)
async def test_every_kind_reaches_only_those_it_may(
    store: Store, clock: FakeClock, messenger: RecordingMessenger, kind: MessageKind, platform: str
) -> None:
    """Each kind of message, to a member who is in, pending, opted out, left, and (on WhatsApp) a number
    that never opted in: what reaches them is decided by the kind alone, the same on every platform."""
    with_rules = community_config({"onboarding": {"rules": ["Be kind"]}})  # so that JOIN leaves one pending
    core = build_core(store.services(with_rules, clock), messenger, FEATURES, texts=TEXTS)
    await core.start()
    member, stopped, gone = Identity.parse(platform), _other(platform, 1), _other(platform, 2)
    pending = _other(platform, 4)
    for who in (member, stopped, gone, pending):
        await say(core, str(who), "JOIN")
    for who in (member, stopped, gone):
        await say(core, str(who), "AGREE")
    await say(core, str(stopped), "STOP")
    await core.member_left(MemberLeft(gone))
    stranger = _other(platform, 3)  # never joined: on WhatsApp, never opted in
    messenger.sent.clear()
    to = [member, pending, stopped, gone, stranger]
    await core.send([Outgoing(Reply(f"{kind} {n}"), to=who, kind=kind) for n, who in enumerate(to)])
    got = {m.to for m in messenger.sent}
    expected = set(to) if not kind.proactive else {member, pending}
    if kind.proactive and platform != "whatsapp:+15550001234":
        expected.add(stranger)  # only WhatsApp needs an explicit opt-in before anything proactive
    assert got == expected


async def test_stop_on_one_platform_stops_proactive_messages_on_every_linked_one(
    core: Core, messenger: RecordingMessenger
) -> None:
    await say(core, "console:alice", "JOIN")
    code = (await say(core, "console:alice", "LINK")).text.split("LINK ")[-1]
    await say(core, "discord:111111111111111111", f"LINK {code}")
    await say(core, "discord:111111111111111111", "STOP")
    messenger.sent.clear()
    alice = await core.services.members.by_identity(Identity.parse("console:alice"))
    assert alice is not None
    await core.send([Outgoing(Reply("news"), member_id=alice.id, kind=MessageKind.NOTICE)])
    assert messenger.sent == []
    await say(core, "console:alice", "START")
    await core.send([Outgoing(Reply("news"), member_id=alice.id, kind=MessageKind.NOTICE)])
    assert [m.to for m in messenger.sent] == [Identity.parse("console:alice")]  # the one used last


async def test_a_message_to_a_platform_with_no_running_adapter_is_withheld(
    store: Store, clock: FakeClock, community: CommunityConfig
) -> None:
    messenger = RecordingMessenger()
    platforms = Platforms(running=frozenset({"console"}))
    core = build_core(store.services(community, clock), messenger, FEATURES, platforms, texts=TEXTS)
    await core.start()
    await core.send([Outgoing(Reply("hi"), to=Identity.parse("whatsapp:+15550001234"))])
    assert messenger.sent == []
    assert core.dispatcher.withheld["no running platform reaches them"] == 1


async def test_withheld_messages_are_never_claimed_so_a_crash_cannot_make_them_unknown(
    store: Store, clock: FakeClock, community: CommunityConfig
) -> None:
    """Found (a kill -9 test, now and then): a channel post on a bot with WhatsApp alone was claimed, then
    "sent" to no channel at all; killed in between, it ended `unknown` although nothing could go out.
    Withheld rows (here: no platform with channels, a platform not running) skip the claim."""
    messenger = RecordingMessenger()
    platforms = Platforms(running=frozenset({"whatsapp"}), channels=False)
    core = build_core(store.services(community, clock), messenger, FEATURES, platforms, texts=TEXTS)
    await core.start()
    await core.send(
        [
            Outgoing(Reply("results"), channel="general", kind=MessageKind.ANNOUNCEMENT),
            Outgoing(Reply("hi"), to=Identity.parse("console:alice")),
        ]
    )
    assert messenger.sent == []
    assert core.dispatcher.withheld == {
        "no running platform has channels": 1,
        "no running platform reaches them": 1,
    }
    rows = await store.db.fetch_all("SELECT state, attempts, claim FROM deliveries ORDER BY id")
    assert [tuple(row) for row in rows] == [("withheld", 0, None), ("withheld", 0, None)]  # never `sending`


async def test_a_crash_between_the_commit_and_the_send_loses_nothing(
    store: Store, clock: FakeClock, community: CommunityConfig
) -> None:
    """Found: the state change was kept, its notice was gone. Now the notice is written with the change."""

    class Crashed(BaseException):
        """The process died after the commit (a BaseException: nothing catches it on the way out)."""

    class DyingMessenger(RecordingMessenger):
        async def deliver(self, delivery: object) -> None:
            raise Crashed

    dying = build_core(store.services(community, clock), DyingMessenger(), FEATURES, texts=TEXTS)
    await dying.start()
    await say(dying, "console:bob", "JOIN")
    with pytest.raises(Crashed):
        await dying.handle_direct(_direct("console:mod", "AWARD @bob 20 for the photos"))
    # The next start: the award is there, and so is its notice, sent once.
    messenger = RecordingMessenger()
    restarted = build_core(store.services(community, clock), messenger, FEATURES, texts=TEXTS)
    await restarted.start()
    await restarted.resume()
    assert [m.reply.text for m in messenger.sent] == []  # it was being sent when the process died...
    row = await store.db.fetch_one("SELECT state, note FROM deliveries WHERE kind = 'award'")
    assert row is not None and row[0] == "unknown"  # ...so it may have arrived: never sent twice


async def test_a_crash_before_anything_was_sent_sends_it_at_the_next_start(
    store: Store, clock: FakeClock, community: CommunityConfig
) -> None:
    class Crashed(BaseException):
        pass

    crashing = build_core(store.services(community, clock), RecordingMessenger(), FEATURES, texts=TEXTS)
    await crashing.start()
    await say(crashing, "console:bob", "JOIN")

    async def die(ids: object) -> None:
        raise Crashed

    crashing.dispatcher.dispatch = die  # type: ignore[method-assign]  # dies right after the commit
    with pytest.raises(Crashed):
        await crashing.handle_direct(_direct("console:mod", "AWARD @bob 20 for the photos"))
    messenger = RecordingMessenger()
    restarted = build_core(store.services(community, clock), messenger, FEATURES, texts=TEXTS)
    await restarted.start()
    await restarted.resume()
    assert [m.reply.text for m in messenger.sent] == [
        "🎉 You reached level Regular!",
        "You were awarded 20 credits: for the photos",
    ]
    await restarted.resume()
    assert len(messenger.sent) == 2  # a second start sends nothing again


def _other(platform: str, n: int) -> Identity:
    kind = platform.partition(":")[0]
    if kind == "console":
        return Identity("console", f"member{n}")
    if kind == "discord":
        return Identity("discord", f"22222222222222222{n}")
    return Identity("whatsapp", f"+1555000999{n}")


def _direct(who: str, text: str):  # type: ignore[no-untyped-def]
    from handlers.events import DirectMessage

    return DirectMessage(Identity.parse(who), text)


def test_a_replys_files_and_their_note_survive_the_outbox() -> None:
    from handlers.delivery import reply_from_json, reply_to_json

    reply = Reply(
        "look\n📎 2 files", author="wanda · #1", files=("a1.jpg", "b2.png"), files_note="📎 2 files"
    )
    assert reply_from_json(reply_to_json(reply)) == reply
    assert reply_from_json(reply_to_json(Reply("plain"))).files == ()
    assert reply.without_files == Reply("look\n📎 2 files", author="wanda · #1")
