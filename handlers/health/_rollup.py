"""The daily roll-up: every closed day not rolled up yet becomes one row of KPIs, and every member's
engagement segment is recomputed as of its end; roles, the moderators' at-risk list and win-back nudges
follow the segment changes.

The job only starts the work: the roll-up reads a day's events outside any transaction (on the reading
connection, so chat goes on meanwhile) and writes its row in a short one. It is idempotent and catches up
by itself (it rolls up every closed day after the last one stored), so a crash in between loses nothing:
the next run does the days still missing.

The days a stop left are rolled up by a job too, planned at start and run by the scheduler's leader, not by
every process that starts: a standby would read the day before the leader wrote its last counts (which live
in the leader's memory a few seconds), mark the day done, and change roles through a Discord connection it
does not have.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import date, datetime, timedelta
from typing import Any

from handlers.context import Context
from handlers.delivery import MessageKind, Outgoing
from handlers.health._ports import DayWindow, SegmentChange
from handlers.health._segments import local_day_bounds, new_since, segment_of
from handlers.health._state import Health
from handlers.kpis import Segment
from handlers.models import Reply, RoleUpdate
from handlers.timers import plan_recurring

log = logging.getLogger(__name__)

ROLLUP_JOB = "health.rollup"
CATCH_UP_JOB = "health.catch_up"
CRON = "5 0 * * *"
"""Five minutes past every local midnight: the day just closed."""
SERIES = "health:rollup"
MAX_DAYS = 400
"""A first roll-up (or one after a long stop) goes back at most this far."""
AT_RISK_LISTED = 20
"""Handles named in the moderators' daily notice; SEGMENT at_risk lists the rest."""


async def plan(health: Health) -> None:
    """At start: the next roll-up's job, and the days a stop left without one (a job due now)."""
    if health.recurrence is None:
        log.warning("no scheduler runs recurring work: the daily health roll-up is not planned")
        return
    now = health.clock.now()
    async with health.transactions.transaction():
        await plan_recurring(health.jobs, health.recurrence, ROLLUP_JOB, SERIES, CRON, health.tz, now)
        first = await _first_missing(health)
        if first is not None:
            # Keyed by the first day missing, read in the same unit: processes starting together plan it
            # once. Should that catch-up fail, the nightly run does the days still missing.
            await health.jobs.schedule(CATCH_UP_JOB, now, {}, f"health:catch-up@{first.isoformat()}")


async def run(ctx: Context, health: Health, payload: dict[str, Any]) -> None:
    ctx.on_commit(start, health)


async def drain(health: Health) -> None:
    """When the core settles (a console line, a clean stop): a roll-up in progress finishes, and what
    was counted is written. Never before a command: STATS reads the rows stored, old or new."""
    rolling = health.rolling
    if rolling is not None and not rolling.done():
        await asyncio.shield(rolling)
    await health.counter.flush()


def start(health: Health) -> None:
    if health.rolling is None or health.rolling.done():
        health.rolling = asyncio.get_running_loop().create_task(_guarded(health))


async def _guarded(health: Health) -> int:
    try:
        return await catch_up(health)
    except Exception:  # the next run or start does the days still missing
        log.exception("the health roll-up failed")
        return 0


async def _first_missing(health: Health) -> date | None:
    """The first closed day not rolled up yet (the oldest is MAX_DAYS ago), None when none is missing."""
    today = health.clock.now().astimezone(health.tz).date()
    last = await health.repo.last_rolled_up()
    if last is None:
        first = await health.repo.first_day()
        if first is None:
            return None
        day = first.astimezone(health.tz).date()
    else:
        day = last + timedelta(days=1)
    day = max(day, today - timedelta(days=MAX_DAYS))
    return day if day < today else None


