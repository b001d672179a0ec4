"""The core's messenger for WhatsApp: decides how each message may go out and writes it to the outbox.

Free-form text inside the member's 24-hour window; outside it only the approved template configured for
the message kind (what may be sent at all was decided by the core's delivery policy). The outbox worker
does the sending.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from bot.numbered import numbered
from bot.split import split_text as split
from bot.whatsapp.window import in_window
from config.whatsapp import Templates
from handlers import stamps
from handlers.delivery import Delivery, DeliveryFailed
from handlers.models import Identity, Reply
from handlers.ports import ChoiceRepository, Clock
from storage.sqlite.outbox import NewOutbound, OutboxRow, SqliteOutbox, SqliteWindows

log = logging.getLogger(__name__)

PLATFORM = "whatsapp"
BODY_LIMIT = 1600
"""WhatsApp's limit for one message body; longer texts go out as several messages."""
VARIABLE_LIMIT = 900
"""A template variable holds the message on one line, shortened to this (templates are at most 1024)."""


def render(reply: Reply) -> str:
    """The text (after its author's name, when it passes someone's words on), then the choices as numbered
    lines (answered with their number)."""
    text = stamps.plain(reply.text)
    if reply.author is not None:
        text = f"{reply.author}: {text}"
    if not reply.choices:
        return text
    return text + "\n" + numbered(reply.choices)


def split_text(text: str, limit: int = BODY_LIMIT) -> list[str]:
    return split(text, limit)


def template_variables(text: str) -> str:
    """`{"1": text}`: WhatsApp refuses new lines and long runs of spaces in variables."""
    line = " ".join(text.split())
    if len(line) > VARIABLE_LIMIT:
        line = line[: VARIABLE_LIMIT - 1].rstrip() + "…"
    return json.dumps({"1": line}, ensure_ascii=False)


def template_entry(
    templates: Templates,
    sender: str,
    to: Identity,
    kind: str,
    text: str,
    why: str,
    retry_of: int | None = None,
    language: str | None = None,
) -> NewOutbound:
    """The template version of a message (in its language, else the community's), or a skipped row
    saying why there is none."""
    sid = templates.pick(kind, language)
    if sid is None:
        note = f"{why} and no template is configured for kind '{kind}' ([whatsapp.templates])"
        return NewOutbound(sender, to, kind, "template", text, state="skipped", note=note, retry_of=retry_of)
    variables = template_variables(text)
    return NewOutbound(
        sender, to, kind, "template", text, content_sid=sid, content_variables=variables, retry_of=retry_of
    )


class WhatsAppMessenger:
    """Hands each delivery to the WhatsApp outbox, once: the outbox keeps one row per delivery, so a hand-over
    interrupted by a crash is simply done again at start. Consent was decided by the core already."""

    def __init__(
        self,
        outbox: SqliteOutbox,
        windows: SqliteWindows,
        clock: Clock,
        sender: str,
        templates: Templates,
        wake: Callable[[], None] = lambda: None,
        choices: ChoiceRepository | None = None,
    ) -> None:
        self.choices = choices
        """Where a proactive message's choices are offered to its recipient once it goes out as text (a
        reply with the number answers them): never for one that will not arrive, or not with its numbers."""
        self.outbox = outbox
        self.windows = windows
        self.clock = clock
        self.sender = sender
        self.templates = templates
        self.wake = wake

    async def deliver(self, delivery: Delivery) -> None:
        if delivery.to is None or delivery.to.platform != PLATFORM:
            raise DeliveryFailed(f"WhatsApp cannot deliver to {delivery.to or delivery.channel}")
        reply = delivery.reply
        async with self.outbox.unit():  # the window's read and the row in one unit of work of its own
            entry = await self.plan(delivery.to, delivery.kind, render(reply), reply.language, reply.teaser)
            row_id = await self.outbox.add(entry, self.clock.now(), delivery_id=delivery.id)
            offered = reply.choices and delivery.kind.proactive and entry.mode == "text"
            if self.choices is not None and offered:
                await self.choices.offer(delivery.to, reply.choices, self.clock.now())
        log.debug("outbox row %s queued for delivery %s (%s)", row_id, delivery.id, delivery.kind)
        self.wake()

    async def plan(
        self, to: Identity, kind: str, text: str, language: str | None = None, teaser: str | None = None
    ) -> NewOutbound:
        """Free-form text inside the member's 24-hour window, else the kind's approved template (carrying
        the message's teaser, when it has one, instead of its text: a newsletter's summary line)."""
        if in_window(await self.windows.last_inbound(to), self.clock.now()):
            return NewOutbound(self.sender, to, kind, "text", text, parts_total=len(split_text(text)))
        why = "outside the 24-hour window"
        shown = stamps.plain(teaser) if teaser else text
        return template_entry(self.templates, self.sender, to, kind, shown, why, language=language)

    async def fall_back_to_template(self, row: OutboxRow, why: str) -> int | None:
        """After WhatsApp refused free-form text (63016): the template version, once per row."""
        if row.mode != "text" or await self.outbox.has_retry(row.id):
            return None
        teaser = await self.outbox.teaser(row.id)  # a newsletter's summary rather than its whole text
        shown = stamps.plain(teaser) if teaser else row.body
        entry = template_entry(
            self.templates, row.sender, row.recipient, row.kind, shown, why, retry_of=row.id
        )
        row_id = await self.outbox.add(entry, self.clock.now())
        self.wake()
        return row_id
