"""POINTS, TOP, HISTORY, KUDOS/THANKS, AWARD and REVOKE."""

from __future__ import annotations

from handlers.context import Context
from handlers.delivery import MessageKind
from handlers.feature import Commands
from handlers.keys import record_number
from handlers.ledger import Kind
from handlers.models import Member, MemberStatus, Reply, Role
from handlers.points import _calendar as calendar
from handlers.points._chat import kudos_sent
from handlers.points._engine import PointsEngine
from handlers.points._errors import (
    AwardedAlready,
    AwardTooBig,
    KudosBeforeJoining,
    KudosSwitchedOff,
    NoSuchEntry,
    NotAnEntryNumber,
    NotRevocable,
    NotYetAMember,
    OthersHistory,
    RevokedAlready,
)
from handlers.points._format import KUDOS_REASON, currency_name, entry_line, kind_name, signed
from handlers.points._levels import level_of, next_level
from handlers.registry import Arg, ArgKind

BOARD_SIZE = 10
HISTORY_SIZE = 10
NOT_REVOCABLE = frozenset({Kind.REVOKE, Kind.REDEEM})
"""A correction is not corrected again; a redemption is undone in the shop, not in the ledger."""

commands: Commands[PointsEngine] = Commands()


@commands.command(
    "POINTS",
    "points.cmd_points",
    Arg("member", ArgKind.MEMBER, "points.arg_points_member_help", required=False),
    private=True,
    localized={"it": "PUNTI"},
)
async def points(ctx: Context, engine: PointsEngine, member: Member | None) -> Reply:
    asker = ctx.require_member()
    t = ctx.t
    whom = member or asker
    standing = await engine.repo.standing(whom.id)
    level = level_of(engine.levels, standing.earned)
    upcoming = next_level(engine.levels, standing.earned)
    rank = await engine.rank(whom.id)
    balance = engine.amount(t, standing.balance)
    lines = [t("points.standing", count=standing.earned, member=whom.mention(), balance=balance)]
    if upcoming is None:
        lines.append(t("points.level_top", level=engine.levels.name_of(level, t)))
    else:
        more = upcoming.threshold - standing.earned
        named, following = engine.levels.name_of(level, t), engine.levels.name_of(upcoming, t)
        lines.append(t("points.level_next", count=more, level=named, next=following))
    lines.append(t("points.rank", rank=rank[0]) if rank else t("points.rank_none"))
    if whom.id == asker.id:
        budget = engine.rules.kudos.daily_budget
        left = budget - engine.counters(asker.id, ctx.now).kudos_given
        resets = t.duration((calendar.next_midnight(ctx.now, engine.tz) - ctx.now).total_seconds())
        lines.append(t("points.kudos_left_today", count=left, budget=budget, resets=resets))
    return Reply("\n".join(lines))


@commands.command(
    "TOP",
    "points.cmd_top",
    Arg("period", ArgKind.CHOICE, "points.arg_period_help", required=False, choices=("month",)),
    localized={"fr": "CLASSEMENT", "it": "CLASSIFICA"},
)
async def top(ctx: Context, engine: PointsEngine, period: str | None) -> Reply:
    t = ctx.t
    month = calendar.month_key(ctx.now, engine.tz) if period else None
    title = {"count": BOARD_SIZE, "currency": currency_name(t, engine.rules.currency)}
    if month:
        title["month"] = t.month(calendar.month_of(month))
    rows = await engine.top(BOARD_SIZE, month)
    if not rows:
        return Reply(t("points.top_empty_month", **title) if month else t("points.top_empty", **title))
    lines = [t("points.top_title_month", **title) if month else t("points.top_title", **title)]
    lines += [t("points.top_row", rank=row.rank, handle=row.handle, points=row.points) for row in rows]
    if ctx.member is not None and all(row.member_id != ctx.member.id for row in rows):
        mine = await engine.rank(ctx.member.id, month)
        lines.append(t("points.top_you", count=mine[1], rank=mine[0]) if mine else t("points.top_you_none"))
    return Reply("\n".join(lines))


@commands.command(
    "HISTORY",
    "points.cmd_history",
    Arg("member", ArgKind.MEMBER, "points.arg_history_member_help", required=False),
    private=True,
    localized={"fr": "HISTORIQUE", "it": "STORICO"},
)
async def history(ctx: Context, engine: PointsEngine, member: Member | None) -> Reply:
    if member is None:
        whom = ctx.require_member()
    else:
        # Moderators configured by identity may look at anyone's without being members themselves.
        whom = member
        own = ctx.member is not None and ctx.member.id == member.id
        if not own and ctx.role < Role.MODERATOR:
            raise OthersHistory()
    t = ctx.t
    entries = await engine.repo.history(whom.id, HISTORY_SIZE)
    if not entries:
        return Reply(t("points.history_empty", member=whom.mention()))
    lines = [t("points.history_title", count=len(entries), member=whom.mention())]
    lines += [entry_line(t, e, ctx.zone) for e in entries]
    return Reply("\n".join(lines))


