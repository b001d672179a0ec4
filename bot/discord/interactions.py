"""Slash commands and component clicks: acknowledged at once, run through the core, answered.

Every interaction is deferred before the core runs (Discord gives 3 seconds to acknowledge; a command
that waits on the database or a busy lock may take longer). The first reply then replaces the
"thinking…" message when its visibility matches, otherwise that message is deleted and the reply is
sent as a follow-up with the right visibility: a refusal of a public command stays private.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import discord

from bot.discord.people import identity_of
from bot.discord.render import Part, render
from bot.discord.slash import FILE_OPTION
from handlers.models import Attachment, Reply
from handlers.registry import Command, OptionValue

if TYPE_CHECKING:
    from bot.discord.client import CommunityBot

log = logging.getLogger(__name__)


def option_value(value: Any) -> OptionValue:
    """A typed option as the core takes it: a picked user is their identity; text and numbers stay."""
    if isinstance(value, discord.abc.User):
        return identity_of(value)
    if isinstance(value, int | str):
        return value
    return str(value)


async def run_slash(
    bot: CommunityBot, interaction: discord.Interaction[Any], command: Command, values: dict[str, Any]
) -> None:
    file = values.pop(FILE_OPTION, None)
    given = {name: option_value(value) for name, value in values.items() if value is not None}
    shown = " ".join([command.name, *(str(v) for v in given.values())])
    attached: tuple[Attachment, ...] = ()
    if isinstance(file, discord.Attachment):
        attached = (Attachment(file.url, file.content_type or "application/octet-stream", file.size),)

    async def call() -> list[Reply]:
        event = f"interaction:{interaction.id}"
        message = bot.direct(interaction.user, shown, event, locale=interaction.locale, attachments=attached)
        if bot.media is not None:  # kept before the command runs: Discord's link expires in a day
            message = await bot.media.keep_message(message)
        return await bot.core.invoke(message, command.name, given)

    await answer(bot, interaction, command.private, call)


async def run_choice(bot: CommunityBot, interaction: discord.Interaction[Any], text: str) -> None:
    """A button or menu choice: the choice's command runs for whoever clicked; the answer is theirs only."""

    async def call() -> list[Reply]:
        event = f"interaction:{interaction.id}"
        message = bot.direct(interaction.user, text, event, locale=interaction.locale)
        return await bot.core.handle_direct(message)

    await answer(bot, interaction, True, call)


async def answer(
    bot: CommunityBot,
    interaction: discord.Interaction[Any],
    ephemeral: bool,
    call: Callable[[], Awaitable[list[Reply]]],
) -> None:
    try:
        await interaction.response.defer(ephemeral=ephemeral, thinking=True)
    except discord.HTTPException as error:
        # The token is dead (expired or already answered): running the command now would change
        # things while the person sees "interaction failed", so nothing is run.
        log.warning("could not acknowledge interaction %s: %s; nothing was run", interaction.id, error)
        return
    try:
        replies = await call()
    except Exception:
        log.exception("interaction %s failed", interaction.id)
        replies = [Reply(bot.texts_for(interaction.locale)("core.sorry"), private=True)]
    try:
        await send_replies(interaction, replies, ephemeral)
    except Exception:
        log.exception("could not answer interaction %s", interaction.id)


async def send_replies(interaction: discord.Interaction[Any], replies: list[Reply], ephemeral: bool) -> None:
    """After a defer: the core's replies as the original response and follow-ups."""
    parts: list[tuple[Part, bool]] = [
        (part, ephemeral or reply.private) for reply in replies for part in render(reply)
    ]
    if not parts:
        await interaction.delete_original_response()
        return
    first, private = parts[0]
    if private == ephemeral:
        await interaction.edit_original_response(**first.kwargs())
        parts = parts[1:]
    else:
        await interaction.delete_original_response()
    for part, private in parts:
        await interaction.followup.send(**part.kwargs(), ephemeral=private)


async def apologise(bot: CommunityBot, interaction: discord.Interaction[Any]) -> None:
    """Last resort after an unexpected error outside the core: the person never meets silence."""
    sorry = bot.texts_for(interaction.locale)("core.sorry")
    try:
        if interaction.response.is_done():
            await interaction.followup.send(sorry, ephemeral=True)
        else:
            await interaction.response.send_message(sorry, ephemeral=True)
    except discord.HTTPException:
        log.warning("could not apologise on interaction %s", interaction.id)
