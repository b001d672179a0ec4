"""Where a poll is told: its channel, and, when it is announced, every WhatsApp member in its audience
(each in their language; the delivery policy keeps it from those who never opted in or sent STOP)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from handlers.context import Context
from handlers.delivery import MessageKind, Outgoing
from handlers.i18n import Translator
from handlers.models import MemberStatus, Reply
from handlers.polls._models import Poll
from handlers.polls._state import Polls

WHATSAPP = "whatsapp"


async def tell(ctx: Context, polls: Polls, poll: Poll, make: Callable[[Translator], Reply]) -> int:
    """Post `make(t)` in the poll's channel and, for an announced poll, send it to its WhatsApp audience
    (a numbered reply answers its choices once it reached them). How many members it was sent to."""
    ctx.post(poll.channel, make(ctx.t_community), MessageKind.ANNOUNCEMENT)
    if not poll.announce:
        return 0
    made: dict[str, Reply] = {}
    sent = 0
    for identity, member in await ctx.services.members.directory():
        if identity.platform != WHATSAPP or member.status is not MemberStatus.MEMBER:
            continue
        if not await polls.in_audience(poll, member):
            continue
        t = ctx.t_for(member)
        reply = made.get(t.language)
        if reply is None:
            reply = made[t.language] = replace(make(t), language=t.language)
        # Its choices are offered to the member when it goes out as text (the WhatsApp messenger), not
        # here: a member it is kept from (STOP, outside the window) must not vote by replying a number.
        ctx.outbox.append(Outgoing(reply, to=identity, kind=MessageKind.POLL))
        sent += 1
    return sent