@commands.command(
    "KUDOS",
    "points.cmd_kudos",
    Arg("member", ArgKind.MEMBER, "points.arg_kudos_member_help"),
    Arg("reason", ArgKind.TEXT, "points.arg_kudos_reason_help", required=False),
    aliases=("THANKS",),
    localized={"fr": "MERCI", "it": "GRAZIE"},
)
async def kudos(ctx: Context, engine: PointsEngine, member: Member, reason: str | None) -> Reply:
    giver = ctx.require_member()
    rules = engine.rules.kudos
    if not rules.enabled:
        raise KudosSwitchedOff()
    if giver.status is not MemberStatus.MEMBER:
        raise KudosBeforeJoining()
    problem = engine.kudos_problem(giver, member, member.mention())
    if problem:
        raise problem
    counters = engine.reserve_kudos(ctx, giver)
    await engine.credit(
        ctx,
        member.id,
        rules.points,
        Kind.KUDOS,
        (reason or KUDOS_REASON)[:200],
        ctx.source(f"kudos-{member.id}"),
        actor_id=giver.id,
    )
    theirs = ctx.t_for(member)
    credits = engine.amount(theirs, rules.points)
    if reason:
        told = theirs("points.kudos_received_for", giver=giver.mention(), reason=reason, credits=credits)
    else:
        told = theirs("points.kudos_received", giver=giver.mention(), credits=credits)
    ctx.send_to_member(member, Reply(told), MessageKind.KUDOS)
    return Reply(kudos_sent(ctx.t, rules, [member], counters.kudos_given))


@commands.command(
    "AWARD",
    "points.cmd_award",
    Arg("member", ArgKind.MEMBER, "points.arg_award_member_help"),
    Arg("points", ArgKind.INTEGER, "points.arg_award_points_help", min=1, max=1_000_000),
    Arg("reason", ArgKind.TEXT, "points.arg_award_reason_help"),
    permission=Role.MODERATOR,
    localized={"fr": "ATTRIBUER", "it": "ASSEGNA"},
)
async def award(ctx: Context, engine: PointsEngine, member: Member, points: int, reason: str) -> Reply:
    if points > engine.rules.max_award:
        raise AwardTooBig(engine.rules.max_award, engine.rules.currency)
    if member.status is not MemberStatus.MEMBER:
        raise NotYetAMember(member.handle)
    actor = ctx.member.id if ctx.member else None
    entry_id = await engine.credit(
        ctx, member.id, points, Kind.AWARD, reason[:200], ctx.source("award"), actor_id=actor
    )
    if entry_id is None:
        raise AwardedAlready()
    theirs = ctx.t_for(member)
    told = theirs("points.awarded_notice", credits=engine.amount(theirs, points), reason=reason)
    ctx.send_to_member(member, Reply(told), MessageKind.AWARD)
    t = ctx.t
    return Reply(
        t(
            "points.awarded",
            credits=engine.amount(t, points),
            member=member.mention(),
            entry=str(entry_id),
            reason=reason,
        )
    )


@commands.command(
    "REVOKE",
    "points.cmd_revoke",
    Arg("entry", ArgKind.WORD, "points.arg_revoke_entry_help"),
    Arg("reason", ArgKind.TEXT, "points.arg_revoke_reason_help"),
    permission=Role.MODERATOR,
    localized={"fr": "RETIRER", "it": "REVOCA"},
)
async def revoke(ctx: Context, engine: PointsEngine, entry: str, reason: str) -> Reply:
    number = record_number(entry)
    if number is None:
        raise NotAnEntryNumber(entry)
    original = await engine.repo.entry(number)
    if original is None:
        raise NoSuchEntry(number)
    if original.kind in NOT_REVOCABLE:
        raise NotRevocable(original.id, original.kind)
    if original.revoked_by is not None:
        raise RevokedAlready(original.id, original.revoked_by)
    actor = ctx.member.id if ctx.member else None
    reversal = await engine.reverse(ctx, original.id, reason[:200], actor_id=actor)
    if reversal is None:
        raise RevokedAlready(original.id)
    member = await ctx.members.by_id(original.member_id)
    assert member is not None
    theirs = ctx.t_for(member)
    told = theirs("points.corrected_notice", delta=signed(theirs, -original.delta), reason=reason)
    ctx.send_to_member(member, Reply(told), MessageKind.AWARD)
    t = ctx.t
    return Reply(
        t(
            "points.revoked",
            entry=str(original.id),
            delta=signed(t, original.delta),
            kind=kind_name(t, original.kind),
            member=member.mention(),
            correction=str(reversal.correction_id),
            reason=reason,
        )
    )
