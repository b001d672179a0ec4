"""STOP (UNSUBSCRIBE), CANCEL alone and START: the same keywords in every language (WhatsApp's opt-out
words, which carriers and members know), so they are not localized."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.consent._policy import ConsentPolicy
from handlers.context import Context
from handlers.errors import PermissionDenied, UsageError, shorten
from handlers.feature import Commands
from handlers.i18n import Translator
from handlers.keys import record_number
from handlers.models import Reply, Role
from handlers.registry import Arg, ArgKind

commands: Commands[ConsentPolicy] = Commands()


@dataclass(eq=False)
class NothingToCancel(UsageError):
    what: str

    def text(self, t: Translator) -> str:
        return t("consent.nothing_to_cancel", what=shorten(self.what))


@dataclass(eq=False)
class StartBeforeJoining(PermissionDenied):
    community: str

    def text(self, t: Translator) -> str:
        return t("consent.start_before_joining", community=self.community)


async def stop(ctx: Context, policy: ConsentPolicy, source: str) -> Reply:
    assert ctx.actor is not None
    latest = await policy.records.latest(ctx.actor)
    if latest is None or latest.opted_in:
        await policy.records.record(ctx.actor, False, source, None, ctx.now)
    return Reply(ctx.t("consent.stopped", community=ctx.config.community.name))


@commands.command(
    "STOP",
    "consent.cmd_stop",
    permission=Role.EVERYONE,
    private=True,
    aliases=("UNSUBSCRIBE",),
)
async def stop_command(ctx: Context, policy: ConsentPolicy) -> Reply:
    return await stop(ctx, policy, "STOP")


@commands.command(
    "CANCEL",
    "consent.cmd_cancel",
    Arg("what", ArgKind.WORD, "consent.arg_what_help", required=False),
    permission=Role.EVERYONE,
    private=True,
)
async def cancel_command(ctx: Context, policy: ConsentPolicy, what: str | None) -> Reply:
    if what is not None:  # CANCEL <session number> cancels an RSVP; only CANCEL alone means STOP
        if record_number(what) is None:
            raise NothingToCancel(what)
        return await policy.cancelling.cancel(ctx, what)
    return await stop(ctx, policy, "CANCEL")


@commands.command("START", "consent.cmd_start", permission=Role.EVERYONE, private=True)
async def start_command(ctx: Context, policy: ConsentPolicy) -> Reply:
    assert ctx.actor is not None
    name = ctx.config.community.name
    if ctx.member is None or not ctx.member.is_active:
        raise StartBeforeJoining(name)
    latest = await policy.records.latest(ctx.actor)
    if latest is None or not latest.opted_in:
        await policy.records.record(ctx.actor, True, "START", policy.wording(ctx.t), ctx.now)
    # The wording is the admin's (legal) text, shown as it is recorded with the opt-in.
    return Reply(ctx.t("consent.started", community=name) + "\n" + policy.wording(ctx.t))
