"""HELP [command]."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.context import Context
from handlers.errors import NotFound, shorten
from handlers.feature import Commands
from handlers.models import Reply, Role
from handlers.registry import Arg, ArgKind, Registry

commands: Commands[Registry] = Commands()


@dataclass(eq=False)
class UnknownTopic(NotFound):
    topic: str

    def text(self) -> str:
        return f"There is no command “{shorten(self.topic)}” for you. Send HELP for the list."


@commands.command(
    "HELP",
    "list what you can do, or explain one command",
    Arg("command", ArgKind.TEXT, "a command name", required=False),
    permission=Role.EVERYONE,
    private=True,
)
async def help(ctx: Context, registry: Registry, command: str | None) -> Reply:
    if command:
        found = registry.get(command)
        if found is None or found.permission > ctx.role:
            raise UnknownTopic(command)
        lines = [f"{found.usage()} — {found.help}"]
        lines += [f"  {a.placeholder()}: {a.help}" for a in found.args]
        return Reply("\n".join(lines))
    name = ctx.config.community.name
    header = f"{name}: commands you can use" + ("" if ctx.member else " (send JOIN first)")
    lines = [header] + [f"{c.usage()} — {c.help}" for c in registry.available_to(ctx.role)]
    return Reply("\n".join(lines))
