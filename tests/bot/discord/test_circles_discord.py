"""A circle's bridged Discord channel through real discord.py objects (dpytest): its messages reach the
circle's WhatsApp members, theirs are posted there (through the bot's webhook under the writer's name, or as
the bot with the name first when it may not make one), and nothing the bot posted comes back."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import discord
import discord.ext.test as dpytest
import discord.ext.test.backend as back
import pytest

from bot.discord.messenger import DiscordMessenger
from bot.media import MediaKeeper
from config.community import CommunityFile
from handlers.events import DirectMessage, MemberJoined
from handlers.models import Attachment, Identity
from handlers.settings import CommunityConfig, MediaConfig
from tests.bot.discord.conftest import World, snowflake
from tests.fakes import RecordingMessenger

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def discord_community() -> CommunityConfig:
    return CommunityFile.model_validate(
        {
            "community": {"name": "Test Club", "timezone": "Europe/Paris"},
            "points": {"activity": {"cooldown_seconds": 0}},
            "circles": [{"name": "runners", "channel": "runners"}],
        }
    )


@dataclass
class Circle:
    world: World
    channel: discord.TextChannel
    whatsapp: RecordingMessenger
    """What the circle's WhatsApp-side members (console identities play them here) were sent."""

    async def say(self, who: str, text: str, event_id: str | None = None) -> None:
        replies = await self.world.core.handle_direct(
            DirectMessage(Identity("console", who), text, event_id=event_id, display_name=who)
        )
        assert not replies or not text.startswith("CIRCLE JOIN") or "Welcome" in replies[0].text, replies
        await self.world.core.settle()


@pytest.fixture
async def circle(world: World) -> Circle:
    channel = back.make_text_channel("runners", world.guild)
    recorder = RecordingMessenger()
    world.core.dispatcher.messenger.add("console", recorder, posts_to_channels=False)  # type: ignore[attr-defined]
    await world.core.start()  # the community file's circles made, the bridged channels read
    made = Circle(world, channel, recorder)
    for name in ("wanda", "walt"):
        await made.say(name, "JOIN")
        await made.say(name, "CIRCLE JOIN runners")
    for name in ("alice", "bob"):
        member = world.members[name]
        await world.core.member_joined(MemberJoined(Identity("discord", str(member.id)), display_name=name))
    return made


def gateway_message(
    world: World,
    channel: discord.TextChannel,
    content: str,
    author: dict[str, Any],
    message_id: int | None = None,
    **extra: Any,
) -> discord.Message:
    """A MESSAGE_CREATE (or an edit's new version) as the gateway would hand it to discord.py."""
    data: dict[str, Any] = {
        "id": str(message_id or snowflake()),
        "channel_id": str(channel.id),
        "guild_id": str(world.guild.id),
        "type": 0,
        "content": content,
        "author": {"discriminator": "0000", "avatar": None, "bot": False, "username": "x", **author},
        "attachments": [],
        "embeds": [],
        "mentions": [],
        "mention_roles": [],
        "pinned": False,
        "mention_everyone": False,
        "tts": False,
        "timestamp": "2026-03-02T09:00:00+00:00",
        "edited_timestamp": None,
        **extra,
    }
    return discord.Message(state=world.bot._connection, channel=channel, data=data)  # type: ignore[arg-type]


def messenger_of(world: World) -> DiscordMessenger:
    found = [m for m in world.core.dispatcher.messenger._channels if isinstance(m, DiscordMessenger)]  # type: ignore[attr-defined]
    return found[0]


async def test_a_bridged_channel_message_reaches_the_circles_whatsapp_members(circle: Circle) -> None:
    world = circle.world
    await dpytest.message("Morning run at 8?", channel=circle.channel, member=world.members["alice"])
    await world.core.settle()
    assert circle.whatsapp.texts_to("console:wanda") == ["alice #1: Morning run at 8?"]
    assert circle.whatsapp.texts_to("console:walt") == ["alice #1: Morning run at 8?"]
    await dpytest.message("not bridged", channel=world.general, member=world.members["alice"])
    await world.core.settle()
    assert all("not bridged" not in t for t in circle.whatsapp.texts_to("console:wanda"))


