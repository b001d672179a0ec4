"""What the bot sends on Discord: channel posts, DMs and their fallback, splitting, embeds, pings, roles."""

from __future__ import annotations

import logging

import discord
import discord.ext.test as dpytest
import discord.ext.test.backend as back
import pytest

from bot.discord.render import MAX_CONTENT, as_embed, split_text
from handlers.delivery import MessageKind, Outgoing
from handlers.models import Choice, Identity, Reply, RoleUpdate
from tests.bot.discord.conftest import World

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def ident(member: discord.abc.User) -> Identity:
    return Identity("discord", str(member.id))


async def deliver(world: World, message: Outgoing | RoleUpdate) -> None:
    if isinstance(message, RoleUpdate):
        await world.core.dispatcher.update_roles([message])
    else:
        await world.core.send([message])
    await dpytest.run_all_events()


async def test_a_channel_post_goes_to_the_channel_mapped_to_its_key(world: World) -> None:
    await deliver(
        world,
        Outgoing(
            Reply("Poll closes tonight @everyone @here <@&123456789012345678>"), channel="announcements"
        ),
    )
    [post] = world.posts_in(world.announcements)
    # Mass mentions are inert twice over: broken by a zero-width space, and nothing may ping anyway.
    assert post.content == "Poll closes tonight @\u200beveryone @\u200bhere <@\u200b&123456789012345678>"
    assert post.payload["allowed_mentions"] == {"parse": []}  # member text never pings everyone


async def test_an_unmapped_key_falls_back_to_a_channel_of_that_name(world: World) -> None:
    await deliver(world, Outgoing(Reply("hello general"), channel="general"))
    assert [p.content for p in world.posts_in(world.general)] == ["hello general"]


