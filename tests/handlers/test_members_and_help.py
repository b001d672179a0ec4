from __future__ import annotations

from handlers.core import Core
from handlers.events import MemberJoined, MemberLeft
from handlers.models import Identity, MemberStatus
from storage.store import Store
from tests.conftest import say
from tests.fakes import FakeClock, RecordingMessenger


async def test_join_creates_a_member_once(core: Core, store: Store, clock: FakeClock) -> None:
    first = await say(core, "console:alice", "join")
    assert "Welcome to Test Club, alice!" in first.text
    member = await store.members.by_identity(Identity.parse("console:alice"))
    assert member is not None and member.status is MemberStatus.MEMBER and member.joined_at == clock.now()
    clock.advance(hours=1)
    again = await say(core, "console:alice", "JOIN")
    assert "already a member" in again.text
    assert (await store.members.count_by_status())[MemberStatus.MEMBER] == 1


async def test_platform_join_sends_the_welcome_privately(core: Core, messenger: RecordingMessenger) -> None:
    assert await core.member_joined(MemberJoined(Identity.parse("console:bob"), "Bob Builder")) == []
    assert any("Welcome to Test Club, Bob Builder" in t for t in messenger.texts_to("console:bob"))
    await core.member_joined(MemberJoined(Identity.parse("console:bob"), "Bob Builder"))
    assert len(messenger.texts_to("console:bob")) == 1  # a replayed join event changes nothing


async def test_leave_and_rejoin_keep_the_member(core: Core, store: Store) -> None:
    await say(core, "console:alice", "JOIN")
    await core.member_left(MemberLeft(Identity.parse("console:alice")))
    member = await store.members.by_identity(Identity.parse("console:alice"))
    assert member is not None and member.status is MemberStatus.LEFT
    assert "is for members" in (await say(core, "console:alice", "WHOAMI")).text
    back = await say(core, "console:alice", "JOIN")
    assert "Welcome back" in back.text
    rejoined = await store.members.by_identity(Identity.parse("console:alice"))
    assert rejoined is not None and rejoined.id == member.id and rejoined.status is MemberStatus.MEMBER


async def test_help_lists_only_what_the_asker_may_use(core: Core) -> None:
    from handlers.models import Reply, Role
    from handlers.registry import Command

    async def secret(ctx) -> Reply:
        return Reply("done")

    core.registry.add(Command("MODTHING", "help.cmd_help", secret, permission=Role.MODERATOR))
    stranger = (await say(core, "console:zed", "HELP")).text
    assert "JOIN" in stranger and "MODTHING" not in stranger and "send JOIN first" in stranger
    moderator = (await say(core, "console:mod", "help")).text
    assert "MODTHING — list what you can do, or explain one command" in moderator
    refused = await say(core, "console:zed", "MODTHING")
    assert refused.text == "MODTHING is for moderators only." and refused.private
    assert (await say(core, "console:mod", "modthing")).text == "done"


async def test_help_for_one_command(core: Core) -> None:
    reply = await say(core, "console:alice", "HELP join")
    assert reply.text.startswith("JOIN [code] — join the community")
    assert "no command" in (await say(core, "console:alice", "HELP frobnicate")).text


async def test_handles_come_from_display_names(core: Core, store: Store) -> None:
    from handlers.events import DirectMessage

    for number in ("+15550000001", "+15550000002"):
        identity = Identity.parse("whatsapp:" + number)
        await core.handle_direct(DirectMessage(identity, "JOIN", display_name="Ana María"))
    handles = [
        (await store.members.by_identity(Identity.parse("whatsapp:" + n))).handle  # type: ignore[union-attr]
        for n in ("+15550000001", "+15550000002")
    ]
    assert handles == ["ana_maria", "ana_maria2"]
