"""Where a poll is told: its channel at once, and, when it is announced, every WhatsApp member in its
audience (each in their language; the delivery policy keeps it from those who never opted in or sent STOP).

The WhatsApp part goes a page of members at a time: the first with the poll's own change (opened, closed),
the others as persisted jobs, each page sent once (the jobs are keyed by the page), so that no transaction
holds the database for seconds in a community of many thousands."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from handlers.context import Context
from handlers.delivery import MessageKind, Outgoing
from handlers.i18n import Translator
from handlers.models import Reply
from handlers.polls import _render as render
from handlers.polls._models import Poll
from handlers.polls._state import FANOUT_JOB, Polls

WHATSAPP = "whatsapp"
PAGE = 500
OPENED, RESULTS = "opened", "results"


def opening(polls: Polls, poll: Poll, t: Translator) -> Reply:
    """The post that opens the poll, in one language."""
    return render.post(t, poll, polls.tz, polls.credits(t, poll), polls.level_name(poll.min_level, t))


async def tell(ctx: Context, polls: Polls, poll: Poll, what: str, reply: Reply) -> None:
    """Post `reply` in the poll's channel and, for an announced poll, send it to its WhatsApp audience:
    the first page in this unit of work, the others in jobs of their own."""
    ctx.post(poll.channel, reply, MessageKind.ANNOUNCEMENT)
    if poll.announce:
        await _page(ctx, polls, poll, what, 0)


async def schedule_page(ctx: Context, polls: Polls, poll: Poll, what: str, after: int) -> None:
    payload = {"poll": poll.id, "what": what, "after": after}
    await polls.jobs.schedule(FANOUT_JOB, ctx.now, payload, f"poll:{poll.id}:{what}:{after}")


async def send_page(ctx: Context, polls: Polls, payload: dict[str, Any]) -> None:
    """The job of one page after the first."""
    poll = await polls.repo.poll(int(payload["poll"]))
    what = str(payload["what"])
    if poll is None or (what == OPENED and not poll.is_open):
        return  # closed or cancelled meanwhile: its opening post is not sent on
    await _page(ctx, polls, poll, what, int(payload["after"]))


async def _page(ctx: Context, polls: Polls, poll: Poll, what: str, after: int) -> None:
    """To each member on this page who is in the poll's audience; then the next page's job, if any."""
    page, more = await ctx.services.members.on_platform(WHATSAPP, after, PAGE)
    tally = await polls.repo.tally(poll) if what == RESULTS else None
    made: dict[str, Reply] = {}
    for identity, member in page:
        if not await polls.in_audience(poll, member):
            continue
        t = ctx.t_for(member)
        reply = made.get(t.language)
        if reply is None:
            made_reply = (
                opening(polls, poll, t) if tally is None else Reply(render.final(t, poll, tally, polls.tz))
            )
            reply = made[t.language] = replace(made_reply, language=t.language)
        # Its choices are offered to the member when it goes out as text (the WhatsApp messenger), not
        # here: a member it is kept from (STOP, outside the window) must not vote by replying a number.
        ctx.outbox.append(Outgoing(reply, to=identity, kind=MessageKind.POLL))
    if more:
        await schedule_page(ctx, polls, poll, what, page[-1][1].id)
