"""Where the Discord adapter put each registry command in its slash tree."""

from __future__ import annotations

from typing import Any

from discord import app_commands

from tests.bot.discord.conftest import World


def slash_paths(world: World) -> dict[str, str]:
    """Registry command name -> the slash path the adapter installed it under (`shop add`, `shop view`)."""
    found: dict[str, str] = {}

    def walk(items: list[Any]) -> None:
        for item in items:
            if isinstance(item, app_commands.Group):
                walk(item.commands)
            else:
                found[item.extras["command"]] = item.qualified_name

    walk(world.bot.tree.get_commands(guild=world.guild))
    return found
