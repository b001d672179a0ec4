"""JOIN and WHOAMI."""

from __future__ import annotations

from handlers.context import Context
from handlers.feature import Commands
from handlers.members._membership import Members
from handlers.membership import Joining
from handlers.models import Reply, Role
from handlers.registry import Arg, ArgKind

commands: Commands[Members] = Commands()


@commands.command(
    "JOIN",
    "join the community",
    Arg("code", ArgKind.WORD, "the referral code of the member who invited you", required=False),
    permission=Role.EVERYONE,
)
async def join(ctx: Context, members: Members, code: str | None) -> Reply:
    return await members.join(ctx, Joining(code, typed=True))


@commands.command("WHOAMI", "show how you are known here", private=True)
async def whoami(ctx: Context, members: Members) -> Reply:
    member = ctx.require_member()
    identities = await ctx.members.identities(member.id)
    since = member.joined_at.astimezone(ctx.config.community.tz).strftime("%d %b %Y %H:%M")
    return Reply(
        f"You are @{member.handle} ({member.display_name}), {member.status.value} since {since}, "
        f"{ctx.role.label}. Linked: {', '.join(str(i) for i in identities)}."
    )
