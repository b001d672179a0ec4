"""CIRCLES, CIRCLE JOIN / LEAVE / USE, and the moderators' CIRCLE NEW / MUTE / UNMUTE / REMOVE."""

from __future__ import annotations

import re

from handlers.circles import _render as render
from handlers.circles._errors import (
    AlreadyIn,
    AlreadyMuted,
    BadChannel,
    BadCircleName,
    BadSize,
    CircleExists,
    CircleFull,
    InNoCircle,
    NoDirectChat,
    NoSuchCircle,
    NoSuchMessage,
    NotAMessageNumber,
    NotIn,
    NotYetMember,
    WhichCircle,
)
from handlers.circles._models import Circle, Membership
from handlers.circles._ports import Joined
from handlers.circles._relay import CHANNEL, DIRECT, tell_circle
from handlers.circles._settings import DEFAULT_SIZE, MAX_SIZE
from handlers.circles._state import Circles
from handlers.context import Context
from handlers.feature import Commands
from handlers.keys import is_channel_key, is_item_key, record_number
from handlers.models import Member, MemberStatus, Reply, Role
from handlers.registry import Arg, ArgKind

commands: Commands[Circles] = Commands()

NAME_ARG = Arg("name", ArgKind.WORD, "circles.arg_name_help")
OPTIONAL_NAME = Arg("name", ArgKind.WORD, "circles.arg_name_help", required=False)


@commands.command(
    "CIRCLES", "circles.cmd_circles", private=True, localized={"fr": "CERCLES", "it": "CERCHIE"}
)
async def list_circles(ctx: Context, circles: Circles) -> Reply:
    mine = await circles.repo.memberships(ctx.member.id) if ctx.member is not None else []
    return Reply(render.listing(ctx.t, await circles.repo.circles(), mine))


@commands.command(
    "CIRCLE JOIN",
    "circles.cmd_join",
    NAME_ARG,
    private=True,
    localized={"fr": "CERCLE REJOINDRE", "it": "CERCHIA ENTRA"},
)
async def join(ctx: Context, circles: Circles, name: str) -> Reply:
    member = ctx.require_member()
    circle = await _find(circles, name)
    if member.status is MemberStatus.PENDING:
        raise NotYetMember()
    if not any(i.platform in DIRECT for i in await ctx.members.identities(member.id)):
        raise NoDirectChat(circle.channel)
    joined = await circles.repo.join(circle.id, member.id, ctx.now)
    if joined is Joined.ALREADY:
        raise AlreadyIn(circle.name)
    if joined is Joined.FULL:
        raise CircleFull(circle.name, circle.size)
    return Reply(ctx.t("circles.joined", name=circle.name, count=circle.members + 1, size=circle.size))


@commands.command(
    "CIRCLE LEAVE",
    "circles.cmd_leave",
    OPTIONAL_NAME,
    private=True,
    localized={"fr": "CERCLE QUITTER", "it": "CERCHIA ESCI"},
)
async def leave(ctx: Context, circles: Circles, name: str | None = None) -> Reply:
    member = ctx.require_member()
    mine = await circles.repo.memberships(member.id)
    circle = await _mine(circles, mine, name)
    if not await circles.repo.leave(circle.id, member.id):
        raise NotIn(circle.name)
    left = [m for m in mine if m.circle.id != circle.id]
    t = ctx.t
    text = t("circles.left", name=circle.name)
    if left:
        text += " " + t("circles.now_current", name=left[0].circle.name)
    return Reply(text)


@commands.command(
    "CIRCLE USE",
    "circles.cmd_use",
    NAME_ARG,
    private=True,
    localized={"fr": "CERCLE CHOISIR", "it": "CERCHIA USA"},
)
async def use(ctx: Context, circles: Circles, name: str) -> Reply:
    member = ctx.require_member()
    circle = await _find(circles, name)
    if not await circles.repo.choose(circle.id, member.id, ctx.now):
        raise NotIn(circle.name)
    return Reply(ctx.t("circles.using", name=circle.name))


