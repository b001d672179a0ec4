"""LINK: one person, one member across platforms.

`LINK` gives a short one-time code valid 10 minutes; `LINK <code>` sent from another platform joins
that identity to the member who asked for the code. When the sender already is a member, their member
is merged into the code's member (history and balances move over; see storage's merge steps).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from handlers.consent import EXPLICIT_OPT_IN_PLATFORMS
from handlers.context import Context
from handlers.errors import Conflict, UsageError
from handlers.models import Identity, Reply, Role
from handlers.registry import Arg, ArgKind

if TYPE_CHECKING:
    from handlers.core import Core

CODE_VALID_FOR = timedelta(minutes=10)
CODE_LENGTH = 6
# No 0/O, 1/I/L: codes are read on one screen and typed on another.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
MAX_FAILURES = 5
"""Wrong codes an identity may type within CODE_VALID_FOR before LINK <code> refuses to check more."""


@runtime_checkable
class Forgetful(Protocol):
    """A feature that caches who an identity is (the points engine) and can drop that knowledge."""

    def forget(self, identity: Identity) -> None: ...

    def merged(self, source_id: int, target_id: int) -> None:
        """Two members became one: move what is cached for `source_id` onto `target_id`."""
        ...


PLATFORM_NAMES = {"discord": "Discord", "whatsapp": "WhatsApp", "console": "console"}


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


async def give_code(ctx: Context) -> Reply:
    member = ctx.require_member()
    assert ctx.actor is not None
    code = new_code()
    await ctx.services.links.create(code, member.id, ctx.actor, ctx.now, ctx.now + CODE_VALID_FOR)
    minutes = int(CODE_VALID_FOR.total_seconds() // 60)
    return Reply(
        f"Your link code is {code} (valid {minutes} minutes, once). On your other platform, send: LINK {code}"
    )


async def use_code(ctx: Context, typed: str, caches: Sequence[Forgetful] = ()) -> Reply:
    assert ctx.actor is not None
    links = ctx.services.links
    if await links.failures_since(ctx.actor, ctx.now - CODE_VALID_FOR) >= MAX_FAILURES:
        raise Conflict(
            "Too many wrong codes: wait 10 minutes, then send LINK on your other platform for a new one."
        )
    code = typed.strip().upper()
    found = await links.find(code) if len(code) == CODE_LENGTH else None
    if found is None or found.used_at is not None or found.expires_at <= ctx.now:
        # A returned reply (not an error) so that the failed attempt is committed and counted.
        await links.record_failure(ctx.actor, ctx.now)
        return Reply(
            "That code is not valid or has expired. Send LINK on your other platform to get a new one.",
            private=True,
        )
    if found.created_by == ctx.actor:
        raise UsageError(f"Send LINK {code} from your other platform, not from here.")
    if found.created_by.platform == ctx.actor.platform:
        other = PLATFORM_NAMES.get(found.created_by.platform, found.created_by.platform)
        raise UsageError(f"That code was made on {other} too: send it from a different platform.")
    target = await ctx.services.members.by_id(found.member_id)
    if target is None or not target.is_active:
        raise Conflict("The member who asked for that code has left. Send LINK there again after joining.")
    if ctx.member is not None and ctx.member.id == target.id:
        raise Conflict(f"This {PLATFORM_NAMES.get(ctx.actor.platform, '')} identity is already linked.")
    if not await links.use(code, ctx.actor, ctx.now):
        raise Conflict("That code was just used. Send LINK on your other platform to get a new one.")
    source_id = ctx.member.id if ctx.member is not None else None
    if source_id is None:
        await links.attach(ctx.actor, target.id, ctx.now)
    else:
        await links.merge(source_id, target.id, ctx.now)
    for cache in caches:  # features that keep members in memory reload both after the commit
        ctx.after_commit.append(_forget_later(cache, (ctx.actor, found.created_by), source_id, target.id))
    ctx.member = await ctx.services.members.by_id(target.id)
    ctx.role = max(ctx.role, Role.MEMBER)
    here = PLATFORM_NAMES.get(ctx.actor.platform, ctx.actor.platform)
    ctx.send_to(
        found.created_by,
        Reply(f"Linked: your {here} identity is now part of your membership as @{target.handle}."),
        kind="notice",
    )
    text = f"Linked: you are @{target.handle} here too, with one balance and one history."
    if ctx.actor.platform in EXPLICIT_OPT_IN_PLATFORMS:
        wording = ctx.services.consent_wording
        await ctx.services.consent.record(ctx.actor, True, "LINK", wording, ctx.now)
        text += "\n" + wording
    return Reply(text, private=True)


def _forget_later(
    cache: Forgetful, identities: tuple[Identity, ...], source_id: int | None, target_id: int
) -> Callable[[], None]:
    def forget() -> None:
        for identity in identities:
            cache.forget(identity)
        if source_id is not None:
            cache.merged(source_id, target_id)

    return forget


def install(core: Core) -> None:
    @core.registry.command(
        "LINK",
        "alone: get a code to link another platform; with a code: link this one",
        Arg("code", ArgKind.WORD, "the code LINK gave you on your other platform", required=False),
        permission=Role.EVERYONE,
        private=True,
    )
    async def link_command(ctx: Context, code: str | None) -> Reply:
        if code is None:
            return await give_code(ctx)
        caches = [f for f in core.features.values() if isinstance(f, Forgetful)]
        return await use_code(ctx, code, caches)
