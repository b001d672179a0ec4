"""Gateway events through real discord.py objects (dpytest): chat, kudos, DMs, joins, leaves, reactions."""

from __future__ import annotations

import discord
import discord.ext.test as dpytest
import discord.ext.test.backend as back
import discord.ext.test.factories as facts
import pytest

from handlers.core import Core
from handlers.events import MemberJoined
from handlers.models import Identity, MemberStatus
from handlers.points._ports import POINTS
from tests.bot.discord.conftest import World

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def ident(member: discord.abc.User) -> Identity:
    return Identity("discord", str(member.id))


async def join(world: World, *names: str) -> None:
    for name in names:
        await world.core.member_joined(MemberJoined(ident(world.members[name]), display_name=name))


async def balance(world: World, name: str) -> int:
    await world.core.settle()  # chat points (and their confirmations) land a moment after the message
    points = world.store.repository(POINTS)
    member = await world.core.services.members.by_identity(ident(world.members[name]))
    assert member is not None
    return (await points.standing(member.id)).balance


async def test_chat_in_a_channel_earns_activity_points(world: World) -> None:
    await join(world, "alice")
    await dpytest.message(
        "hello everyone, happy to be here", channel=world.general, member=world.members["alice"]
    )
    assert await balance(world, "alice") == 1


async def test_mention_plus_plus_gives_kudos_to_the_mentioned_member(world: World) -> None:
    await join(world, "alice", "bob")
    bob = world.members["bob"]
    await dpytest.message(
        f"<@{bob.id}>++ for the great tips", channel=world.general, member=world.members["alice"]
    )
    assert await balance(world, "bob") == 5
    # confirmed to the giver by DM once durable; nothing echoed in the channel, nobody pinged
    confirmation = world.to("alice")
    assert confirmation and "Kudos sent to @bob" in confirmation[-1].content
    assert confirmation[-1].payload["allowed_mentions"] == {"parse": []}
    assert not any("Kudos sent" in s.content for s in world.posts_in(world.general))


async def test_thanks_with_a_discord_mention_gives_kudos(world: World) -> None:
    await join(world, "alice", "bob")
    bob = world.members["bob"]
    await dpytest.message(
        f"thanks <@!{bob.id}> for the help", channel=world.general, member=world.members["alice"]
    )
    assert await balance(world, "bob") == 5


async def test_a_replayed_message_earns_nothing_twice(world: World) -> None:
    await join(world, "alice", "bob")
    bob = world.members["bob"]
    message = await dpytest.message(
        f"<@{bob.id}>++ thanks again", channel=world.general, member=world.members["alice"]
    )
    before = await balance(world, "bob")
    world.bot.dispatch("message", message)  # the gateway delivering MESSAGE_CREATE again
    await dpytest.run_all_events()
    assert await balance(world, "bob") == before == 5


async def test_an_edited_message_earns_nothing(world: World) -> None:
    await join(world, "alice", "bob")
    bob = world.members["bob"]
    text = "a message long enough to count"
    message = await dpytest.message(text, channel=world.general, member=world.members["alice"])
    edited = facts.dict_from_message(message)
    edited.update(
        channel_id=str(world.general.id), guild_id=str(world.guild.id), content=f"<@{bob.id}>++ edited"
    )
    world.bot._connection.parse_message_update(edited)  # MESSAGE_UPDATE from the gateway
    await dpytest.run_all_events()
    assert await balance(world, "bob") == 0
    assert await balance(world, "alice") == 1


