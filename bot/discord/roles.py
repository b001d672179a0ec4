"""Level roles on Discord: a RoleUpdate from the core becomes add_roles/remove_roles in the guild."""

from __future__ import annotations

import logging

import discord

from handlers.models import RoleUpdate

log = logging.getLogger(__name__)


async def apply_role_update(guild: discord.Guild | None, update: RoleUpdate) -> bool:
    """Grant or remove the role; every problem is logged with what to fix, never raised. True when done."""
    if guild is None:
        log.error("cannot change roles: the bot is not in the configured Discord server")
        return False
    if not update.role.isdigit():
        log.error("level role %r is not a Discord role id (copy it with Developer Mode on)", update.role)
        return False
    role = guild.get_role(int(update.role))
    if role is None:
        log.error("role %s does not exist in %s: check the level roles in community.toml", update.role, guild)
        return False
    try:
        member = guild.get_member(int(update.to.user_id)) or await guild.fetch_member(int(update.to.user_id))
    except discord.NotFound:
        log.warning("cannot change role %s for %s: they are not in the server", role.name, update.to)
        return False
    verb = "grant" if update.grant else "remove"
    try:
        if update.grant:
            await member.add_roles(role, reason=update.reason[:512])
        else:
            await member.remove_roles(role, reason=update.reason[:512])
    except discord.Forbidden:
        log.error(
            "cannot %s role %r for %s: give the bot the Manage Roles permission and move its own role "
            "above %r in Server Settings → Roles",
            verb,
            role.name,
            update.to,
            role.name,
        )
        return False
    except discord.HTTPException as error:
        log.error("cannot %s role %r for %s: Discord said %s", verb, role.name, update.to, error)
        return False
    log.info(
        "%s role %r for %s (%s)",
        "granted" if update.grant else "removed",
        role.name,
        update.to,
        update.reason,
    )
    return True
