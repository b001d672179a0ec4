"""Who is who: Discord users as core identities, Discord roles as core roles, mentions as handles."""

from __future__ import annotations

import re
from collections.abc import Iterable

import discord

from config.discord import DiscordCommunity
from handlers.handles import handle_base
from handlers.models import Identity, Role

PLATFORM = "discord"
_MENTION = re.compile(r"<@!?([0-9]{5,25})>")


def identity_of(user: discord.abc.Snowflake) -> Identity:
    return Identity(PLATFORM, str(user.id))


def platform_role(member: discord.Member | None, config: DiscordCommunity) -> Role:
    """What the member's guild roles grant, per the `[discord]` role ids; checked on every call."""
    if member is None:
        return Role.EVERYONE
    held = {role.id for role in member.roles}
    if held.intersection(config.admin_roles):
        return Role.ADMIN
    if held.intersection(config.moderator_roles):
        return Role.MODERATOR
    return Role.EVERYONE


def resolve_mentions(text: str, users: Iterable[discord.abc.User]) -> tuple[str, dict[str, Identity]]:
    """Replace `<@id>` with a readable `@name` and say which identity each `@name` stands for.

    The core then reads `@name++` and `thanks @name` exactly as typed on other platforms, and resolves
    each name through the returned map first, so a name that happens to be someone else's handle still
    means the person who was mentioned.
    """
    names = {user.id: getattr(user, "display_name", None) or user.name for user in users}
    tokens: dict[int, str] = {}
    mentions: dict[str, Identity] = {}

    def token_for(match: re.Match[str]) -> str:
        user_id = int(match[1])
        if user_id not in tokens:
            base = "@" + handle_base(names.get(user_id) or f"user {user_id}")
            token, n = base, 1
            while token in mentions:
                n += 1
                token = f"{base}_{n}"
            tokens[user_id] = token
            mentions[token] = Identity(PLATFORM, str(user_id))
        return tokens[user_id]

    return _MENTION.sub(token_for, text), mentions
