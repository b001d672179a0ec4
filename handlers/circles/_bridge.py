"""Edits and deletions in a bridged channel (the ChannelBridge port), and the notice job for members outside
WhatsApp's window."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from handlers.bridge import ChannelBridge, ChannelDeletion, ChannelEdit
from handlers.circles import _render as render
from handlers.circles._relay import CHANNEL, in_window, tell_circle
from handlers.circles._state import Circles
from handlers.context import Context
from handlers.delivery import MessageKind
from handlers.models import Reply

log = logging.getLogger(__name__)


class Bridge(ChannelBridge):
    def __init__(self, circles: Circles) -> None:
        self.circles = circles

    def bridges(self, channel: str) -> bool:
        """Whether the channel is a circle's: the adapter keeps the files posted there, and only there."""
        return channel in self.circles.bridged

    async def edited(self, edit: ChannelEdit) -> None:
        circle = self.circles.bridged.get(edit.channel)
        if circle is None or not edit.text.strip():
            return

        async def step(ctx: Context) -> None:
            message = await self.circles.repo.message_by_ref(CHANNEL, edit.ref)
            if message is None or message.removed_at is not None or message.text == edit.text:
                return
            await self.circles.repo.edit(message.id, edit.text, ctx.now)
            await tell_circle(ctx, self.circles, circle, message, "circles.edited", text=edit.text)

        await unit(self.circles, step)

    async def deleted(self, deletion: ChannelDeletion) -> None:
        circle = self.circles.bridged.get(deletion.channel)
        if circle is None:
            return

        async def step(ctx: Context) -> None:
            message = await self.circles.repo.message_by_ref(CHANNEL, deletion.ref)
            if message is None or not await self.circles.repo.remove(message.id, ctx.now):
                return
            await tell_circle(ctx, self.circles, circle, message, "circles.deleted")

        await unit(self.circles, step)


async def unit(circles: Circles, step: Callable[[Context], Awaitable[None]]) -> None:
    """`step` in one transaction with the messages it queues, sent once it committed."""
    services = circles.services
    ctx = Context(services, circles.texts, services.clock.now())
    try:
        async with services.transactions.transaction():
            await step(ctx)
            written = await services.outbox.add(ctx.outbox, ctx.now)
    except Exception:
        ctx.rolled_back()
        raise
    ctx.committed()
    await circles.dispatcher.dispatch(written)


async def notice(ctx: Context, circles: Circles, payload: dict[str, Any]) -> None:
    """`12 new messages in runners, reply to read them`: to a member still outside their window who still
    has messages waiting (a template on WhatsApp, with the same line)."""
    circle = await circles.repo.circle_by_id(int(payload["circle"]))
    recipient = None if circle is None else await circles.repo.recipient(circle.id, int(payload["member"]))
    if circle is None or recipient is None or in_window(recipient.last_seen, ctx.now):
        return  # gone, or back already: their message brought what they missed
    count = await circles.repo.missed_count(circle.id, recipient.member_id)
    if count == 0:
        return
    t = circles.translator(recipient.language)
    line = render.notice(t, circle, count)
    reply = Reply(line, language=t.language, teaser=line)
    ctx.send_to(recipient.identity, reply, MessageKind.CIRCLE)