async def catch_up(health: Health) -> int:
    """Roll up every closed day after the last stored one; returns how many."""
    await health.counter.flush()
    today = health.clock.now().astimezone(health.tz).date()
    day = await _first_missing(health)
    done = 0
    while day is not None and day < today:
        await roll_up(health, day, today - timedelta(days=1) == day)
        day += timedelta(days=1)
        done += 1
    if done:
        log.info("health roll-up: %d day(s) up to %s", done, today - timedelta(days=1))
    return done


def window_of(health: Health, day: date) -> DayWindow:
    start, end = local_day_bounds(day, health.tz)
    cohort_start, _ = local_day_bounds(day - timedelta(days=48), health.tz)
    cohort_end, _ = local_day_bounds(day - timedelta(days=41), health.tz)
    return DayWindow(day, start, end, cohort_start, cohort_end, health.settings.inactive_days)


async def roll_up(health: Health, day: date, latest: bool) -> list[SegmentChange]:
    """One closed day: its figures, every member's segment, the row; effects only for the latest day (a
    catch-up of old days changes roles to where they end, but nudges nobody about the past)."""
    window = window_of(health, day)
    figures = await health.repo.figures(window)
    facts = await health.repo.member_facts(window)
    since = new_since(day, health.tz, health.settings)
    segments = {f.member_id: segment_of(f, day, since, health.settings) for f in facts}
    changes = await health.repo.store(window, figures, segments, health.clock.now())
    await _roles(health, changes)
    if latest:
        await _at_risk(health, changes)
    return changes


async def _roles(health: Health, changes: list[SegmentChange]) -> None:
    roles = health.settings.roles
    updates: list[RoleUpdate] = []
    t = health.texts.translator(health.language)
    for change in changes:
        old = roles.of(change.before) if change.before is not None else None
        new = roles.of(change.after)
        if old == new:
            continue
        reason = t("health.role_reason", segment=t(f"health.segment_{change.after.value}"))
        for identity in await health.members.identities(change.member_id):
            if old:
                updates.append(RoleUpdate(identity, old, False, reason))
            if new:
                updates.append(RoleUpdate(identity, new, True, reason))
    if updates:
        await health.dispatcher.update_roles(updates)


async def _at_risk(health: Health, changes: list[SegmentChange]) -> None:
    """Members who were active and now are at risk: the moderators' list, and a nudge when configured."""
    fallen = [c.member_id for c in changes if c.after is Segment.AT_RISK and c.before in _ENGAGED]
    if not fallen:
        return
    now = health.clock.now()
    out: list[Outgoing] = []
    handles: list[str] = []
    async with health.transactions.transaction():  # a nudge is remembered with its message, or neither
        for member_id in fallen:
            member = await health.members.by_id(member_id)
            if member is None:
                continue
            if len(handles) < AT_RISK_LISTED:
                handles.append(f"@{member.handle}")
            if health.settings.winback and await _may_nudge(health, member_id, now):
                t = health.texts.translator(member.language or health.language)
                nudge = Reply(t("health.winback", name=member.display_name), language=t.language)
                out.append(Outgoing(nudge, member_id=member_id, kind=MessageKind.NUDGE))
        t = health.texts.translator(health.language)
        more = len(fallen) - len(handles)
        key = "health.at_risk_notice_more" if more > 0 else "health.at_risk_notice"
        notice = t(key, count=len(fallen), handles=t.all_of(handles), more=more)
        out.append(Outgoing(Reply(notice), channel=health.channel, kind=MessageKind.MODERATION))
        written = await health.outbox.add(out, now)
    await health.dispatcher.dispatch(written)


async def _may_nudge(health: Health, member_id: int, now: datetime) -> bool:
    """Not after STOP on any of their identities; then at most once in 30 days (remembered)."""
    identities = await health.members.identities(member_id)
    if not identities or await health.consent.why_not(identities[0], identities) is not None:
        return False
    return await health.repo.winback(member_id, now)


_ENGAGED = frozenset({Segment.ACTIVE, Segment.CHAMPION, Segment.NEW})