async def test_a_whatsapp_message_is_posted_as_the_bot_with_the_name_when_it_may_not_make_a_webhook(
    circle: Circle,
) -> None:
    world = circle.world
    me = circle.channel.guild.me
    assert not circle.channel.permissions_for(me).manage_webhooks  # dpytest's bot has no such permission
    await circle.say("wanda", "@everyone @here <@&1> who runs?")
    posts = world.posts_in(circle.channel)
    # defanged twice: a zero-width space breaks each mass or role mention, and nothing may ping anyway
    assert [p.content for p in posts] == ["**wanda · #1**: @\u200beveryone @\u200bhere <@\u200b&1> who runs?"]
    assert posts[0].payload["allowed_mentions"] == {"parse": []}
    assert circle.whatsapp.texts_to("console:walt") == ["wanda #1: @everyone @here <@&1> who runs?"]


@dataclass
class FakeWebhook:
    """The bot's channel webhook: what it was asked to post and delete."""

    channel: discord.TextChannel
    world: World
    posted: list[dict[str, Any]] = field(default_factory=list)
    deleted: list[int] = field(default_factory=list)

    async def send(self, **kwargs: Any) -> discord.Message:
        self.posted.append(kwargs)
        return await self.channel.send(kwargs.get("content") or "")  # a message id to remember

    async def delete_message(self, message_id: int) -> None:
        self.deleted.append(message_id)


async def test_with_a_webhook_it_is_posted_under_the_writers_name_and_removal_deletes_it(
    circle: Circle,
) -> None:
    world = circle.world
    messenger = messenger_of(world)
    hook = FakeWebhook(circle.channel, world)
    messenger._webhooks[circle.channel.id] = hook  # type: ignore[assignment]
    await circle.say("wanda", "Hello from WhatsApp, see you at the gates")
    assert len(hook.posted) == 1
    assert hook.posted[0]["username"] == "wanda · #1"
    assert hook.posted[0]["content"] == "Hello from WhatsApp, see you at the gates"
    assert hook.posted[0]["allowed_mentions"].to_dict() == {"parse": []}
    await messenger.remove_post("runners", "circle:1", None)
    assert len(hook.deleted) == 1


async def test_the_bots_own_posts_and_webhook_posts_are_never_relayed_back(circle: Circle) -> None:
    world = circle.world
    await circle.say("wanda", "only once to walt")
    before = list(circle.whatsapp.sent)
    # what the bot posted, seen again from the gateway: its own message, and one by a webhook
    own = world.posts_in(circle.channel)
    assert own
    hooked = gateway_message(
        world, circle.channel, "only once to walt", {"id": "77", "username": "wanda · #1"}, webhook_id="77"
    )
    assert world.bot.user is not None
    mine = gateway_message(world, circle.channel, "again", {"id": str(world.bot.user.id), "bot": True})
    # the same words from a person are relayed: the test can tell
    person = gateway_message(world, circle.channel, "a person's words", {"id": str(world.members["bob"].id)})
    for message in (hooked, mine, person):
        world.bot.dispatch("message", message)
    await dpytest.run_all_events()
    await world.core.settle()
    assert circle.whatsapp.texts_to("console:walt") == [
        "wanda #1: only once to walt",
        "bob #2: a person's words",
    ]
    assert len(circle.whatsapp.sent) == len(before) + 2  # bob's, to wanda and walt


async def test_an_edit_and_a_deletion_in_the_channel_reach_the_whatsapp_members(circle: Circle) -> None:
    world = circle.world
    message = await dpytest.message("Run at 9", channel=circle.channel, member=world.members["alice"])
    await world.core.settle()
    alice = world.members["alice"]
    edited = gateway_message(world, circle.channel, "Run at 8", {"id": str(alice.id)}, message.id)
    ids = {"id": str(message.id), "channel_id": str(circle.channel.id), "guild_id": str(world.guild.id)}
    world.bot.dispatch("raw_message_edit", discord.RawMessageUpdateEvent(ids, edited))  # type: ignore[arg-type]
    await dpytest.run_all_events()
    world.bot.dispatch(
        "raw_message_delete",
        discord.RawMessageDeleteEvent(
            ids  # type: ignore[arg-type]
        ),
    )
    await dpytest.run_all_events()
    await world.core.settle()
    assert circle.whatsapp.texts_to("console:wanda") == [
        "alice #1: Run at 9",
        "alice corrected #1: Run at 8",
        "alice deleted #1 in runners.",
    ]


async def test_mentions_resolve_across_platforms_and_only_the_named_member_is_pinged(circle: Circle) -> None:
    world = circle.world
    alice, bob = world.members["alice"], world.members["bob"]
    await circle.say("wanda", "@alice are you in? @everyone")
    [post] = world.posts_in(circle.channel)
    assert post.content == f"**wanda · #1**: <@{alice.id}> are you in? @\u200beveryone"
    assert post.payload["allowed_mentions"] == {"parse": [], "users": [alice.id]}
    await dpytest.message(f"<@{bob.id}> and I are", channel=circle.channel, member=alice)
    await world.core.settle()
    assert circle.whatsapp.texts_to("console:wanda")[-1] == "alice #2: @bob and I are"


