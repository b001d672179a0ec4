"""Members: joining, leaving and the names others use for them."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from handlers.context import Context
from handlers.errors import Conflict
from handlers.models import Choice, Member, MemberStatus, Reply, Role
from handlers.registry import Arg, ArgKind

if TYPE_CHECKING:
    from handlers.core import Core

MemberListener = Callable[[Context, Member], Awaitable[Reply | None]]
"""On join, a listener may return what to add to the welcome (text and choices)."""

HANDLE_MAX = 24
RESERVED_HANDLES = frozenset({"bot", "everyone", "here"})


def handle_base(display_name: str) -> str:
    """A readable, mention-safe handle from a display name: `Ana María` -> `ana_maria`."""
    ascii_name = unicodedata.normalize("NFKD", display_name).encode("ascii", "ignore").decode()
    handle = re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")[:HANDLE_MAX].strip("_")
    if handle in RESERVED_HANDLES:  # @bot, @everyone and @here must never name a member
        handle += "_member"
    return handle or "member"


def welcome_text(ctx: Context, member: Member) -> str:
    info = ctx.config.community
    return info.welcome.replace("{community}", info.name).replace("{name}", member.display_name)


async def join(ctx: Context, listeners: Sequence[MemberListener], platform_event: bool = False) -> Reply:
    """Create (or bring back) the asker as a member. Joining twice changes nothing."""
    assert ctx.actor is not None
    members = ctx.services.members
    existing = ctx.member
    if existing is not None and existing.status is MemberStatus.PENDING:
        raise Conflict(
            "You have joined already: send AGREE to accept the rules and take part (RULES shows them)."
        )
    if existing is not None and existing.status is not MemberStatus.LEFT:
        since = existing.joined_at.astimezone(ctx.config.community.tz).strftime("%d %b %Y")
        return Reply(
            f"You are already a member of {ctx.config.community.name} (since {since}) "
            f"as @{existing.handle}. Send HELP to see what you can do.",
            private=True,
        )
    if existing is not None:
        member = await members.set_status(existing.id, MemberStatus.MEMBER, ctx.now)
        text = f"Welcome back to {ctx.config.community.name}, {member.display_name}!"
    else:
        display = _display_name(ctx)
        # With rules to accept, a newcomer is pending until AGREE (the onboarding feature asks).
        status = MemberStatus.PENDING if ctx.config.onboarding.rules else MemberStatus.MEMBER
        member = await members.create(ctx.actor, display, handle_base(display), status, ctx.now)
        text = welcome_text(ctx, member)
    ctx.member = member
    ctx.role = max(ctx.role, Role.MEMBER)
    lines, choices = [text, f"Others can mention you as @{member.handle}."], list[Choice]()
    for listener in listeners:
        added = await listener(ctx, member)
        if added is not None:
            lines.append(added.text)
            choices += added.choices
    reply = Reply("\n".join(lines), tuple(choices))
    if platform_event:
        ctx.send_to(ctx.actor, reply, kind="welcome")
    return reply


async def leave(ctx: Context, listeners: Sequence[MemberListener]) -> None:
    """The platform says the member left: keep their history, mark them left."""
    if ctx.member is None or ctx.member.status is MemberStatus.LEFT:
        return
    member = await ctx.services.members.set_status(ctx.member.id, MemberStatus.LEFT, ctx.now)
    ctx.member = member
    for listener in listeners:
        await listener(ctx, member)


def _display_name(ctx: Context) -> str:
    assert ctx.actor is not None
    given = ctx.message.display_name if ctx.message is not None else None
    name = " ".join((given or "").split())[:64]
    if name:
        return name
    if ctx.actor.platform == "whatsapp":
        return "member " + ctx.actor.user_id[-4:]
    return ctx.actor.user_id


def install(core: Core) -> None:
    @core.registry.command(
        "JOIN",
        "join the community",
        Arg("code", ArgKind.WORD, "the referral code of the member who invited you", required=False),
        permission=Role.EVERYONE,
    )
    async def join_command(ctx: Context, code: str | None) -> Reply:
        if code is not None and ctx.message is not None:
            ctx.message = replace(ctx.message, invite_code=code)  # read by the join listeners
        return await join(ctx, core.hooks.joined)

    @core.registry.command("WHOAMI", "show how you are known here", private=True)
    async def whoami(ctx: Context) -> Reply:
        member = ctx.require_member()
        identities = await ctx.services.members.identities(member.id)
        since = member.joined_at.astimezone(ctx.config.community.tz).strftime("%d %b %Y %H:%M")
        return Reply(
            f"You are @{member.handle} ({member.display_name}), {member.status.value} since {since}, "
            f"{ctx.role.label}. Linked: {', '.join(str(i) for i in identities)}."
        )
