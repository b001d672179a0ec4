"""STOP (UNSUBSCRIBE), CANCEL alone and START."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.consent._policy import ConsentPolicy
from handlers.context import Context
from handlers.errors import PermissionDenied, UsageError, shorten
from handlers.feature import Commands
from handlers.models import Reply, Role
from handlers.registry import Arg, ArgKind

commands: Commands[ConsentPolicy] = Commands()


@dataclass(eq=False)
class NothingToCancel(UsageError):
    what: str

    def text(self) -> str:
        return (
            f"There is nothing called “{shorten(self.what)}” to cancel. "
            "Send CANCEL alone (or STOP) to stop messages."
        )


@dataclass(eq=False)
class StartBeforeJoining(PermissionDenied):
    community: str

    def text(self) -> str:
        return f"You are not a member of {self.community} yet: send JOIN (it turns messages on too)."


async def stop(ctx: Context, policy: ConsentPolicy, source: str) -> Reply:
    assert ctx.actor is not None
    latest = await policy.records.latest(ctx.actor)
    if latest is None or latest.opted_in:
        await policy.records.record(ctx.actor, False, source, None, ctx.now)
    return Reply(
        f"Done: {ctx.config.community.name} will send you nothing more here (no newsletter, reminders or "
        "notices). We still answer when you write. Send START to get messages again."
    )


@commands.command(
    "STOP",
    "stop every message we send without being asked",
    permission=Role.EVERYONE,
    private=True,
    aliases=("UNSUBSCRIBE",),
)
async def stop_command(ctx: Context, policy: ConsentPolicy) -> Reply:
    return await stop(ctx, policy, "STOP")


@commands.command(
    "CANCEL",
    "alone: the same as STOP",
    Arg("what", ArgKind.WORD, "what to cancel", required=False),
    permission=Role.EVERYONE,
    private=True,
)
async def cancel_command(ctx: Context, policy: ConsentPolicy, what: str | None) -> Reply:
    # CANCEL <something> will cancel an RSVP once sessions exist; until then only CANCEL alone means STOP.
    if what is not None:
        raise NothingToCancel(what)
    return await stop(ctx, policy, "CANCEL")


@commands.command("START", "get community messages again after STOP", permission=Role.EVERYONE, private=True)
async def start_command(ctx: Context, policy: ConsentPolicy) -> Reply:
    assert ctx.actor is not None
    name = ctx.config.community.name
    if ctx.member is None or not ctx.member.is_active:
        raise StartBeforeJoining(name)
    latest = await policy.records.latest(ctx.actor)
    if latest is None or not latest.opted_in:
        await policy.records.record(ctx.actor, True, "START", policy.wording, ctx.now)
    return Reply(f"Done: {name} messages are on again.\n{policy.wording}")
