"""POINTS, TOP, HISTORY, KUDOS/THANKS, AWARD and REVOKE."""

from __future__ import annotations

from handlers.context import Context
from handlers.delivery import MessageKind
from handlers.feature import Commands
from handlers.keys import record_number
from handlers.ledger import Kind
from handlers.models import Member, MemberStatus, Reply, Role
from handlers.points import _calendar as calendar
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
from handlers.points._format import entry_line, signed
from handlers.points._levels import level_of, next_level
from handlers.registry import Arg, ArgKind

BOARD_SIZE = 10
HISTORY_SIZE = 10
NOT_REVOCABLE = frozenset({Kind.REVOKE, Kind.REDEEM})
"""A correction is not corrected again; a redemption is undone in the shop, not in the ledger."""

commands: Commands[PointsEngine] = Commands()


@commands.command(
    "POINTS",
    "your balance, level, rank and kudos left (or another member's)",
    Arg("member", ArgKind.MEMBER, "whose points", required=False),
    private=True,
)
async def points(ctx: Context, engine: PointsEngine, member: Member | None) -> Reply:
    asker = ctx.require_member()
    whom = member or asker
    currency = engine.currency
    standing = await engine.repo.standing(whom.id)
    level = level_of(engine.levels, standing.earned)
    upcoming = next_level(engine.levels, standing.earned)
    rank = await engine.rank(whom.id)
    lines = [f"{whom.mention()}: {standing.balance} {currency} ({standing.earned} earned in all)"]
    if upcoming is None:
        lines.append(f"Level: {level.name} (the top level)")
    else:
        lines.append(
            f"Level: {level.name} ({upcoming.threshold - standing.earned} more to reach {upcoming.name})"
        )
    lines.append(f"Rank: #{rank[0]} all-time" if rank else "Rank: not on the board yet")
    if whom.id == asker.id:
        budget = engine.rules.kudos.daily_budget
        left = budget - engine.counters(asker.id, ctx.now).kudos_given
        resets = calendar.until(ctx.now, calendar.next_midnight(ctx.now, engine.tz))
        lines.append(f"Kudos left to give today: {left} of {budget} (resets in {resets})")
    return Reply("\n".join(lines))


@commands.command(
    "TOP",
    "the top 10 members, all-time or this month",
    Arg("period", ArgKind.CHOICE, "all-time or this month", required=False, choices=("month",)),
)
async def top(ctx: Context, engine: PointsEngine, period: str | None) -> Reply:
    month = calendar.month_key(ctx.now, engine.tz) if period else None
    title = f"Top {BOARD_SIZE} — {calendar.month_title(month)}" if month else f"Top {BOARD_SIZE} — all time"
    rows = await engine.top(BOARD_SIZE, month)
    if not rows:
        return Reply(f"{title}\nNobody has earned {engine.currency} yet" + (" this month." if month else "."))
    lines = [f"{title} ({engine.currency} earned)"]
    lines += [f"{row.rank}. @{row.handle} {row.points}" for row in rows]
    if ctx.member is not None and all(row.member_id != ctx.member.id for row in rows):
        mine = await engine.rank(ctx.member.id, month)
        lines.append(f"You: #{mine[0]} with {mine[1]}" if mine else "You: not on this board yet")
    return Reply("\n".join(lines))


@commands.command(
    "HISTORY",
    "your latest points entries (moderators: anyone's)",
    Arg("member", ArgKind.MEMBER, "whose history", required=False),
    private=True,
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
    entries = await engine.repo.history(whom.id, HISTORY_SIZE)
    if not entries:
        return Reply(f"{whom.mention()} has no points entries yet.")
    lines = [f"History of {whom.mention()} (latest {len(entries)}):"]
    lines += [entry_line(e, engine.tz) for e in entries]
    return Reply("\n".join(lines))


@commands.command(
    "KUDOS",
    "thank a member: they get points, you spend one of today's kudos",
    Arg("member", ArgKind.MEMBER, "who to thank"),
    Arg("reason", ArgKind.TEXT, "what for", required=False),
    aliases=("THANKS",),
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
        (reason or "kudos")[:200],
        ctx.source(f"kudos-{member.id}"),
        actor_id=giver.id,
    )
    thanks = f"@{giver.handle} thanked you" + (f": {reason}" if reason else "")
    ctx.send_to_member(member, Reply(f"{thanks} (+{rules.points} {engine.currency})."), MessageKind.KUDOS)
    return Reply(
        f"Kudos sent to {member.mention()} (+{rules.points}). "
        f"You have {rules.daily_budget - counters.kudos_given} of {rules.daily_budget} left today."
    )


@commands.command(
    "AWARD",
    "give a member points, with the reason",
    Arg("member", ArgKind.MEMBER, "who"),
    Arg("points", ArgKind.INTEGER, "how many", min=1, max=1_000_000),
    Arg("reason", ArgKind.TEXT, "why (members see it)"),
    permission=Role.MODERATOR,
)
async def award(ctx: Context, engine: PointsEngine, member: Member, points: int, reason: str) -> Reply:
    currency = engine.currency
    if points > engine.rules.max_award:
        raise AwardTooBig(engine.rules.max_award, currency)
    if member.status is not MemberStatus.MEMBER:
        raise NotYetAMember(member.handle)
    actor = ctx.member.id if ctx.member else None
    entry_id = await engine.credit(
        ctx, member.id, points, Kind.AWARD, reason[:200], ctx.source("award"), actor_id=actor
    )
    if entry_id is None:
        raise AwardedAlready()
    ctx.send_to_member(member, Reply(f"You were awarded {points} {currency}: {reason}"), MessageKind.AWARD)
    return Reply(f"Awarded {points} {currency} to {member.mention()} (entry #{entry_id}): {reason}")


@commands.command(
    "REVOKE",
    "reverse a points entry with a correcting entry",
    Arg("entry", ArgKind.WORD, "the entry number, e.g. #123"),
    Arg("reason", ArgKind.TEXT, "why"),
    permission=Role.MODERATOR,
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
    ctx.send_to_member(
        member,
        Reply(f"A moderator corrected your points ({signed(-original.delta)}): {reason}"),
        MessageKind.AWARD,
    )
    return Reply(
        f"Revoked #{original.id} ({signed(original.delta)} {original.kind.value} for "
        f"{member.mention()}) with #{reversal.correction_id}: {reason}"
    )
