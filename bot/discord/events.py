"""Gateway events mapped to the core: chat, DMs, joins and leaves, award reactions, invites."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

import discord
from discord.ext import commands

from bot.discord.messenger import send
from bot.discord.people import identity_of, resolve_mentions
from handlers.bridge import BRIDGE, ChannelBridge, ChannelDeletion, ChannelEdit
from handlers.events import MemberJoined, MemberLeft, ReactionAdded
from handlers.models import Attachment, Role

if TYPE_CHECKING:
    from bot.discord.client import CommunityBot

log = logging.getLogger(__name__)


class CommunityEvents(commands.Cog):
    def __init__(self, bot: CommunityBot) -> None:
        self.bot = bot

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        guild = self.bot.community_guild
        if guild is None:
            log.error(
                "the bot is not in guild %s (COMMUNITYBOT_DISCORD__GUILD_ID): invite it with the URL in "
                "the README",
                self.bot.guild_id,
            )
            return
        await self.bot.invites.refresh(guild)
        log.info(
            "connected to Discord as %s in %s (%d members)",
            self.bot.user,
            guild.name,
            guild.member_count or 0,
        )

    # Edits are not listened to at all: an edited message can never earn or give anything twice.
    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot or message.webhook_id is not None:
            return
        if message.guild is None:
            await self._direct(message)
        elif message.guild.id == self.bot.guild_id and (message.content or message.attachments):
            await self._chat(message)

    async def _direct(self, message: discord.Message) -> None:
        text, mentions = resolve_mentions(message.content, message.mentions)
        attached = tuple(
            Attachment(a.url, a.content_type or "application/octet-stream", a.size)
            for a in message.attachments
        )
        incoming = self.bot.direct(message.author, text, str(message.id), mentions, attachments=attached)
        if self.bot.media is not None:  # kept before the command runs: the link expires in a day
            incoming = await self.bot.media.keep_message(incoming)
        for reply in await self.bot.core.handle_direct(incoming):
            await send(message.channel, reply)

    async def _chat(self, message: discord.Message) -> None:
        text, mentions = resolve_mentions(message.content, message.mentions)
        answered = _answered_number(message)
        if answered is not None:  # a Discord reply to a circle message the bot posted: `#12 text`
            text = f"#{answered} {text}"
        assert not isinstance(
            message.channel, discord.DMChannel | discord.GroupChannel | discord.PartialMessageable
        )
        key = self.bot.channel_key(message.channel)
        bridge = self._bridge()
        bridged = bridge is not None and bridge.bridges(key)
        if not message.content and not bridged:
            return  # a file alone in a channel no circle reads: nothing to count
        attached: tuple[Attachment, ...] = ()
        if bridged and message.attachments and self.bot.media is not None:
            # Kept before the core runs (the link expires in a day): a circle's WhatsApp members get them.
            attached = await self.bot.media.keep(
                tuple(
                    Attachment(a.url, a.content_type or "application/octet-stream", a.size)
                    for a in message.attachments
                )
            )
        incoming = self.bot.chat(message.author, text, str(message.id), key, mentions, attached)
        for reply in await self.bot.core.handle_chat(incoming):
            await send(message.channel, reply)

    # A bridged channel's edits and deletions reach its circle (a correction notice); they never earn points.
    @commands.Cog.listener()
    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        bridge = self._bridge()
        message = payload.message
        if bridge is None or payload.guild_id != self.bot.guild_id or message.author.bot:
            return
        if message.webhook_id is not None or not message.content:
            return
        assert not isinstance(
            message.channel, discord.DMChannel | discord.GroupChannel | discord.PartialMessageable
        )
        text, _ = resolve_mentions(message.content, message.mentions)
        key = self.bot.channel_key(message.channel)
        await bridge.edited(ChannelEdit(key, str(payload.message_id), text, identity_of(message.author)))

    @commands.Cog.listener()
    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        bridge = self._bridge()
        if bridge is None or payload.guild_id != self.bot.guild_id:
            return
        channel = self.bot.get_channel(payload.channel_id)
        if not isinstance(channel, discord.abc.GuildChannel | discord.Thread):
            return
        await bridge.deleted(ChannelDeletion(self.bot.channel_key(channel), str(payload.message_id)))

    def _bridge(self) -> ChannelBridge | None:
        try:
            return self.bot.core.port(BRIDGE)
        except LookupError:
            return None

    @commands.Cog.listener()
    async def on_member_join(self, member: discord.Member) -> None:
        if member.bot or member.guild.id != self.bot.guild_id:
            return
        code = await self.bot.invites.used_on_join(member.guild)
        joined = member.joined_at.timestamp() if member.joined_at else 0
        await self.bot.core.member_joined(
            MemberJoined(
                identity_of(member),
                display_name=member.display_name,
                event_id=f"join:{member.id}:{joined:.0f}",  # a replayed join is a no-op, a rejoin is not
                invite_code=code,
            )
        )

    @commands.Cog.listener()
    async def on_member_remove(self, member: discord.Member) -> None:
        if member.bot or member.guild.id != self.bot.guild_id:
            return
        await self.bot.core.member_left(MemberLeft(identity_of(member)))

    @commands.Cog.listener()
    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        """A moderator's reaction to a member's chat message (the points feature awards its emoji).

        Only staff reactions reach the core: everyone else's are far too many to matter.
        """
        if payload.guild_id != self.bot.guild_id:
            return
        reactor = payload.member
        if reactor is None or reactor.bot:
            return
        reactor_role = self.bot.role_of(reactor)
        staff = max(reactor_role, self.bot.core.services.config.roles.role_of(identity_of(reactor)))
        if staff < Role.MODERATOR:
            return
        author_id = payload.message_author_id or await self._author_of(payload)
        if author_id is None or author_id == reactor.id:
            return
        author = self.bot.get_user(author_id)
        if author is not None and author.bot:
            return
        await self.bot.core.reaction_added(
            ReactionAdded(
                identity_of(reactor),
                identity_of(discord.Object(author_id)),
                str(payload.emoji),
                event_id=f"reaction:{payload.message_id}:{payload.user_id}:{payload.emoji}",
                display_name=reactor.display_name,
                platform_role=reactor_role,
            )
        )

    async def _author_of(self, payload: discord.RawReactionActionEvent) -> int | None:
        channel = self.bot.get_channel(payload.channel_id)
        if not isinstance(channel, discord.abc.Messageable):
            return None
        try:
            message = await channel.fetch_message(payload.message_id)
        except discord.HTTPException:
            log.warning("could not read message %s to award its author", payload.message_id)
            return None
        return None if message.author.bot else message.author.id

    @commands.Cog.listener()
    async def on_invite_create(self, invite: discord.Invite) -> None:
        if invite.guild is not None and invite.guild.id == self.bot.guild_id:
            self.bot.invites.created(invite)

    @commands.Cog.listener()
    async def on_invite_delete(self, invite: discord.Invite) -> None:
        if invite.guild is not None and invite.guild.id == self.bot.guild_id:
            self.bot.invites.deleted(invite)


_NUMBER = re.compile(r"· #([0-9]{1,12})$")
"""The number the bot's circle posts carry after the writer's name (`alice · #12`)."""


def _answered_number(message: discord.Message) -> int | None:
    """The circle message a Discord reply answers, when it answers one the bot posted (through its webhook,
    under the writer's name and number, or as itself with them in bold before the text)."""
    reference = message.reference
    answered = reference.resolved if reference is not None else None
    if not isinstance(answered, discord.Message):
        return None
    if answered.webhook_id is not None:
        found = _NUMBER.search(answered.author.name)
    elif answered.author.bot:
        found = re.match(r"\*\*.+ · #([0-9]{1,12})\*\*:", answered.content)
    else:
        return None
    return int(found[1]) if found else None
