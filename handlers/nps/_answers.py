"""Answering a survey: the score (a button, `NPS 7`, or a bare `7` on WhatsApp and the console), then the
reason (`NPS REASON <words>` or the next message; `skip`, in any language, gives none). One answer per
member and survey; a score once given is not changed (the database keeps the first). What each step sends
is decided here, once."""

from __future__ import annotations

import re

from handlers.context import Context
from handlers.delivery import MessageKind
from handlers.i18n import LANGUAGES
from handlers.models import Member, MemberStatus, Reply
from handlers.nps import _render as render
from handlers.nps._errors import (
    AlreadyAnswered,
    BadScore,
    NotAsked,
    PendingMember,
    ReasonSettled,
    ReasonTooLong,
    ScoreFirst,
    TooLate,
)
from handlers.nps._models import Answer, Category, Invite
from handlers.nps._state import Nps

MAX_REASON = 500
"""Characters in a reason: a few sentences, which a moderator reads in the queue."""
_NUMBER = re.compile(r"[+-]?[0-9]{1,3}")


def surveyed(ctx: Context) -> Member:
    """The asker, if surveys are theirs to answer: a member who accepted the rules."""
    member = ctx.require_member()
    if member.status is not MemberStatus.MEMBER:
        raise PendingMember()
    return member


def read_score(given: str) -> int:
    text = given.strip()
    if not re.fullmatch(r"[0-9]{1,2}", text) or int(text) > 10:
        raise BadScore(given)
    return int(text)


async def open_invite(ctx: Context, nps: Nps, member: Member) -> tuple[Invite, Answer | None]:
    """The survey that asked the member last, while they may still answer it, with their answer so far;
    refused with the reason otherwise."""
    invite = await nps.repo.latest_invite(member.id)
    if invite is None:
        raise NotAsked()
    answer = await nps.repo.answer(invite.survey_id, member.id)
    if ctx.now >= nps.closes(invite):
        if answer is not None:
            raise NotAsked()  # answered, and over: the next survey will ask again
        raise TooLate(nps.closes(invite), ctx.zone)
    return invite, answer


async def score(ctx: Context, nps: Nps, given: str) -> Reply:
    member = surveyed(ctx)
    value = read_score(given)
    invite, answer = await open_invite(ctx, nps, member)
    if answer is not None or not await nps.repo.add_answer(invite.survey_id, member.id, value, ctx.now):
        raise AlreadyAnswered(answer.score if answer is not None else value)
    if Category.of(value) is Category.DETRACTOR:
        await nps.repo.open_follow_up(invite.survey_id, member.id, ctx.now)
    return render.reason_question(ctx.t, value)


async def reason(ctx: Context, nps: Nps, words: str | None) -> Reply:
    """The reason, or none (no words, or the skip word: `NPS REASON skip`): the answer is then complete."""
    member = surveyed(ctx)
    text = " ".join((words or "").split()) or None
    if text is not None and _is_skip(ctx, text):
        text = None
    if text is not None and len(text) > MAX_REASON:
        raise ReasonTooLong(MAX_REASON)
    invite, answer = await open_invite(ctx, nps, member)
    if answer is None:
        raise ScoreFirst()
    if answer.reason_at is not None or not await nps.repo.settle_reason(
        invite.survey_id, member.id, text, ctx.now
    ):
        raise ReasonSettled()
    t = ctx.t
    if answer.category is Category.DETRACTOR:
        follow_up = await nps.repo.follow_up_of(invite.survey_id, member.id)
        if follow_up is not None:
            post = render.follow_up_post(ctx.t_community, follow_up)
            ctx.post(nps.channel, post, MessageKind.MODERATION)
    code = link = None
    if answer.category is Category.PROMOTER:
        code = await nps.referrals.referral_code(ctx, member)
        link = nps.referrals.referral_link(code)
    return render.thanks(t, answer.category, nps.community, code, link)


async def pending(ctx: Context, nps: Nps) -> Reply:
    """`NPS` from a member: the question again while it waits for them, or the reason question."""
    member = surveyed(ctx)
    invite, answer = await open_invite(ctx, nps, member)
    if answer is None:
        return render.question(ctx.t, nps.community, nps.closes(invite), ctx.zone)
    if answer.reason_at is None:
        return render.reason_question(ctx.t, answer.score)
    raise AlreadyAnswered(answer.score)


async def typed(ctx: Context, nps: Nps, text: str) -> Reply | None:
    """A direct message that is no command, from a member the survey waits for: a bare number is their
    score, other words their reason (unless they look like a command, which is then answered as one)."""
    member = ctx.member
    if member is None or member.status is not MemberStatus.MEMBER or not text.strip():
        return None  # a photo with no words is no score and no reason
    invite = await nps.repo.latest_invite(member.id)
    if invite is None:
        return None
    answer = await nps.repo.answer(invite.survey_id, member.id)
    open_now = ctx.now < nps.closes(invite)
    if _NUMBER.fullmatch(text.strip()):
        # While the survey waits for them, or after it closed unanswered (they hear it closed).
        return await score(ctx, nps, text) if open_now or answer is None else None
    if not open_now or answer is None or answer.reason_at is not None:
        return None
    if _looks_like_a_command(ctx, nps, text):
        return None
    return await reason(ctx, nps, text)


def _looks_like_a_command(ctx: Context, nps: Nps, text: str) -> bool:
    """One word that is a close typo of a keyword in any language (`POINST`): the unknown-command answer
    offers the keyword. Several words after the reason question are the reason."""
    return len(text.split()) == 1 and bool(nps.commands.suggest(text, ctx.role))


def _is_skip(ctx: Context, text: str) -> bool:
    """The skip word, in English or any catalog's (`passer`, `salta`)."""
    word = text.strip().lower()
    return word == "skip" or any(word == ctx.texts.translator(lang)("nps.word_skip") for lang in LANGUAGES)