async def test_messages_from_bots_are_ignored(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[object] = []

    async def record(self: Core, message: object) -> list[object]:
        seen.append(message)
        return []

    monkeypatch.setattr(Core, "handle_chat", record)
    robot = back.make_member(_bot_user(), world.guild)
    await dpytest.message("beep boop, I am a bot message", channel=world.general, member=robot)
    await dpytest.message("and I am a person", channel=world.general, member=world.members["alice"])
    assert len(seen) == 1


async def test_chat_reaches_the_core_with_channel_key_and_resolved_mentions(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = []

    async def record(self: Core, message):  # type: ignore[no-untyped-def]
        seen.append(message)
        return []

    monkeypatch.setattr(Core, "handle_chat", record)
    bob = world.members["bob"]
    sent = await dpytest.message(
        f"cheers <@{bob.id}> and <@!{bob.id}>", channel=world.announcements, member=world.members["alice"]
    )
    [message] = seen
    assert message.text == "cheers @bob and @bob"  # one readable token per person
    assert message.mentions == {"@bob": ident(bob)}
    assert message.channel == "announcements"  # the configured key, not the channel name
    assert message.event_id == str(sent.id)
    await dpytest.message("hi", channel=world.general, member=world.members["alice"])
    assert seen[-1].channel == "general"  # an unmapped channel is known by its name


async def test_a_direct_message_runs_the_command_and_answers_in_the_dm(world: World) -> None:
    alice = world.members["alice"]
    dm = await alice.create_dm()
    await dpytest.message("JOIN", channel=dm, member=alice)
    await dpytest.message("points", channel=dm, member=alice)
    texts = [s.text for s in world.to("alice")]
    assert any("Welcome to Test Club" in t for t in texts)
    assert "0 credits" in texts[-1] or "credits" in texts[-1]


async def test_a_mention_in_a_direct_message_names_the_member_it_mentions(world: World) -> None:
    """`KUDOS <@id>` in a DM: the adapter resolves the mention, so the core never reads Discord syntax."""
    await join(world, "alice", "bob")
    alice, bob = world.members["alice"], world.members["bob"]
    dm = await alice.create_dm()
    await dpytest.message(f"KUDOS <@{bob.id}> for the recipe", channel=dm, member=alice)
    assert await balance(world, "bob") == 5
    assert "Kudos sent to @bob" in world.to("alice")[-1].text


async def test_member_join_and_leave_reach_the_core(world: World) -> None:
    newcomer = await dpytest.member_join(name="carol")
    await dpytest.run_all_events()
    member = await world.core.services.members.by_identity(ident(newcomer))
    assert member is not None and member.status is MemberStatus.MEMBER
    assert any("Welcome to Test Club" in s.text for s in world.sent)
    back.delete_member(newcomer)
    await dpytest.run_all_events()
    member = await world.core.services.members.by_identity(ident(newcomer))
    assert member is not None and member.status is MemberStatus.LEFT


def _bot_user() -> discord.User:
    state = back.get_state()
    return state.store_user(
        {"id": str((1 << 61) + 7), "username": "robot", "discriminator": "0001", "avatar": None, "bot": True}
    )


def record_joins(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    codes: list[str | None] = []
    original = Core.member_joined

    async def member_joined(self: Core, event: MemberJoined) -> object:
        codes.append(event.invite_code)
        return await original(self, event)

    monkeypatch.setattr(Core, "member_joined", member_joined)
    return codes


async def test_a_join_is_attributed_to_the_invite_whose_uses_grew(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    codes = record_joins(monkeypatch)
    world.invites = {"summer": 3, "friends": 7}
    world.bot.dispatch("ready")  # the start-up snapshot of use counts
    await dpytest.run_all_events()
    world.invites["friends"] = 8
    await dpytest.member_join(name="carol")
    await dpytest.run_all_events()
    world.bot.dispatch("invite_create", _invite(world, "fresh", 0))
    world.invites["fresh"] = 1
    await dpytest.member_join(name="dan")
    await dpytest.run_all_events()
    world.invites["summer"], world.invites["friends"] = 4, 9  # two at once: nobody can tell who used which
    await dpytest.member_join(name="eve")
    await dpytest.run_all_events()
    assert codes == ["friends", "fresh", None]


async def test_joins_still_work_when_the_bot_may_not_list_invites(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    codes = record_joins(monkeypatch)
    world.invites = None
    for name in ("carol", "dan"):
        await dpytest.member_join(name=name)
        await dpytest.run_all_events()
    assert codes == [None, None]
    assert caplog.text.count("Manage Server") == 1  # said once, not on every join


async def react(world: World, message: discord.Message, who: discord.Member, emoji: str = "⭐") -> None:
    world.bot._connection.parse_message_reaction_add(
        {
            "type": 0,  # discord.py 2.7 reads it; dpytest's own helper leaves it out
            "user_id": str(who.id),
            "channel_id": str(message.channel.id),
            "message_id": str(message.id),
            "guild_id": str(world.guild.id),
            "message_author_id": str(message.author.id),
            "member": facts.dict_from_member(who),
            "emoji": {"id": None, "name": emoji},
            "burst": False,
        }
    )
    await dpytest.run_all_events()


async def test_a_moderator_star_awards_the_author_once(world: World) -> None:
    await join(world, "alice", "mod")
    message = await dpytest.message("hi", channel=world.general, member=world.members["alice"])
    await react(world, message, world.members["bob"])  # not staff: nothing
    await react(world, message, world.members["mod"], "👍")  # not the award emoji: nothing
    assert await balance(world, "alice") == 0
    await react(world, message, world.members["mod"])
    await react(world, message, world.members["mod"])  # the same reaction delivered again
    assert await balance(world, "alice") == 10


def _invite(world: World, code: str, uses: int) -> discord.Invite:
    data = {
        "code": code,
        "uses": uses,
        "channel": {"id": str(world.general.id), "name": "general", "type": 0},
    }
    return discord.Invite(state=world.bot._connection, data=data, guild=world.guild)  # type: ignore[arg-type]
