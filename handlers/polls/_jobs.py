"""The deadline: a persisted job closes the poll once, never before its deadline, and posts its results
once (in the job's own transaction, with the close itself)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from handlers.context import Context
from handlers.errors import shorten
from handlers.i18n import Translator
from handlers.models import Reply
from handlers.polls import _render as render
from handlers.polls._announce import RESULTS, tell
from handlers.polls._models import Poll
from handlers.polls._state import Polls


async def close(ctx: Context, polls: Polls, poll: Poll, late: bool) -> bool:
    """Close it and post its results; False when it was not open any more (closed once, whoever tries)."""
    if not await polls.repo.close(poll.id, ctx.now, late):
        return False
    ctx.on_commit(polls.changed, poll.id)  # the post shows the final results, without buttons
    closed = await polls.repo.poll(poll.id)
    assert closed is not None
    tally = await polls.repo.tally(closed)
    await tell(ctx, polls, closed, RESULTS, Reply(render.final(ctx.t_community, closed, tally, polls.tz)))
    return True


async def run(ctx: Context, polls: Polls, payload: dict[str, Any]) -> None:
    poll = await polls.repo.poll(int(payload["poll"]))
    if poll is None or not poll.is_open:
        return  # closed early or cancelled by a moderator
    if datetime.fromisoformat(payload["deadline"]) != poll.deadline:
        return  # extended since: the job of the new deadline closes it
    if ctx.now < poll.deadline:  # never early, whatever woke this job
        await polls.schedule_close(ctx, poll, again=True)
        return
    await close(ctx, polls, poll, late=ctx.now - poll.deadline > polls.settings.lateness)


async def describe(polls: Polls, t: Translator, payload: dict[str, Any]) -> str | None:
    poll = await polls.repo.poll(int(payload["poll"]))
    if poll is None or not poll.is_open or datetime.fromisoformat(payload["deadline"]) != poll.deadline:
        return None  # closed, cancelled or extended since: this job will do nothing
    return t("schedule.poll_closes", number=poll.id, question=shorten(poll.question, 60))