async def test_an_unknown_channel_key_is_logged_not_raised(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    await deliver(world, Outgoing(Reply("lost"), channel="nowhere"))
    assert "no Discord channel for key 'nowhere'" in caplog.text
    assert world.sent == []


async def test_a_direct_message_reaches_the_member(world: World) -> None:
    alice = world.members["alice"]
    await deliver(world, Outgoing(Reply("Your code: SAVE10", private=True), to=ident(alice)))
    assert [s.content for s in world.to("alice")] == ["Your code: SAVE10"]


async def test_closed_dms_fall_back_to_a_ping_in_the_fallback_channel(world: World) -> None:
    alice = world.members["alice"]
    world.closed_dms.add(alice.id)
    await deliver(world, Outgoing(Reply("Welcome aboard!"), to=ident(alice), kind=MessageKind.WELCOME))
    [post] = world.posts_in(world.welcome)
    assert post.content == f"<@{alice.id}> Welcome aboard!"
    assert post.payload["allowed_mentions"] == {"parse": [], "users": [alice.id]}  # pings alice only


async def test_a_private_message_is_never_posted_publicly_when_dms_are_closed(world: World) -> None:
    alice = world.members["alice"]
    world.closed_dms.add(alice.id)
    await deliver(world, Outgoing(Reply("Your code: SAVE10", private=True), to=ident(alice)))
    [post] = world.posts_in(world.welcome)
    assert "SAVE10" not in post.content
    assert post.content.startswith(f"<@{alice.id}> I could not send you a direct message")


async def test_long_texts_are_split_under_the_limit_on_line_breaks(world: World) -> None:
    text = "\n".join(f"line {n} " + "x" * 90 for n in range(60))
    await deliver(world, Outgoing(Reply("plain\n" + text + "\nend"), channel="general"))
    posts = world.posts_in(world.general)
    assert len(posts) > 1 and all(len(p.content) <= MAX_CONTENT for p in posts)
    assert "\n".join(p.content for p in posts) == "plain\n" + text + "\nend"


def test_splitting_never_loses_or_exceeds() -> None:
    text = "word " * 1500 + "y" * 4500
    chunks = split_text(text)
    assert all(0 < len(c) <= MAX_CONTENT for c in chunks)
    assert "".join(chunks).replace(" ", "") == text.replace(" ", "")


def test_a_list_with_a_header_becomes_an_embed_and_a_sentence_does_not() -> None:
    embed = as_embed("Top members this month\n1. @ana 40\n2. @bo 30\n3. @cy 20")
    assert embed is not None and embed.title == "Top members this month"
    assert embed.description == "1. @ana 40\n2. @bo 30\n3. @cy 20"
    assert as_embed("Kudos sent to @bob (+5).") is None


async def test_choices_on_a_delivered_message_are_buttons(world: World) -> None:
    reply = Reply("Join the poll?", choices=(Choice("Yes", "VOTE 3 1"), Choice("No", "VOTE 3 2")))
    await deliver(world, Outgoing(reply, channel="announcements"))
    [post] = world.posts_in(world.announcements)
    ids = [c["custom_id"] for c in post.payload["components"][0]["components"]]
    assert ids == ["cb:choice:VOTE 3 1", "cb:choice:VOTE 3 2"]


async def test_level_roles_are_granted_and_removed(world: World) -> None:
    alice = world.members["alice"]
    regular = back.make_role("Regular", world.guild)
    await deliver(world, RoleUpdate(ident(alice), str(regular.id), grant=True, reason="level Regular"))
    assert regular in world.guild.get_member(alice.id).roles  # type: ignore[union-attr]
    await deliver(world, RoleUpdate(ident(alice), str(regular.id), grant=False, reason="points revoked"))
    assert regular not in world.guild.get_member(alice.id).roles  # type: ignore[union-attr]


async def test_a_role_above_the_bot_is_reported_clearly_without_crashing(
    world: World, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice = world.members["alice"]
    top = back.make_role("Founders", world.guild)

    async def forbidden(*args: object, **kwargs: object) -> None:
        raise discord.Forbidden(
            back.FakeRequest(403, "Forbidden"), {"code": 50013, "message": "Missing Permissions"}
        )

    monkeypatch.setattr(world.bot.http, "add_role", forbidden)
    with caplog.at_level(logging.ERROR):
        await deliver(world, RoleUpdate(ident(alice), str(top.id), grant=True, reason="level Founder"))
    assert "Manage Roles" in caplog.text and "'Founders'" in caplog.text
    await deliver(world, RoleUpdate(ident(alice), "12345678901234567", grant=True, reason="level X"))
    assert "does not exist" in caplog.text


async def test_a_dm_discord_keeps_failing_is_tried_again_then_goes_to_the_fallback_channel(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found: the DM fallback ran only on 403; a 5xx lost the message instead."""
    monkeypatch.setattr("bot.discord.messenger.SERVER_ERROR_RETRIES", (0.0, 0.0, 0.0))
    alice = world.members["alice"]
    world.failing_dms = 2  # two 503s, then Discord takes it
    await deliver(world, Outgoing(Reply("Welcome aboard!"), to=ident(alice), kind=MessageKind.WELCOME))
    assert [s.content for s in world.to("alice")] == ["Welcome aboard!"]
    world.failing_dms = 10  # Discord keeps failing: the fallback channel
    await deliver(
        world, Outgoing(Reply("Your reward is on its way"), to=ident(alice), kind=MessageKind.NOTICE)
    )
    [post] = world.posts_in(world.welcome)
    assert post.content == f"<@{alice.id}> Your reward is on its way"


async def test_nothing_proactive_reaches_a_discord_member_who_sent_stop(world: World) -> None:
    alice = world.members["alice"]
    dm = await alice.create_dm()
    await dpytest.message("JOIN", channel=dm, member=alice)
    await dpytest.message("STOP", channel=dm, member=alice)
    before = len(world.to("alice"))
    member = await world.core.services.members.by_identity(ident(alice))
    assert member is not None
    await deliver(world, Outgoing(Reply("You were awarded 5"), member_id=member.id, kind=MessageKind.AWARD))
    assert len(world.to("alice")) == before
    await dpytest.message("POINTS", channel=dm, member=alice)
    assert "credits" in world.to("alice")[-1].text  # answers still come


def test_a_line_break_near_the_start_is_no_reason_to_cut_a_word() -> None:
    chunks = split_text("Hello\n" + "community " * 300)
    assert len(chunks) == 2 and all(c.endswith("community") for c in chunks)
