"""HELP [command], in the reader's language: each command's keyword, usage and help in it."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.context import Context
from handlers.errors import NotFound, shorten
from handlers.feature import Commands
from handlers.i18n import Translator
from handlers.models import Reply, Role
from handlers.registry import Arg, ArgKind, Command, Registry

commands: Commands[Registry] = Commands()


@dataclass(eq=False)
class UnknownTopic(NotFound):
    topic: str

    def text(self, t: Translator) -> str:
        return t("help.unknown_topic", topic=shorten(self.topic))


@commands.command(
    "HELP",
    "help.cmd_help",
    Arg("command", ArgKind.TEXT, "help.arg_command_help", required=False),
    permission=Role.EVERYONE,
    private=True,
    localized={"fr": "AIDE", "it": "AIUTO"},
)
async def help(ctx: Context, registry: Registry, command: str | None) -> Reply:
    t = ctx.t
    if command:
        found = registry.get(command)  # the keyword in any language (HELP CLASSEMENT)
        if found is None or found.permission > ctx.role:
            raise UnknownTopic(command)
        lines = [_line(found, t)]
        lines += [
            "  " + t("help.arg_line", placeholder=arg.placeholder(t, found.domain), help=t(arg.help))
            for arg in found.args
        ]
        return Reply("\n".join(lines))
    name = ctx.config.community.name
    if ctx.member is not None and ctx.member.is_active:
        header = t("help.header", community=name)
    else:
        header = t("help.header_stranger", community=name)
    # The lines are the same for every member of a role: made once (a HELP cost a quarter of a read).
    listing = registry.listing(ctx.role, t, lambda available: _lines(available, t))
    return Reply(header + "\n" + listing)


def _lines(available: list[Command], t: Translator) -> str:
    return "\n".join(_line(c, t) for c in sorted(available, key=lambda c: c.name_in(t.language)))


def _line(command: Command, t: Translator) -> str:
    return t("help.command_line", usage=command.usage(t), help=t(command.help))
