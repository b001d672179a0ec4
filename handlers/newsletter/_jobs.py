"""The weekly issue's job (recurring, latest occurrence only), the broadcast's page job, and how SCHEDULE
shows them."""

from __future__ import annotations

import logging
from typing import Any

from handlers.context import Context
from handlers.i18n import Translator
from handlers.newsletter import _issue as issues
from handlers.newsletter._state import Newsletter
from handlers.timers import occurrence

log = logging.getLogger(__name__)


async def weekly(ctx: Context, newsletter: Newsletter, payload: dict[str, Any]) -> None:
    """The issue of the week: sent, or skipped when the week told fewer than `min_items` things. Missed
    weeks (the bot was down) are not sent one by one: the latest runs, covering all of them."""
    seen = occurrence(payload)
    if seen.cron != newsletter.settings.cron:
        log.info("a newsletter planned for an earlier cron is not sent (the community file changed)")
        await newsletter.jobs.cancel_series(seen.series)  # its next occurrence too: the new cron's go on
        return
    week = await issues.week_of(newsletter, ctx)
    compiled = await issues.compile_issue(newsletter, week, await issues.next_number(newsletter))
    if compiled.items < max(newsletter.settings.min_items, 1):
        await issues.skip(ctx, newsletter, compiled)
        return
    await issues.publish(ctx, newsletter, compiled)


async def page(ctx: Context, newsletter: Newsletter, payload: dict[str, Any]) -> None:
    await newsletter.broadcaster.run_page(ctx, payload)


async def describe(newsletter: Newsletter, t: Translator, payload: dict[str, Any]) -> str | None:
    if occurrence(payload).cron != newsletter.settings.cron:
        return None
    return t("newsletter.job_issue")
