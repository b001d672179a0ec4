"""The Discord client: a `commands.Bot` that hands everything to the core and renders its replies."""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import events, interactions, slash
from bot.discord.invites import InviteTracker
from bot.discord.people import identity_of, platform_role
from bot.discord.render import NO_PINGS
from bot.discord.views import DYNAMIC_ITEMS
from bot.media import MediaKeeper
from config.discord import DiscordCommunity
from handlers.core import Core
from handlers.events import ChatMessage, DirectMessage
from handlers.i18n import Translator, language_of
from handlers.models import Attachment, Identity, Role
from handlers.registry import Command

log = logging.getLogger(__name__)

# The bot never joins voice: no warning at every start about voice libraries it does not need.
discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False


def intents() -> discord.Intents:
    """Guilds, members (privileged), message content (privileged), reactions, invites, DMs."""
    chosen = discord.Intents.none()
    chosen.guilds = True
    chosen.members = True
    chosen.message_content = True
    chosen.guild_messages = True
    chosen.dm_messages = True
    chosen.guild_reactions = True
    chosen.invites = True
    return chosen


class CommunityBot(commands.Bot):
    def __init__(self, core: Core, config: DiscordCommunity, guild_id: int) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,  # unused: every command is a slash command
            help_command=None,
            intents=intents(),
            allowed_mentions=NO_PINGS,
        )
        self.core = core
        self.config = config
        self.guild_id = guild_id
        self.invites = InviteTracker()
        self.media: MediaKeeper | None = None
        """Keeps what members attach to a DM (Discord's links expire); None: attachments are not kept."""
        self.tree.error(self._on_tree_error)

    async def setup_hook(self) -> None:
        """After login, before the gateway: listeners, components and the guild's slash commands."""
        await self.prepare()
        await self.tree.set_translator(slash.CatalogTranslator())  # localized names and descriptions
        try:
            synced = await self.tree.sync(guild=discord.Object(self.guild_id))
        except discord.Forbidden:
            log.error(
                "cannot register slash commands in guild %s: invite the bot with the scopes "
                "'bot applications.commands' (see the README); chat and events still work",
                self.guild_id,
            )
            return
        except discord.HTTPException as error:
            # Not fatal: chat, events and DMs work without slash commands; the next start syncs again.
            log.error("slash commands were not synced to guild %s: %s", self.guild_id, error)
            return
        log.info("%d top-level slash commands synced to guild %s", len(synced), self.guild_id)

    async def prepare(self) -> None:
        """Everything that needs no network: event listeners, persistent components, the command tree."""
        self.add_dynamic_items(*DYNAMIC_ITEMS)
        await self.add_cog(events.CommunityEvents(self))
        self.install_commands()

    def install_commands(self) -> list[slash.SlashItem]:
        return slash.install(
            self.tree,
            self.core.registry.all(),
            discord.Object(self.guild_id),
            self._run_slash,
            self.core.texts,
        )

    async def on_message(self, message: discord.Message) -> None:
        """Prefix commands are not used: chat and DMs are handled by `events.CommunityEvents`."""

    # -- what adapters need to hand things to the core -------------------------------------------

    @property
    def community_guild(self) -> discord.Guild | None:
        return self.get_guild(self.guild_id)

    def guild_member(self, user: discord.abc.User) -> discord.Member | None:
        """The user as a member of the community's guild (roles), also when they write from a DM."""
        if isinstance(user, discord.Member) and user.guild.id == self.guild_id:
            return user
        guild = self.community_guild
        return guild.get_member(user.id) if guild is not None else None

    def direct(
        self,
        user: discord.abc.User,
        text: str,
        event_id: str,
        mentions: dict[str, Identity] | None = None,
        locale: discord.Locale | None = None,
        attachments: tuple[Attachment, ...] = (),
    ) -> DirectMessage:
        """What a person sent the bot (a DM, a slash command, a click), with their guild roles and, from an
        interaction, the language their Discord app is set to."""
        member = self.guild_member(user)
        return DirectMessage(
            identity_of(user),
            text,
            event_id=event_id,
            display_name=(member or user).display_name,
            mentions=mentions or {},
            platform_role=platform_role(member, self.config),
            locale=locale.value if locale is not None else None,
            attachments=attachments,
        )

    def asking(self, interaction: discord.Interaction[Any]) -> str:
        """The label of a form's one field (a choice that asks for words), in the clicker's language."""
        return self.texts_for(interaction.locale)("bot.ask_prompt")

    def texts_for(self, locale: discord.Locale | None = None) -> Translator:
        """Texts for someone the core has not answered (an apology): their app's language, else the
        community's."""
        language = language_of(locale.value) if locale is not None else None
        return self.core.texts.translator(language or self.core.services.config.community.language)

    def chat(
        self,
        user: discord.abc.User,
        text: str,
        event_id: str,
        channel: str,
        mentions: dict[str, Identity],
        attachments: tuple[Attachment, ...] = (),
    ) -> ChatMessage:
        return ChatMessage(
            identity_of(user),
            text,
            channel,
            event_id=event_id,
            display_name=user.display_name,
            mentions=mentions,
            attachments=attachments,
        )

    def role_of(self, user: discord.abc.User) -> Role:
        """What the user's guild roles grant them, per the [discord] role ids."""
        return platform_role(self.guild_member(user), self.config)

    def channel_for(self, key: str) -> discord.abc.Messageable | None:
        """The channel for a core key: mapped in `[discord.channels]`, else the text channel of that name."""
        channel_id = self.config.channels.get(key)
        if channel_id is not None:
            found = self.get_channel(channel_id)
            return found if isinstance(found, discord.abc.Messageable) else None
        guild = self.community_guild
        if guild is None:
            return None
        return discord.utils.get(guild.text_channels, name=key)

    def channel_key(self, channel: discord.abc.GuildChannel | discord.Thread) -> str:
        """The core's key for a guild channel; a thread speaks for its parent channel."""
        if isinstance(channel, discord.Thread) and channel.parent is not None:
            channel = channel.parent
        return self.config.channel_key(channel.id) or channel.name

    # -- interactions ----------------------------------------------------------------------------

    async def _run_slash(
        self, interaction: discord.Interaction[Any], command: Command, values: dict[str, Any]
    ) -> None:
        await interactions.run_slash(self, interaction, command, values)

    async def run_choice(self, interaction: discord.Interaction[Any], text: str) -> None:
        await interactions.run_choice(self, interaction, text)

    async def _on_tree_error(
        self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError
    ) -> None:
        log.error("slash command failed", exc_info=error)
        await interactions.apologise(self, interaction)
