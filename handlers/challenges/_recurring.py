"""Challenges that open again on a schedule (`[[challenges.recurring]]`): one persisted job per coming
occurrence, keyed by its time, so a restart adds none. After downtime only the latest missed occurrence
opens (a weekly challenge missed for three weeks opens once), and only while it still has time to run."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from handlers.challenges import _render as render
from handlers.challenges._models import ChallengeDraft, Review
from handlers.challenges._settings import RecurringChallenge
from handlers.challenges._state import RECUR_JOB, Challenges
from handlers.context import Context
from handlers.delivery import MessageKind
from handlers.models import Reply

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
            await _schedule(challenges, entry, recurrence.next_after(entry.cron, challenges.tz, now))


async def _schedule(challenges: Challenges, entry: RecurringChallenge, fire: datetime | None) -> None:
    if fire is None:
        return
    payload = {"key": entry.key, "fire": fire.isoformat()}
    await challenges.jobs.schedule(
        RECUR_JOB, fire, payload, f"challenge:recurring:{entry.key}:{fire.isoformat()}"
    )


async def run(ctx: Context, challenges: Challenges, payload: dict[str, Any]) -> None:
    entry = next((e for e in challenges.settings.recurring if e.key == payload["key"]), None)
    recurrence = challenges.recurrence
    if entry is None or recurrence is None:
        return  # removed from the community file since
    fire = datetime.fromisoformat(payload["fire"])
    following = recurrence.next_after(entry.cron, challenges.tz, fire)
    await _schedule(challenges, entry, following)
    if recurrence.next_after(entry.cron, challenges.tz, fire - timedelta(seconds=1)) != fire:
        return  # the schedule changed since this was planned
    if following is not None and following <= ctx.now:
        return  # a later occurrence is due too (the bot was down): only the latest opens
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
