"""What became of the bot's messages: states counted (those in flight whole, the settled ones among the
latest rows) and the latest deliveries of every platform and of WhatsApp's outbox."""

from __future__ import annotations

from aiohttp import web

from bot.admin.render import dashboard_of, offset_of, paged, render

DELIVERY_STATES = ("pending", "sending", "sent", "withheld", "failed", "unknown")
WHATSAPP_STATES = ("pending", "sending", "sent", "failed", "skipped", "unknown")


async def outbox(request: web.Request) -> web.Response:
    reads = dashboard_of(request).reads.outbox
    offset = offset_of(request)
    state = request.query.get("state") or None
    channel = "whatsapp" if request.query.get("of") == "whatsapp" else "all"
    states = WHATSAPP_STATES if channel == "whatsapp" else DELIVERY_STATES
    if state not in (None, *states):
        state = None
    rows = await (reads.whatsapp(state, offset) if channel == "whatsapp" else reads.deliveries(state, offset))
    context = paged(
        rows,
        offset,
        deliveries=await reads.delivery_counts(),
        whatsapp=await reads.whatsapp_counts(),
        delivery_states=DELIVERY_STATES,
        whatsapp_states=WHATSAPP_STATES,
        states=states,
        state=state,
        of=channel,
    )
    return await render(request, "outbox.html", "admin.outbox_title", context)