@commands.command(
    "CIRCLE NEW",
    "circles.cmd_new",
    NAME_ARG,
    Arg("channel", ArgKind.WORD, "circles.arg_channel_help", required=False),
    Arg("size", ArgKind.INTEGER, "circles.arg_size_help", required=False, min=2, max=MAX_SIZE),
    permission=Role.MODERATOR,
    localized={"fr": "CERCLE NOUVEAU", "it": "CERCHIA NUOVA"},
)
async def new(
    ctx: Context, circles: Circles, name: str, channel: str | None = None, size: int | None = None
) -> Reply:
    key = name.lower()
    if not is_item_key(key):
        raise BadCircleName(name)
    if channel is not None and size is None and re.fullmatch(r"[0-9]{1,4}", channel):
        size, channel = int(channel), None  # `CIRCLE NEW runners 30`: a size, no channel
        if not 2 <= size <= MAX_SIZE:
            raise BadSize(size, 2, MAX_SIZE)
    bridged = None if channel is None else channel.removeprefix("#").lower()
    if bridged is not None and not is_channel_key(bridged):
        raise BadChannel(channel or "")
    by = ctx.member.id if ctx.member is not None else None
    made = await circles.repo.create(key, size or DEFAULT_SIZE, bridged, by, ctx.now)
    if not made:
        raise CircleExists(key, bridged)
    all_circles = await circles.repo.circles()
    ctx.on_commit(circles.follow, all_circles)
    t = ctx.t
    if bridged is None:
        return Reply(t("circles.created", name=key, count=size or DEFAULT_SIZE))
    return Reply(t("circles.created_bridged", name=key, count=size or DEFAULT_SIZE, channel=bridged))


MEMBER_ARG = Arg("member", ArgKind.MEMBER, "circles.arg_member_help")


@commands.command(
    "CIRCLE MUTE",
    "circles.cmd_mute",
    MEMBER_ARG,
    OPTIONAL_NAME,
    permission=Role.MODERATOR,
    localized={"fr": "CERCLE SILENCE", "it": "CERCHIA SILENZIA"},
)
async def mute(ctx: Context, circles: Circles, member: Member, name: str | None = None) -> Reply:
    return await _set_muted(ctx, circles, member, name, True)


@commands.command(
    "CIRCLE UNMUTE",
    "circles.cmd_unmute",
    MEMBER_ARG,
    OPTIONAL_NAME,
    permission=Role.MODERATOR,
    localized={"fr": "CERCLE PAROLE", "it": "CERCHIA RIATTIVA"},
)
async def unmute(ctx: Context, circles: Circles, member: Member, name: str | None = None) -> Reply:
    return await _set_muted(ctx, circles, member, name, False)


async def _set_muted(ctx: Context, circles: Circles, member: Member, name: str | None, muted: bool) -> Reply:
    circle = await _mine(circles, await circles.repo.memberships(member.id), name, everyone=True)
    by = ctx.member.id if ctx.member is not None else None
    if not await circles.repo.set_muted(circle.id, member.id, muted, by, ctx.now):
        raise AlreadyMuted(member.handle, circle.name, muted)
    key = "circles.muted_done" if muted else "circles.unmuted_done"
    return Reply(ctx.t(key, handle=member.handle, name=circle.name))


@commands.command(
    "CIRCLE REMOVE",
    "circles.cmd_remove",
    Arg("message", ArgKind.WORD, "circles.arg_message_help"),
    permission=Role.MODERATOR,
    localized={"fr": "CERCLE RETIRER", "it": "CERCHIA RIMUOVI"},
)
async def remove(ctx: Context, circles: Circles, message: str) -> Reply:
    number = record_number(message)
    if number is None:
        raise NotAMessageNumber(message)
    found = await circles.repo.message(number)
    circle = None if found is None else await circles.repo.circle_by_id(found.circle_id)
    if found is None or circle is None or not await circles.repo.remove(found.id, ctx.now):
        raise NoSuchMessage(number)
    await tell_circle(ctx, circles, circle, found, "circles.removed")
    remover = circles.platforms.remover
    if remover is not None and circle.channel is not None:
        channel = circle.channel
        board, ref = (None, found.ref) if found.origin == CHANNEL else (f"circle:{found.id}", None)
        ctx.on_commit(lambda: circles.spawn(remover.remove_post(channel, board, ref)))
    return Reply(ctx.t("circles.removed_done", number=found.id, name=circle.name))


async def _find(circles: Circles, name: str) -> Circle:
    circle = await circles.repo.circle(name.lower())
    if circle is None:
        raise NoSuchCircle(name)
    return circle


async def _mine(circles: Circles, mine: list[Membership], name: str | None, everyone: bool = False) -> Circle:
    """The circle named, else the member's only (or current) one. `everyone`: a moderator names anyone's."""
    if name is not None:
        circle = await _find(circles, name)
        if not everyone and all(m.circle.id != circle.id for m in mine):
            raise NotIn(circle.name)
        return circle
    if not mine:
        raise InNoCircle()
    if everyone and len(mine) > 1:
        raise WhichCircle(tuple(m.circle.name for m in mine))
    return mine[0].circle
