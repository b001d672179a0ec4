"""Joining and leaving: the Membership port, told to every feature's join and leave hooks."""

from __future__ import annotations

from collections.abc import Callable

from handlers.context import Context
from handlers.delivery import MessageKind
from handlers.feature import Setup
from handlers.handles import handle_base
from handlers.members._errors import JoinedAlready
from handlers.membership import Joining, MemberEvents
from handlers.models import Choice, Identity, Member, MemberStatus, Reply, Role

DISPLAY_NAME_MAX = 64


class Members:
    def __init__(self, events: MemberEvents, zone_of: Callable[[Identity], str | None] | None = None) -> None:
        self.events = events
        self.zone_of = zone_of

    async def join(self, ctx: Context, joining: Joining) -> Reply:
        """Create (or bring back) the asker as a member. Joining twice changes nothing."""
        assert ctx.actor is not None
        existing = ctx.member
        info = ctx.config.community
        if existing is not None and existing.status is MemberStatus.PENDING:
            raise JoinedAlready()
        if existing is not None and existing.status is not MemberStatus.LEFT:
            return Reply(
                ctx.t(
                    "members.already_member",
                    community=info.name,
                    since=existing.joined_at.astimezone(ctx.zone).date(),
                    handle=existing.handle,
                ),
                private=True,
            )
        if existing is not None:
            member = await ctx.members.set_status(existing.id, MemberStatus.MEMBER)
            ctx.member = member
            text = ctx.t("members.welcome_back", community=info.name, name=member.display_name)
        else:
            display = _display_name(ctx)
            member = await ctx.members.create(ctx.actor, display, handle_base(display), MemberStatus.MEMBER)
            zone = self.zone_of(ctx.actor) if self.zone_of is not None else None
            if zone is not None:
                member = await ctx.members.set_timezone(member.id, zone)
            ctx.member = member
            text = welcome_text(ctx, member)
        ctx.role = max(ctx.role, Role.MEMBER)
        lines = [text, ctx.t("members.mention_as", handle=member.handle)]
        choices = list[Choice]()
        for added in await self.events.joined(ctx, member, joining):
            lines.append(added.text)
            choices += added.choices
        reply = Reply("\n".join(lines), tuple(choices))
        if not joining.typed:  # a platform join: nobody asked, so the welcome is sent to them
            ctx.send_to(ctx.actor, reply, MessageKind.WELCOME)
        return reply

    async def leave(self, ctx: Context) -> None:
        """The platform says the member left: keep their history, mark them left."""
        if ctx.member is None or ctx.member.status is MemberStatus.LEFT:
            return
        member = await ctx.members.set_status(ctx.member.id, MemberStatus.LEFT)
        ctx.member = member
        await self.events.left(ctx, member)


def build(setup: Setup) -> Members:
    return Members(setup.member_events, setup.platforms.zone_of)


def welcome_text(ctx: Context, member: Member) -> str:
    """The welcome for the asker who just joined as `member`: the community's own when the admin wrote
    one, else the catalog's in the asker's language."""
    info = ctx.config.community
    if info.welcome is None:
        return ctx.t("members.welcome", community=info.name, name=member.display_name)
    return info.welcome.replace("{community}", info.name).replace("{name}", member.display_name)


def _display_name(ctx: Context) -> str:
    assert ctx.actor is not None
    name = " ".join((ctx.display_name or "").split())[:DISPLAY_NAME_MAX]
    if name:
        return name
    if ctx.actor.platform == "whatsapp":
        return "member " + ctx.actor.user_id[-4:]
    return ctx.actor.user_id
