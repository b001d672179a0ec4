"""Founder sessions as Discord scheduled events (`[sessions] discord_event`): made once, edited after a
move, cancelled with the session, and the same event found again after a restart. Discord's guild is a
fake spec'd from discord.py's own classes (dpytest has no scheduled events)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any
from unittest import mock

import discord
import pytest

from bot.discord.client import CommunityBot
from bot.discord.scheduled import DiscordEvents
from handlers.calendar import CalendarEntry
from handlers.features import community_config
from handlers.platforms import Platforms
from storage.sqlite.live_posts import SqliteLivePosts
from storage.store import Store
from tests.conftest import make_core, say
from tests.fakes import FakeClock, RecordingMessenger

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

GUILD = 4242
START = datetime(2026, 3, 5, 17, 0, tzinfo=UTC)


def entry(**changed: Any) -> CalendarEntry:
    values: dict[str, Any] = {
        "id": 1,
        "uid": "session-1.test@communitybot",
        "title": "Ask the founder",
        "start": START,
        "end": START + timedelta(hours=1),
        "place": "https://meet.example/abc",
        "cancelled": False,
        "sequence": 0,
        "stamp": START - timedelta(days=3),
        "community": "Test Club",
        **changed,
    }
    return CalendarEntry(**values)


def fake_guild() -> tuple[Any, Any]:
    guild = mock.create_autospec(discord.Guild, instance=True, spec_set=True)
    event = mock.create_autospec(discord.ScheduledEvent, instance=True, spec_set=True)
    event.id = 777
    event.status = discord.EventStatus.scheduled
    guild.create_scheduled_event.return_value = event
    guild.get_scheduled_event.return_value = None
    guild.fetch_scheduled_event.return_value = event
    return guild, event


def fake_bot(guild: Any) -> CommunityBot:
    bot = mock.create_autospec(CommunityBot, instance=True)
    bot.guild_id = GUILD
    bot.get_guild.side_effect = lambda guild_id: guild if guild_id == GUILD else None
    return bot  # type: ignore[no-any-return]


async def test_a_session_is_made_once_then_edited_then_cancelled(store: Store) -> None:
    guild, event = fake_guild()
    places = SqliteLivePosts(store.db, store.community_id, "discord")
    events = DiscordEvents(fake_bot(guild), places)
    await events.publish(entry())
    guild.create_scheduled_event.assert_awaited_once_with(
        name="Ask the founder",
        start_time=START,
        end_time=START + timedelta(hours=1),
        entity_type=discord.EntityType.external,
        privacy_level=discord.PrivacyLevel.guild_only,
        location="https://meet.example/abc",
    )
    moved = START + timedelta(days=1)
    again = DiscordEvents(fake_bot(guild), places)  # after a restart: the same event, found by its id
    await again.publish(entry(start=moved, end=moved + timedelta(hours=1), sequence=1))
    guild.fetch_scheduled_event.assert_awaited_once_with(777)
    event.edit.assert_awaited_once_with(
        name="Ask the founder",
        start_time=moved,
        end_time=moved + timedelta(hours=1),
        location="https://meet.example/abc",
    )
    await again.publish(entry(cancelled=True, sequence=2))
    event.cancel.assert_awaited_once()
    assert guild.create_scheduled_event.await_count == 1


async def test_sessions_reach_the_platforms_events_only_when_configured(
    store: Store, clock: FakeClock
) -> None:
    published: list[CalendarEntry] = []

    class Publisher:
        async def publish(self, entry: CalendarEntry) -> None:
            published.append(entry)

    for wanted in (False, True):
        published.clear()
        community = community_config(
            {
                "community": {"name": "Test Club", "timezone": "Europe/Paris"},
                "roles": {"moderators": ["console:mod"]},
                "sessions": {"discord_event": wanted},
            }
        )
        core = make_core(store, clock, RecordingMessenger(), community, Platforms(events=Publisher()))
        await core.start()
        created = await say(core, "console:mod", 'SESSION NEW "Q&A" 2026-03-05 18:00 1h | Online | 5')
        number = int(created.text.split("#")[1].split()[0])
        await say(core, "console:mod", f"SESSION MOVE {number} 2026-03-06 18:00")
        await say(core, "console:mod", f"SESSION CANCEL {number}")
        for _ in range(100):
            if not wanted or (published and published[-1].cancelled):
                break
            await asyncio.sleep(0.01)
        if not wanted:
            assert published == []
            continue
        assert published[0].start == START
        assert any(p.start == START + timedelta(days=1) for p in published)
        assert published[-1].cancelled and published[-1].sequence == 2
