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
    "alone: get a code to link another platform; with a code: link this one",
    Arg("code", ArgKind.WORD, "the code LINK gave you on your other platform", required=False),
    permission=Role.EVERYONE,
    private=True,
)
async def link(ctx: Context, linking: Linking, code: str | None) -> Reply:
    if code is None:
        return await give_code(ctx, linking)
    return await use_code(ctx, linking, code)