# -- files ----------------------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + bytes(200)


async def kept_photo(world: World, tmp_path: Path, data: bytes = PNG) -> Attachment:
    """A photo in the bot's media store, as the WhatsApp adapter hands it over once downloaded."""
    world.bot.media = MediaKeeper(tmp_path / "media", MediaConfig())
    source = tmp_path / "route.png"
    source.write_bytes(data)
    photo = await world.bot.media.keep_file(source)
    assert photo.stored is not None
    return photo


async def send_photo(circle: Circle, photo: Attachment, text: str = "my route") -> None:
    message = DirectMessage(Identity("console", "wanda"), text, display_name="wanda", attachments=(photo,))
    assert await circle.world.core.handle_direct(message) == []
    await circle.world.core.settle()


async def test_a_members_photo_is_posted_as_a_file_through_the_webhook(
    circle: Circle, tmp_path: Path
) -> None:
    world = circle.world
    hook = FakeWebhook(circle.channel, world)
    messenger_of(world)._webhooks[circle.channel.id] = hook  # type: ignore[assignment]
    photo = await kept_photo(world, tmp_path)
    await send_photo(circle, photo)
    assert len(hook.posted) == 1
    posted = hook.posted[0]
    assert posted["username"] == "wanda · #1"
    assert posted["content"] == "my route"  # the file itself is there: no line counting it
    files = posted["files"]
    assert [f.filename for f in files] == ["file-1.png"]
    assert circle.whatsapp.texts_to("console:walt") == ["wanda #1: my route\n📎 1 file"]


async def test_a_photo_alone_through_the_webhook_has_no_text(circle: Circle, tmp_path: Path) -> None:
    hook = FakeWebhook(circle.channel, circle.world)
    messenger_of(circle.world)._webhooks[circle.channel.id] = hook  # type: ignore[assignment]
    await send_photo(circle, await kept_photo(circle.world, tmp_path), text="")
    assert hook.posted[0]["content"] is None
    assert len(hook.posted[0]["files"]) == 1


async def test_without_a_webhook_the_photo_is_posted_by_the_bot_after_the_name(
    circle: Circle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # dpytest writes what is uploaded to the working folder
    world = circle.world
    await send_photo(circle, await kept_photo(world, tmp_path))
    posts = world.posts_in(circle.channel)
    assert [p.content for p in posts] == ["**wanda · #1**: my route"]
    assert [a["filename"] for a in posts[0].payload["attachments"]] == ["file-1.png"]


async def test_a_photo_over_the_servers_upload_limit_is_the_text_line(
    circle: Circle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(discord.Guild, "filesize_limit", property(lambda guild: len(PNG) - 1))
    world = circle.world
    hook = FakeWebhook(circle.channel, world)
    messenger_of(world)._webhooks[circle.channel.id] = hook  # type: ignore[assignment]
    await send_photo(circle, await kept_photo(world, tmp_path))
    assert hook.posted[0]["content"] == "my route\n📎 1 file"
    assert "files" not in hook.posted[0]


async def test_a_file_no_longer_in_the_media_store_is_the_text_line(circle: Circle, tmp_path: Path) -> None:
    world = circle.world
    photo = await kept_photo(world, tmp_path)
    assert photo.stored is not None
    (tmp_path / "media" / photo.stored).unlink()
    await send_photo(circle, photo)
    assert [p.content for p in world.posts_in(circle.channel)] == ["**wanda · #1**: my route\n📎 1 file"]


async def test_files_discord_refuses_as_too_large_are_posted_as_the_text_line(
    circle: Circle, tmp_path: Path
) -> None:
    world = circle.world
    hook = FakeWebhook(circle.channel, world)
    refused: list[dict[str, Any]] = []

    async def send(**kwargs: Any) -> discord.Message:
        if "files" in kwargs:
            refused.append(kwargs)
            raise discord.HTTPException(back.FakeRequest(413, "Payload Too Large"), "too large")
        return await FakeWebhook.send(hook, **kwargs)

    hook.send = send  # type: ignore[method-assign]
    messenger_of(world)._webhooks[circle.channel.id] = hook  # type: ignore[assignment]
    await send_photo(circle, await kept_photo(world, tmp_path))
    assert len(refused) == 1
    assert [p["content"] for p in hook.posted] == ["my route\n📎 1 file"]
