"""The matrix as Discord runs it: every command the adapter installed as a slash command, fed as a raw
INTERACTION_CREATE by each kind of asker (staff by their guild roles): refused as its permission says, with
nothing written; allowed ones get past the check. A button click that carries a command is checked alike."""

from __future__ import annotations

from collections.abc import AsyncIterator
from itertools import count
from typing import Any

import discord
import discord.ext.test as dpytest
import discord.ext.test.backend as back
import pytest
from discord.webhook.async_ import AsyncWebhookAdapter

from config.community import CommunityFile
from handlers.events import DirectMessage, MemberJoined
from handlers.models import Identity
from handlers.registry import ArgKind, Command
from storage.store import Store
from tests.bot.discord.conftest import (
    World,
    build_world,
    click_payload,
    feed,
    message_payload,
    recorder,
    slash_payload,
)
from tests.fakes import FakeClock
from tests.permissions._discord import slash_paths
from tests.permissions._matrix import (
    COMMUNITY,
    EN,
    RULES,
    SORRY,
    Asker,
    changed,
    commands_of,
    refusal,
    refusals,
    snapshot,
    text_form,
    typical,
)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

_ids = count(1)


@pytest.fixture
async def world(store: Store, clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[World]:
    community = CommunityFile.model_validate(
        {
            "community": {"name": COMMUNITY, "timezone": "Europe/Paris"},
            "onboarding": RULES,
            "discord": {},
        }
    )
    built = await build_world(store, clock, community)
    monkeypatch.setattr(AsyncWebhookAdapter, "request", recorder(built))
    yield built
    await dpytest.empty_queue()


def ident(member: discord.Member) -> Identity:
    return Identity("discord", str(member.id))


async def agreed(world: World, member: discord.Member) -> None:
    await world.core.handle_direct(DirectMessage(ident(member), "AGREE", display_name=member.name))


async def asker_of(world: World, kind: Asker, monkeypatch: pytest.MonkeyPatch) -> discord.Member:
    """A new guild member for each command (JOIN or AGREE would change what they are); staff hold a role.
    Their join reaches the core as Discord sends it, but for the outsider: the bot missed theirs (it was
    down), so the core never saw them."""
    name = f"{kind.value}{next(_ids)}"
    roles = {Asker.MODERATOR: [world.mod_role], Asker.ADMIN: [world.admin_role]}.get(kind, [])
    user = back.make_user(name, "0001", id_num=(1 << 61) + next(_ids))
    with monkeypatch.context() as patch:
        if kind is Asker.OUTSIDER:
            patch.setattr(world.core, "member_joined", _missed)
        member = back.make_member(user, world.guild, roles=roles)
        await dpytest.run_all_events()
    if kind is not Asker.OUTSIDER and kind is not Asker.PENDING:
        await agreed(world, member)
    return member


async def _missed(event: MemberJoined) -> list[Any]:
    return []


def options(command: Command, target: discord.Member) -> dict[str, Any]:
    return {
        arg.name.lower(): target if arg.kind is ArgKind.MEMBER else typical(arg, "") for arg in command.args
    }


def answer_texts(world: World) -> list[str]:
    """What the asker read: the deferred message's edit and follow-ups."""
    texts = []
    for call in world.calls:
        if call.method == "PATCH" or (call.method == "POST" and not call.path.endswith("/callback")):
            texts.append(call.payload.get("content") or "")
    return texts


@pytest.mark.parametrize("kind", list(Asker), ids=lambda kind: kind.value)
async def test_each_slash_command_refuses_exactly_whom_its_permission_leaves_out(
    world: World, store: Store, kind: Asker, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = world.members["bob"]
    await world.core.member_joined(MemberJoined(ident(target), display_name="bob"))
    await agreed(world, target)
    paths = slash_paths(world)
    commands = commands_of(world.core)
    assert set(paths) == {c.name for c in commands}  # every command is a slash command
    wrong: list[str] = []
    for command in commands:
        asker = await asker_of(world, kind, monkeypatch)
        await world.core.settle()
        before = await snapshot(store)
        world.calls.clear()
        await feed(world, slash_payload(world, asker, paths[command.name], options(command, target)))
        await world.core.settle()
        texts = answer_texts(world)
        expected = refusal(command, kind)
        if expected is not None:
            if texts != [expected.text(EN)]:
                wrong.append(f"{command.name}: not refused as expected: {texts}")
            if written := changed(before, await snapshot(store)):
                wrong.append(f"{command.name}: the refusal wrote to {written}")
        elif not texts or SORRY in texts or refusals(command) & set(texts):
            wrong.append(f"{command.name}: refused or failed: {texts}")
    assert wrong == [], "\n".join(wrong)


@pytest.mark.parametrize("kind", list(Asker), ids=lambda kind: kind.value)
async def test_a_button_that_carries_a_refused_command_is_refused_like_the_command(
    world: World, store: Store, kind: Asker, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A button's custom_id says what a click runs (`cb:choice:<command>`), for whoever clicks; a forged one
    (a client may send any id) meets the same checks as the slash command."""
    target = world.members["bob"]
    await world.core.member_joined(MemberJoined(ident(target), display_name="bob"))
    await agreed(world, target)
    wrong: list[str] = []
    for command in commands_of(world.core):
        expected = refusal(command, kind)
        if expected is None:
            continue
        asker = await asker_of(world, kind, monkeypatch)
        await world.core.settle()
        before = await snapshot(store)
        world.calls.clear()
        custom_id = "cb:choice:" + text_form(command, "@bob")
        button = {"type": 2, "style": 2, "label": "Go", "custom_id": custom_id}
        message = message_payload(
            world, {"content": "offer", "components": [{"type": 1, "components": [button]}]}
        )
        await feed(world, click_payload(world, asker, message, custom_id))
        await world.core.settle()
        if (texts := answer_texts(world)) != [expected.text(EN)]:
            wrong.append(f"{command.name}: not refused as expected: {texts}")
        if written := changed(before, await snapshot(store)):
            wrong.append(f"{command.name}: the refusal wrote to {written}")
    assert wrong == [], "\n".join(wrong)
