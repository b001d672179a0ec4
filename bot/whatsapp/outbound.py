"""The core's messenger for WhatsApp: decides how each message may go out and writes it to the outbox.

Free-form text inside the member's 24-hour window; outside it only the approved template configured for
the message kind; nothing proactive without consent. The outbox worker does the sending.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from contextvars import ContextVar, Token
from dataclasses import dataclass, field

from bot.whatsapp.window import in_window
from handlers.audience import Consent
from handlers.models import Identity, Outgoing, Reply
from handlers.ports import Clock
from storage.sqlite.outbox import NewOutbound, OutboxRow, SqliteOutbox, SqliteWindows

log = logging.getLogger(__name__)

PLATFORM = "whatsapp"
BODY_LIMIT = 1600
"""WhatsApp's limit for one message body; longer texts go out as several messages."""
VARIABLE_LIMIT = 900
"""A template variable holds the message on one line, shortened to this (templates are at most 1024)."""
ANSWER = "reply"
"""The one kind that answers what the person just sent: never proactive."""


def render(reply: Reply) -> str:
    """The text, then the choices as numbered lines (answered with their number)."""
    if not reply.choices:
        return reply.text
    return reply.text + "\n" + "\n".join(f"{n}. {c.label}" for n, c in enumerate(reply.choices, 1))


def split_text(text: str, limit: int = BODY_LIMIT) -> list[str]:
    """Parts of at most `limit` characters, cut between paragraphs, then lines, then words."""
    parts: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[: limit + 1]
        cut = max(window.rfind("\n\n"), 0) or max(window.rfind("\n"), 0) or max(window.rfind(" "), 0)
        if cut < limit // 2:  # no good break: cut hard rather than send tiny parts
            cut = limit
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest or not parts:
        parts.append(rest)
    return parts


def template_variables(text: str) -> str:
    """`{"1": text}`: WhatsApp refuses new lines and long runs of spaces in variables."""
    line = " ".join(text.split())
    if len(line) > VARIABLE_LIMIT:
        line = line[: VARIABLE_LIMIT - 1].rstrip() + "…"
    return json.dumps({"1": line}, ensure_ascii=False)


def template_entry(
    templates: Mapping[str, str],
    sender: str,
    to: Identity,
    kind: str,
    text: str,
    why: str,
    retry_of: int | None = None,
) -> NewOutbound:
    """The template version of a message, or a skipped row saying why there is none."""
    sid = templates.get(kind)
    if sid is None:
        note = f"{why} and no template is configured for kind '{kind}' ([whatsapp.templates])"
        return NewOutbound(sender, to, kind, "template", text, state="skipped", note=note, retry_of=retry_of)
    variables = template_variables(text)
    return NewOutbound(
        sender, to, kind, "template", text, content_sid=sid, content_variables=variables, retry_of=retry_of
    )


@dataclass
class _Hold:
    identity: Identity
    held: list[Outgoing] = field(default_factory=list)


_holding: ContextVar[_Hold | None] = ContextVar("_holding", default=None)


class WhatsAppMessenger:
    def __init__(
        self,
        outbox: SqliteOutbox,
        windows: SqliteWindows,
        consent: Consent,
        clock: Clock,
        sender: str,
        templates: Mapping[str, str],
        wake: Callable[[], None] = lambda: None,
    ) -> None:
        self.outbox = outbox
        self.windows = windows
        self.consent = consent
        self.clock = clock
        self.sender = sender
        self.templates = templates
        self.wake = wake

    def hold(self, identity: Identity) -> Token[_Hold | None]:
        """While the core handles a message from `identity`, keep what it sends them for after the replies
        (so that the answer comes first: the welcome before the consent note)."""
        return _holding.set(_Hold(identity))

    def release(self, token: Token[_Hold | None]) -> list[Outgoing]:
        hold = _holding.get()
        _holding.reset(token)
        return [] if hold is None else hold.held

    async def deliver(self, message: Outgoing) -> None:
        if message.to is None or message.to.platform != PLATFORM:
            log.warning(
                "WhatsApp cannot deliver a %s message to %s", message.kind, message.to or message.channel
            )
            return
        hold = _holding.get()
        if hold is not None and hold.identity == message.to:
            hold.held.append(message)
            return
        now = self.clock.now()
        row_id = await self.outbox.add(await self.plan(message.to, message.kind, render(message.reply)), now)
        log.debug("outbox row %s queued (%s)", row_id, message.kind)
        self.wake()

    async def plan(self, to: Identity, kind: str, text: str) -> NewOutbound:
        why = None if kind == ANSWER else await self.consent.why_not(to)
        if why is not None:
            return NewOutbound(self.sender, to, kind, "text", text, state="skipped", note=f"{why}: not sent")
        if in_window(await self.windows.last_inbound(to), self.clock.now()):
            return NewOutbound(self.sender, to, kind, "text", text, parts_total=len(split_text(text)))
        return template_entry(self.templates, self.sender, to, kind, text, "outside the 24-hour window")

    async def fall_back_to_template(self, row: OutboxRow, why: str) -> int | None:
        """After WhatsApp refused free-form text (63016): the template version, once per row."""
        if row.mode != "text" or await self.outbox.has_retry(row.id):
            return None
        entry = template_entry(
            self.templates, row.sender, row.recipient, row.kind, row.body, why, retry_of=row.id
        )
        row_id = await self.outbox.add(entry, self.clock.now())
        self.wake()
        return row_id
