"""LINK and LINK <code>."""

from __future__ import annotations

from handlers.context import Context
from handlers.feature import Commands
from handlers.linking._linking import Linking, give_code, use_code
from handlers.models import Reply, Role
from handlers.registry import Arg, ArgKind

commands: Commands[Linking] = Commands()


@commands.command(
    "LINK",
    "linking.cmd_link",
    Arg("code", ArgKind.WORD, "linking.arg_code_help", required=False),
    permission=Role.EVERYONE,
    private=True,
    localized={"fr": "LIER", "it": "COLLEGA"},
)
async def link(ctx: Context, linking: Linking, code: str | None) -> Reply:
    if code is None:
        return await give_code(ctx, linking)
    return await use_code(ctx, linking, code)
