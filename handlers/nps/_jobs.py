"""A survey's jobs: its start (recurring, latest occurrence only), and its days, each asking that day's
share of the members, a page at a time.

Catch-up: a start missed while the bot was down runs once when it is back (the latest missed occurrence;
older ones are recorded as missed); its days count from when it actually started. A day's job that fell due
while the bot was down runs late, once, at start (`LATE`), and plans the next day at least `GAP` after it,
so after a downtime two days' shares are never asked together: the spread ends later instead. Each invite
is marked asked in the transaction that writes its question to the outbox, so a page run again after a
crash asks only those the interrupted run did not commit."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, time, timedelta
from typing import Any

from handlers.context import Context
from handlers.delivery import MessageKind
from handlers.i18n import Translator
from handlers.models import Member, MemberStatus, Reply
from handlers.nps import _render as render
from handlers.nps._models import Survey
from handlers.nps._state import ASK_JOB, START_JOB, Nps
from handlers.timers import occurrence

log = logging.getLogger(__name__)

PAGE = 500
"""Members asked in one transaction: short even in a community of 100,000."""
GAP = timedelta(hours=20)
"""Two days' shares are never asked closer together than this (a late day pushes the next one)."""


async def start(ctx: Context, nps: Nps, payload: dict[str, Any]) -> None:
    seen = occurrence(payload)
    if seen.cron != nps.settings.cron or not nps.settings.enabled:
        log.info("an NPS survey planned for an earlier schedule does not start (the community file changed)")
        await nps.jobs.cancel_series(seen.series)  # its next occurrence too: the new cron's go on
        return
    if ctx.now < seen.fire:  # woken early (a clock stepped back): the survey waits for its own time
        again = {"series": seen.series, "cron": seen.cron, "zone": seen.zone, "fire": seen.fire.isoformat()}
        await nps.jobs.schedule(START_JOB, seen.fire, again, f"{seen.key()}:again:{ctx.now.isoformat()}")
        return
    settings = nps.settings
    survey, new = await nps.repo.start(seen.key(), settings.spread_days, ctx.now)
    if not new:
        return
    joined_by = ctx.now - timedelta(days=settings.min_member_days)
    chosen = await nps.repo.choose(survey.id, joined_by, cuts(nps, ctx))
    await _plan_day(nps, survey, 0, ctx.now)
    t = ctx.t_community
    text = t("nps.started", number=str(survey.id), count=chosen, days=settings.spread_days)
    ctx.post(nps.channel, Reply(text), MessageKind.MODERATION)
    log.info("NPS survey %s started: %d members to ask over %d days", survey.id, chosen, settings.spread_days)


def cuts(nps: Nps, ctx: Context) -> list[datetime]:
    """For each day of the spread, the earliest previous question that keeps a member out: asked at most
    once in `every_days` counted in calendar days (the same hour a quarter later is 90 days, even across a
    daylight-saving change). A member is asked on the same day of every spread, their id's."""
    today = ctx.now.astimezone(nps.tz).date()
    found = []
    for day in range(nps.settings.spread_days):
        first = today + timedelta(days=day - nps.settings.every_days + 1)
        found.append(datetime.combine(first, time(0), nps.tz).astimezone(UTC))
    return found


def planned(nps: Nps, survey: Survey, day: int) -> datetime:
    """A day's share at the hour the survey started, in the community's zone (daylight saving kept)."""
    local = survey.started_at.astimezone(nps.tz)
    return (local + timedelta(days=day)).astimezone(UTC)


async def _plan_day(nps: Nps, survey: Survey, day: int, at: datetime, after: int = 0) -> None:
    key = f"nps:{survey.id}:day:{day}" + (f":after:{after}" if after else "")
    await nps.jobs.schedule(ASK_JOB, at, {"survey": survey.id, "day": day, "after": after}, key)


async def ask(ctx: Context, nps: Nps, payload: dict[str, Any]) -> None:
    """One page of a day's share; then the next page at once, or the next day."""
    survey = await nps.repo.survey(int(payload["survey"]))
    if survey is None or not nps.settings.enabled:
        return
    day, after = int(payload["day"]), int(payload["after"])
    waiting = await nps.repo.waiting(survey.id, day, after, PAGE)
    made: dict[tuple[str, str], Reply] = {}
    closes = ctx.now + nps.window
    for member_id in waiting:
        member = await ctx.members.by_id(member_id)
        if member is None or not await _may_ask(ctx, nps, member):
            await nps.repo.pass_over(survey.id, member_id)
            continue
        if not await nps.repo.mark_asked(survey.id, member_id, ctx.now):
            continue
        t, zone = ctx.t_for(member), ctx.zone_for(member)
        reply = made.get((t.language, zone.key))
        if reply is None:
            reply = made[t.language, zone.key] = render.question(t, nps.community, closes, zone)
        ctx.send_to_member(member, reply, MessageKind.SURVEY)
    if len(waiting) == PAGE:
        await _plan_day(nps, survey, day, ctx.now, waiting[-1])
    elif day + 1 < survey.spread_days:
        await _plan_day(nps, survey, day + 1, max(planned(nps, survey, day + 1), ctx.now + GAP))


async def _may_ask(ctx: Context, nps: Nps, member: Member) -> bool:
    """Still a full member who has not sent STOP (the delivery policy decides again when it goes out; this
    keeps those it would withhold out of the asked, so the response rate counts only who could answer)."""
    if member.status is not MemberStatus.MEMBER:
        return False
    identities = await ctx.members.identities(member.id)
    for identity in identities:
        if await nps.consent.why_not(identity, identities) is None:
            return True
    return False


async def describe_start(nps: Nps, t: Translator, payload: dict[str, Any]) -> str | None:
    if occurrence(payload).cron != nps.settings.cron or not nps.settings.enabled:
        return None
    return t("nps.job_start", count=nps.settings.min_member_days)


async def describe_day(nps: Nps, t: Translator, payload: dict[str, Any]) -> str | None:
    survey = await nps.repo.survey(int(payload["survey"]))
    if survey is None or not nps.settings.enabled:
        return None
    day = int(payload["day"]) + 1
    return t("nps.job_day", number=str(survey.id), day=day, count=survey.spread_days)
