"""Onboarding on Discord: the AGREE button, personal invites created on demand, joins attributed to them."""

from __future__ import annotations

from typing import Any

import discord.ext.test as dpytest
import pytest
from discord.webhook.async_ import AsyncWebhookAdapter

from config.community import CommunityFile
from handlers.events import DirectMessage, MemberJoined
from handlers.models import Identity, MemberStatus
from handlers.onboarding._ports import ONBOARDING
from tests.bot.discord.conftest import World, click_payload, feed, message_payload, recorder

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def ident(world: World, name: str) -> Identity:
    return Identity("discord", str(world.members[name].id))


@pytest.fixture
def discord_community() -> CommunityFile:
    return CommunityFile.model_validate(
        {
            "community": {"name": "Test Club", "timezone": "Europe/Paris"},
            "onboarding": {"rules": ["Be kind"], "member_role": "900", "referral_points": 50},
        }
    )


async def test_the_agree_button_in_the_welcome_dm_makes_a_member(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    await world.core.member_joined(
        MemberJoined(ident(world, "alice"), display_name="alice", event_id="join:1")
    )
    welcome = world.to("alice")[-1]
    assert "1. Be kind" in welcome.text
    [button] = welcome.payload["components"][0]["components"]
    assert (button["label"], button["custom_id"]) == ("I agree", "cb:choice:AGREE")
    monkeypatch.setattr(AsyncWebhookAdapter, "request", recorder(world))
    message = message_payload(world, welcome.payload)
    await feed(world, click_payload(world, world.members["alice"], message, button["custom_id"], dm=True))
    member = await world.store.members.by_identity(ident(world, "alice"))
    assert member is not None and member.status is MemberStatus.MEMBER
    assert any("you are now a member" in call.payload.get("content", "") for call in world.calls)


async def test_a_personal_invite_is_created_once_and_attributes_the_join(world: World) -> None:
    created: list[dict[str, Any]] = []

    async def create_invite(channel_id: int, **options: Any) -> dict[str, Any]:
        created.append({"channel_id": channel_id, **options})
        return {
            "code": "Alice7x",
            "uses": 0,
            "max_age": 0,
            "channel": {"id": str(channel_id), "name": "welcome", "type": 0},
            "guild": {"id": str(world.guild.id), "name": "Club"},
        }

    world.bot.http.create_invite = create_invite  # type: ignore[method-assign,assignment]
    world.invites = {"server": 4}
    world.bot.dispatch("ready")  # the start-up snapshot of use counts
    await dpytest.run_all_events()
    alice = ident(world, "alice")
    await world.core.member_joined(MemberJoined(alice, display_name="alice"))
    await world.core.handle_direct(DirectMessage(alice, "AGREE"))
    for _ in range(2):
        [reply] = await world.core.handle_direct(DirectMessage(alice, "REFERRAL"))
        assert "Discord: https://discord.gg/Alice7x" in reply.text
    assert len(created) == 1 and created[0]["channel_id"] == world.welcome.id and created[0]["max_age"] == 0
    world.invites["Alice7x"] = 1  # carol uses alice's personal invite
    await dpytest.member_join(name="carol")
    await dpytest.run_all_events()
    carol = await world.store.members.by_handle("carol")
    assert carol is not None and carol.status is MemberStatus.PENDING
    referral = await world.store.repository(ONBOARDING).referral(carol.id)
    assert referral is not None and referral.via == "invite"
