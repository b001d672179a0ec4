"""Challenges that open again on a schedule (`[[challenges.recurring]]`): one persisted job per coming
occurrence, keyed by its series and time, so a restart adds none (handlers.timers.plan_recurring). After
downtime only the latest missed occurrence opens (CatchUp.LATEST: a weekly challenge missed for three weeks
opens once), and only while it still has time to run."""

from __future__ import annotations

import logging
from datetime import UTC
from typing import Any

from handlers.challenges import _render as render
from handlers.challenges._models import ChallengeDraft, Review
from handlers.challenges._settings import RecurringChallenge
from handlers.challenges._state import RECUR_JOB, Challenges
from handlers.context import Context
from handlers.delivery import MessageKind
from handlers.errors import shorten
from handlers.i18n import Translator
from handlers.models import Reply
from handlers.timers import occurrence, plan_recurring

log = logging.getLogger(__name__)


async def schedule(challenges: Challenges) -> None:
    """At start: every recurring challenge's next occurrence (a misconfigured cron stops the start with
    its key path)."""
    entries = challenges.settings.recurring
    if not entries:
        return
    recurrence = challenges.recurrence
    if recurrence is None:
        log.warning("recurring challenges are configured but no scheduler runs them")
        return
    for n, entry in enumerate(entries):
        problem = recurrence.problem(entry.cron)
        if problem is not None:
            raise ValueError(f"challenges.recurring[{n}].cron: {problem}")
    now = challenges.clock.now()
    async with challenges.transactions.transaction():
        for entry in entries:
            await plan_recurring(
                challenges.jobs, recurrence, RECUR_JOB, series(entry), entry.cron, challenges.tz, now,
                {"key": entry.key},
            )  # fmt: skip


def series(entry: RecurringChallenge) -> str:
    """Named with its cron too: when the community file changes the schedule, the old series ends."""
    return f"challenge:recurring:{entry.key}:{entry.cron}"


async def run(ctx: Context, challenges: Challenges, payload: dict[str, Any]) -> None:
    """An occurrence, the latest of those due (CatchUp.LATEST: the core stepped over the others and
    planned the next one)."""
    seen = occurrence(payload)
    entry = next((e for e in challenges.settings.recurring if e.key == payload["key"]), None)
    if entry is None or series(entry) != seen.series:
        await challenges.jobs.cancel_series(seen.series)  # removed or rescheduled in the community file
        return
    fire = seen.fire
    # Wall-clock arithmetic in the community's zone: a week that crosses a clock change still ends at the
    # hour it started (aware datetimes add timedeltas to their local time).
    ends = (fire.astimezone(challenges.tz) + entry.runs_for).astimezone(UTC)
    if ends <= ctx.now:
        return  # its time is over
    settings = challenges.settings
    draft = ChallengeDraft(
        title=entry.title,
        description=entry.description,
        ends_at=ends,
        points=settings.points if entry.points is None else entry.points,
        per_member=entry.per_member or settings.per_member,
        review=Review(entry.review or settings.review),
        blind=entry.blind,
        bonus=settings.bonus if entry.bonus is None else entry.bonus,
        winners=entry.winners or settings.winners_count,
        channel=entry.channel or challenges.default_channel,
    )
    created = await challenges.repo.create(draft, None, ctx.now)
    await challenges.schedule(ctx, created)
    t = ctx.t_community
    text = render.post(t, created, challenges.tz, challenges.credits(t, created.points))
    ctx.post(created.channel, Reply(text), MessageKind.ANNOUNCEMENT)


async def describe(challenges: Challenges, t: Translator, payload: dict[str, Any]) -> str | None:
    entry = next((e for e in challenges.settings.recurring if e.key == payload["key"]), None)
    if entry is None or series(entry) != occurrence(payload).series:
        return None
    return t("schedule.challenge_opens", title=shorten(entry.title, 60))
