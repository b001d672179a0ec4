"""Consent to proactive messages: opt-in recorded on JOIN, STOP (UNSUBSCRIBE, CANCEL alone) and START.

A proactive message is anything the person did not just ask for (newsletter, reminders, notices).
Replies to their own messages are always allowed. Consent is per identity: STOP on WhatsApp stops
everything sent to that WhatsApp number at once.
"""

from __future__ import annotations

import weakref
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from handlers.context import Context
from handlers.errors import PermissionDenied, UsageError
from handlers.models import Identity, Member, Reply, Role
from handlers.ports import ConsentRepository
from handlers.registry import Arg, ArgKind

if TYPE_CHECKING:
    from handlers.core import Core

DEFAULT_WORDING = (
    "You will receive community messages here (newsletter, reminders, notices). "
    "Send STOP at any time to stop them, START to get them again."
)
EXPLICIT_OPT_IN_PLATFORMS = frozenset({"whatsapp"})
"""Platforms where nothing proactive is sent before an explicit opt-in (WhatsApp Business policy)."""

CancelHandler = Callable[[Context, str], Awaitable[Reply]]
_cancel_handlers: weakref.WeakKeyDictionary[Core, CancelHandler] = weakref.WeakKeyDictionary()


async def may_message(consent: ConsentRepository, identity: Identity) -> bool:
    """May we write to this identity without being asked? The latest STOP/START/JOIN decides;
    with no record, only platforms that need an explicit opt-in say no."""
    latest = await consent.latest(identity)
    if latest is not None:
        return latest.opted_in
    return identity.platform not in EXPLICIT_OPT_IN_PLATFORMS


def set_cancel_handler(core: Core, handler: CancelHandler) -> None:
    """`CANCEL <something>` (e.g. a session RSVP) belongs to another feature; `CANCEL` alone means STOP."""
    _cancel_handlers[core] = handler


async def opt_in_on_join(ctx: Context, member: Member) -> None:
    """JOIN is the opt-in: recorded with the wording the member is shown right away."""
    assert ctx.actor is not None
    if ctx.actor.platform not in EXPLICIT_OPT_IN_PLATFORMS:
        return
    wording = ctx.services.consent_wording
    await ctx.services.consent.record(ctx.actor, True, "JOIN", wording, ctx.now)
    ctx.send_to(ctx.actor, Reply(wording), kind="reply")


async def stop(ctx: Context, source: str) -> Reply:
    assert ctx.actor is not None
    name = ctx.config.community.name
    latest = await ctx.services.consent.latest(ctx.actor)
    if latest is None or latest.opted_in:
        await ctx.services.consent.record(ctx.actor, False, source, None, ctx.now)
    return Reply(
        f"Done: {name} will send you nothing more here (no newsletter, reminders or notices). "
        "We still answer when you write. Send START to get messages again."
    )


def install(core: Core) -> None:
    core.hooks.joined.append(opt_in_on_join)
    registry = core.registry

    @registry.command(
        "STOP",
        "stop every message we send without being asked",
        permission=Role.EVERYONE,
        private=True,
        aliases=("UNSUBSCRIBE",),
    )
    async def stop_command(ctx: Context) -> Reply:
        return await stop(ctx, "STOP")

    @registry.command(
        "CANCEL",
        "alone: the same as STOP",
        Arg("what", ArgKind.WORD, "what to cancel", required=False),
        permission=Role.EVERYONE,
        private=True,
    )
    async def cancel_command(ctx: Context, what: str | None) -> Reply:
        if what is None:
            return await stop(ctx, "CANCEL")
        handler = _cancel_handlers.get(core)
        if handler is None:
            raise UsageError(
                f"There is nothing called “{what[:30]}” to cancel. "
                "Send CANCEL alone (or STOP) to stop messages."
            )
        return await handler(ctx, what)

    @registry.command(
        "START", "get community messages again after STOP", permission=Role.EVERYONE, private=True
    )
    async def start_command(ctx: Context) -> Reply:
        assert ctx.actor is not None
        name = ctx.config.community.name
        if ctx.member is None or not ctx.member.is_active:
            raise PermissionDenied(
                f"You are not a member of {name} yet: send JOIN (it turns messages on too)."
            )
        wording = ctx.services.consent_wording
        latest = await ctx.services.consent.latest(ctx.actor)
        if latest is None or not latest.opted_in:
            await ctx.services.consent.record(ctx.actor, True, "START", wording, ctx.now)
        return Reply(f"Done: {name} messages are on again.\n{wording}")
