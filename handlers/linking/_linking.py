"""Giving a code, and using one: attach the identity, or merge its member into the code's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from handlers.audience import CONSENT, Consent
from handlers.context import Context
from handlers.delivery import MessageKind
from handlers.feature import Setup
from handlers.keys import random_code
from handlers.linking._errors import (
    CodeJustUsed,
    CodeOwnerLeft,
    LinkedAlready,
    SamePlatform,
    SentFromTheSameIdentity,
    TooManyWrongCodes,
    platform_name,
)
from handlers.linking._ports import LINK_CODES, LinkRepository
from handlers.models import Reply, Role

CODE_VALID_FOR = timedelta(minutes=10)
CODE_LENGTH = 6
MAX_FAILURES = 5
"""Wrong codes an identity may type within CODE_VALID_FOR before LINK <code> refuses to check more."""


@dataclass(frozen=True)
class Linking:
    codes: LinkRepository
    consent: Consent


def build(setup: Setup) -> Linking:
    return Linking(setup.repository(LINK_CODES), setup.need(CONSENT))


async def give_code(ctx: Context, linking: Linking) -> Reply:
    member = ctx.require_member()
    assert ctx.actor is not None
    code = random_code(CODE_LENGTH)
    await linking.codes.create(code, member.id, ctx.actor, ctx.now, ctx.now + CODE_VALID_FOR)
    minutes = int(CODE_VALID_FOR.total_seconds() // 60)
    return Reply(ctx.t("linking.your_code", code=code, count=minutes))


async def use_code(ctx: Context, linking: Linking, typed: str) -> Reply:
    assert ctx.actor is not None
    codes = linking.codes
    if await codes.failures_since(ctx.actor, ctx.now - CODE_VALID_FOR) >= MAX_FAILURES:
        raise TooManyWrongCodes(int(CODE_VALID_FOR.total_seconds() // 60))
    code = typed.strip().upper()
    found = await codes.find(code) if len(code) == CODE_LENGTH else None
    if found is None or found.used_at is not None or found.expires_at <= ctx.now:
        # A returned reply (not an error) so that the failed attempt is committed and counted.
        await codes.record_failure(ctx.actor, ctx.now)
        return Reply(ctx.t("linking.code_not_valid"), private=True)
    if found.created_by == ctx.actor:
        raise SentFromTheSameIdentity(code)
    if found.created_by.platform == ctx.actor.platform:
        raise SamePlatform(found.created_by.platform)
    target = await ctx.members.by_id(found.member_id)
    if target is None or not target.is_active:
        raise CodeOwnerLeft()
    if ctx.member is not None and ctx.member.id == target.id:
        raise LinkedAlready(ctx.actor.platform)
    if not await codes.use(code, ctx.actor, ctx.now):
        raise CodeJustUsed()
    if ctx.member is None:
        await ctx.members.attach(ctx.actor, target.id)
    else:
        await ctx.members.merge(ctx.member.id, target.id)
    member = await ctx.members.by_id(target.id)
    assert member is not None
    ctx.member = member  # after a merge, the language the member carries on with too
    ctx.role = max(ctx.role, Role.MEMBER)
    t = ctx.t_for(member)  # the notice goes to the member's other platform, where no app locale is known
    notice = t("linking.linked_notice", platform=platform_name(ctx.actor.platform), handle=member.handle)
    ctx.send_to(found.created_by, Reply(notice, language=t.language), kind=MessageKind.NOTICE)
    text = ctx.t("linking.linked", handle=member.handle)
    if await linking.consent.opt_in(ctx, ctx.actor, "LINK"):
        text += "\n" + linking.consent.wording(ctx.t)  # the wording as recorded with the opt-in
    return Reply(text, private=True)
