"""POINTS, TOP, HISTORY, KUDOS/THANKS, AWARD and REVOKE."""

from __future__ import annotations

import uuid

from handlers.context import Context
from handlers.errors import Conflict, NotFound, PermissionDenied, UsageError
from handlers.models import Member, MemberStatus, Reply, Role
from handlers.points import calendar
from handlers.points.engine import PointsEngine
from handlers.points.format import entry_line, record_number, signed
from handlers.points.levels import level_of, next_level
from handlers.points.models import Kind
from handlers.registry import Arg, ArgKind, Registry

BOARD_SIZE = 10
HISTORY_SIZE = 10
NOT_REVOCABLE = {Kind.REVOKE: "it is itself a correction", Kind.REDEEM: "it is a shop redemption"}


def source_of(ctx: Context, what: str) -> str:
    """A unique ledger source for a command: the platform message id when there is one (replays count
    once), otherwise a fresh id."""
    message = ctx.message
    if message is not None and message.message_id:
        return f"{what}:{message.identity.platform}:{message.message_id}"
    return f"{what}:{uuid.uuid4().hex}"


def install(registry: Registry, engine: PointsEngine) -> None:
    rules = engine.config.points
    currency = rules.currency

    @registry.command(
        "POINTS",
        "your balance, level, rank and kudos left (or another member's)",
        Arg("member", ArgKind.MEMBER, "whose points", required=False),
        private=True,
    )
    async def points(ctx: Context, member: Member | None) -> Reply:
        asker = ctx.require_member()
        whom = member or asker
        standing = await ctx.services.points.standing(whom.id)
        level = level_of(ctx.config.levels, standing.earned)
        upcoming = next_level(ctx.config.levels, standing.earned)
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
            budget = rules.kudos.daily_budget
            left = budget - engine.counters(asker.id, ctx.now).kudos_given
            resets = calendar.until(ctx.now, calendar.next_midnight(ctx.now, engine.tz))
            lines.append(f"Kudos left to give today: {left} of {budget} (resets in {resets})")
        return Reply("\n".join(lines))

    @registry.command(
        "TOP",
        "the top 10 members, all-time or this month",
        Arg("period", ArgKind.CHOICE, "all-time or this month", required=False, choices=("month",)),
    )
    async def top(ctx: Context, period: str | None) -> Reply:
        month = calendar.month_key(ctx.now, engine.tz) if period else None
        title = (
            f"Top {BOARD_SIZE} — {calendar.month_title(month)}" if month else f"Top {BOARD_SIZE} — all time"
        )
        rows = await engine.top(BOARD_SIZE, month)
        if not rows:
            return Reply(f"{title}\nNobody has earned {currency} yet" + (" this month." if month else "."))
        lines = [f"{title} ({currency} earned)"]
        lines += [f"{row.rank}. @{row.handle} {row.points}" for row in rows]
        if ctx.member is not None and all(row.member_id != ctx.member.id for row in rows):
            mine = await engine.rank(ctx.member.id, month)
            lines.append(f"You: #{mine[0]} with {mine[1]}" if mine else "You: not on this board yet")
        return Reply("\n".join(lines))

    @registry.command(
        "HISTORY",
        "your latest points entries (moderators: anyone's)",
        Arg("member", ArgKind.MEMBER, "whose history", required=False),
        private=True,
    )
    async def history(ctx: Context, member: Member | None) -> Reply:
        if member is None:
            whom = ctx.require_member()
        else:
            # Moderators configured by identity may look at anyone's without being members themselves.
            whom = member
            own = ctx.member is not None and ctx.member.id == member.id
            if not own and ctx.role < Role.MODERATOR:
                raise PermissionDenied(
                    "Only moderators can see another member's history. Send HISTORY for yours."
                )
        entries = await ctx.services.points.history(whom.id, HISTORY_SIZE)
        if not entries:
            return Reply(f"{whom.mention()} has no points entries yet.")
        lines = [f"History of {whom.mention()} (latest {len(entries)}):"]
        lines += [entry_line(e, engine.tz) for e in entries]
        return Reply("\n".join(lines))

    @registry.command(
        "KUDOS",
        "thank a member: they get points, you spend one of today's kudos",
        Arg("member", ArgKind.MEMBER, "who to thank"),
        Arg("reason", ArgKind.TEXT, "what for", required=False),
        aliases=("THANKS",),
    )
    async def kudos(ctx: Context, member: Member, reason: str | None) -> Reply:
        giver = ctx.require_member()
        if not rules.kudos.enabled:
            raise Conflict("Kudos are switched off in this community.")
        if giver.status is not MemberStatus.MEMBER:
            raise PermissionDenied("Finish joining first: you can give kudos once you are a member.")
        problem = engine.kudos_problem(giver, member, member.mention())
        if problem:
            raise Conflict(problem)
        engine.reserve_kudos(ctx, giver)
        await engine.credit(
            ctx,
            member.id,
            rules.kudos.points,
            Kind.KUDOS,
            (reason or "kudos")[:200],
            source_of(ctx, f"kudos-{member.id}"),
            actor_id=giver.id,
        )
        left = rules.kudos.daily_budget - engine.counters(giver.id, ctx.now).kudos_given
        thanks = f"@{giver.handle} thanked you" + (f": {reason}" if reason else "")
        await ctx.send_to_member(member, Reply(f"{thanks} (+{rules.kudos.points} {currency})."), kind="kudos")
        return Reply(
            f"Kudos sent to {member.mention()} (+{rules.kudos.points}). "
            f"You have {left} of {rules.kudos.daily_budget} left today."
        )

    @registry.command(
        "AWARD",
        "give a member points, with the reason",
        Arg("member", ArgKind.MEMBER, "who"),
        Arg("points", ArgKind.INTEGER, "how many", min=1, max=1_000_000),
        Arg("reason", ArgKind.TEXT, "why (members see it)"),
        permission=Role.MODERATOR,
    )
    async def award(ctx: Context, member: Member, points: int, reason: str) -> Reply:
        if points > rules.max_award:
            raise UsageError(
                f"At most {rules.max_award} {currency} per award. Usage: AWARD @name <points> <reason>"
            )
        if member.status is not MemberStatus.MEMBER:
            raise Conflict(f"{member.mention()} hasn't finished joining yet, so nothing was awarded.")
        actor = ctx.member.id if ctx.member else None
        entry_id = await engine.credit(
            ctx, member.id, points, Kind.AWARD, reason[:200], source_of(ctx, "award"), actor_id=actor
        )
        if entry_id is None:
            raise Conflict("That award was already recorded.")
        await ctx.send_to_member(
            member, Reply(f"You were awarded {points} {currency}: {reason}"), kind="award"
        )
        return Reply(f"Awarded {points} {currency} to {member.mention()} (entry #{entry_id}): {reason}")

    @registry.command(
        "REVOKE",
        "reverse a points entry with a correcting entry",
        Arg("entry", ArgKind.WORD, "the entry number, e.g. #123"),
        Arg("reason", ArgKind.TEXT, "why"),
        permission=Role.MODERATOR,
    )
    async def revoke(ctx: Context, entry: str, reason: str) -> Reply:
        number = record_number(entry)
        if number is None:
            raise UsageError(f"“{entry[:20]}” is not an entry number. Usage: REVOKE #123 <reason>")
        original = await ctx.services.points.entry(number)
        if original is None:
            raise NotFound(f"There is no entry {entry}. HISTORY @name shows entry numbers.")
        if original.kind in NOT_REVOCABLE:
            raise Conflict(f"Entry #{original.id} can't be revoked: {NOT_REVOCABLE[original.kind]}.")
        if original.revoked_by is not None:
            raise Conflict(f"Entry #{original.id} was already revoked by #{original.revoked_by}.")
        actor = ctx.member.id if ctx.member else None
        correction = await engine.credit(
            ctx,
            original.member_id,
            -original.delta,
            Kind.REVOKE,
            reason[:200],
            f"revoke:{original.id}",
            actor_id=actor,
            reverses=original.id,
        )
        if correction is None:
            raise Conflict(f"Entry #{original.id} was already revoked.")
        member = await ctx.services.members.by_id(original.member_id)
        assert member is not None
        await ctx.send_to_member(
            member,
            Reply(f"A moderator corrected your points ({signed(-original.delta)}): {reason}"),
            kind="award",
        )
        return Reply(
            f"Revoked #{original.id} ({signed(original.delta)} {original.kind.value} for "
            f"{member.mention()}) with #{correction}: {reason}"
        )
