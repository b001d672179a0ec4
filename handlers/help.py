"""HELP: the commands the asker may use, straight from the registry."""

from __future__ import annotations

from typing import TYPE_CHECKING

from handlers.context import Context
from handlers.errors import NotFound
from handlers.models import Reply, Role
from handlers.registry import Arg, ArgKind

if TYPE_CHECKING:
    from handlers.core import Core


def install(core: Core) -> None:
    registry = core.registry

    @registry.command(
        "HELP",
        "list what you can do, or explain one command",
        Arg("command", ArgKind.TEXT, "a command name", required=False),
        permission=Role.EVERYONE,
        private=True,
    )
    async def help_command(ctx: Context, command: str | None) -> Reply:
        if command:
            found = registry.get(command)
            if found is None or found.permission > ctx.role:
                raise NotFound(f"There is no command “{command[:30]}” for you. Send HELP for the list.")
            lines = [f"{found.usage()} — {found.help}"]
            lines += [f"  {a.placeholder()}: {a.help}" for a in found.args]
            return Reply("\n".join(lines))
        name = ctx.config.community.name
        header = f"{name}: commands you can use" + ("" if ctx.member else " (send JOIN first)")
        lines = [header] + [f"{c.usage()} — {c.help}" for c in registry.available_to(ctx.role)]
        return Reply("\n".join(lines))
