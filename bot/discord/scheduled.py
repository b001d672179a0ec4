"""Founder sessions as the guild's scheduled events (`[sessions] discord_event`): the EventPublisher for
Discord. An event is external (a link or a place), made the first time a session is handed over, edited
after a move and cancelled with the session; which event is whose is kept with the live posts' locations,
so a restart edits the same event rather than making another. Needs the Manage Events permission."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import discord

from bot.discord.client import CommunityBot
from bot.discord.messenger import PostLocations
from handlers.calendar import CalendarEntry

log = logging.getLogger(__name__)

LONGEST = 100
"""Discord's limit for an event's name and location."""


class DiscordEvents:
    def __init__(self, bot: CommunityBot, places: PostLocations) -> None:
        self.bot = bot
        self.places = places

    async def publish(self, entry: CalendarEntry) -> None:
        guild = self.bot.get_guild(self.bot.guild_id)
        if guild is None:
            log.warning("session %s: the bot is not in its guild (yet); no scheduled event", entry.id)
            return
        key = f"event:{entry.uid}"
        event = await self._known(guild, key)
        if entry.cancelled:
            if event is not None and event.status is discord.EventStatus.scheduled:
                await event.cancel(reason="the session was cancelled")
            return
        name, place = entry.title[:LONGEST], entry.place[:LONGEST]
        if event is None:
            made = await guild.create_scheduled_event(
                name=name,
                start_time=entry.start,
                end_time=entry.end,
                entity_type=discord.EntityType.external,
                privacy_level=discord.PrivacyLevel.guild_only,
                location=place,
            )
            await self.places.remember(key, str(made.id), datetime.now(UTC))
            return
        await event.edit(name=name, start_time=entry.start, end_time=entry.end, location=place)

    async def _known(self, guild: discord.Guild, key: str) -> discord.ScheduledEvent | None:
        found = await self.places.find(key)
        if found is None:
            return None
        event = guild.get_scheduled_event(int(found))
        if event is not None:
            return event
        try:
            return await guild.fetch_scheduled_event(int(found))
        except discord.NotFound:  # deleted by hand in Discord: a new one is made
            await self.places.forget(key)
            return None
