"""The core's messenger for WhatsApp: decides how each message may go out and writes it to the outbox.

Free-form text inside the member's 24-hour window; outside it only the approved template configured for
the message kind (what may be sent at all was decided by the core's delivery policy). The outbox worker
does the sending.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import replace

from bot.media_links import MediaLinks, content_type
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
MB = 1024 * 1024
MEDIA_LIMITS = {
    **dict.fromkeys(("image/jpeg", "image/png"), 5 * MB),
    **dict.fromkeys(("video/mp4", "video/3gpp"), 16 * MB),
    **dict.fromkeys(("audio/ogg", "audio/amr", "audio/3gpp", "audio/aac", "audio/mpeg"), 16 * MB),
    **dict.fromkeys(
        (
            "application/pdf",
            "application/msword",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        16 * MB,
    ),
}
"""What WhatsApp carries through Twilio, by type, and how large (Twilio's WhatsApp media guidance: images
5 MB, a whole message 16 MB, which caps documents below WhatsApp's own 100 MB). GIF and WebP (stickers only)
are not among them: such a file goes as the text's line saying it came."""
MAX_MEDIA = 10
"""Files one message takes to WhatsApp (each its own Twilio message): more go as the line."""


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


def without_note(reply: Reply) -> Reply:
    """The reply as said where its files go with it: its last line counting them dropped."""
    note, text = reply.files_note, reply.text
    if note and text.endswith(note):
        text = text[: -len(note)].rstrip()
    return replace(reply, text=text, files_note=None)


def parts_of(body: str, files: Sequence[str]) -> list[tuple[str | None, str | None]]:
    """(body, media key) of each Twilio message a text row is sent as: its text in parts, then each file on
    its own (WhatsApp takes one file a message, and Twilio sets no caption on a document)."""
    texts: list[str] = split_text(body) if body.strip() or not files else []
    return [*((text, None) for text in texts), *((None, key) for key in files)]


def media_count(row: OutboxRow) -> int:
    """How many of the row's parts are files (its delivery's, in order): the parts past its text's."""
    if row.mode != "text":
        return 0
    return max(0, row.parts_total - len(split_text(row.body) if row.body.strip() else []))


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
        links: MediaLinks | None = None,
    ) -> None:
        self.links = links
        """The media store as Twilio may fetch it; None (no public URL): files go as the text's line."""
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
        files = self.media_of(reply)
        caption = None if not files else render(without_note(reply))
        async with self.outbox.unit():  # the window's read and the row in one unit of work of its own
            entry = await self.plan(
                delivery.to, delivery.kind, render(reply), reply.language, reply.teaser, files, caption
            )
            row_id = await self.outbox.add(entry, self.clock.now(), delivery_id=delivery.id)
            offered = reply.choices and delivery.kind.proactive and entry.mode == "text"
            if self.choices is not None and offered:
                await self.choices.offer(delivery.to, reply.choices, self.clock.now())
        log.debug("outbox row %s queued for delivery %s (%s)", row_id, delivery.id, delivery.kind)
        self.wake()

    def media_of(self, reply: Reply) -> tuple[str, ...]:
        """The reply's files as WhatsApp media: every one of them, or none (then its text keeps the line
        saying how many came): never part of them. None go without a public URL for Twilio to fetch them
        from, for a file no longer kept, or one of a type or size WhatsApp does not take."""
        if not reply.files or self.links is None or len(reply.files) > MAX_MEDIA:
            return ()
        for key in reply.files:
            path = self.links.path_of(key)
            limit = MEDIA_LIMITS.get(content_type(key))
            if path is None or limit is None or path.stat().st_size > limit:
                log.debug("a file of type %s goes as the line counting it", content_type(key))
                return ()
        return reply.files

    async def plan(
        self,
        to: Identity,
        kind: str,
        text: str,
        language: str | None = None,
        teaser: str | None = None,
        files: Sequence[str] = (),
        caption: str | None = None,
    ) -> NewOutbound:
        """Free-form text inside the member's 24-hour window, else the kind's approved template (carrying
        the message's teaser, when it has one, instead of its text: a newsletter's summary line). Files go
        inside the window only, after `caption` (the text without its line counting them), one a part; the
        files themselves are read from the row's delivery when it is sent."""
        if in_window(await self.windows.last_inbound(to), self.clock.now()):
            if files and caption is not None:
                total = len(parts_of(caption, files))
                return NewOutbound(self.sender, to, kind, "text", caption, parts_total=total)
            return NewOutbound(self.sender, to, kind, "text", text, parts_total=len(split_text(text)))
        why = "outside the 24-hour window"
        shown = stamps.plain(teaser) if teaser else text
        return template_entry(self.templates, self.sender, to, kind, shown, why, language=language)

    async def fall_back_to_template(self, row: OutboxRow, why: str) -> int | None:
        """After WhatsApp refused free-form text (63016): the template version, once per row."""
        if row.mode != "text" or await self.outbox.has_retry(row.id):
            return None
        reply = await self.outbox.reply(row.id)
        # A newsletter's summary rather than its whole text; a message with files says how many came.
        shown = row.body
        if reply is not None and reply.teaser:
            shown = stamps.plain(reply.teaser)
        elif reply is not None and media_count(row):
            shown = render(reply)
        entry = template_entry(
            self.templates, row.sender, row.recipient, row.kind, shown, why, retry_of=row.id
        )
        row_id = await self.outbox.add(entry, self.clock.now())
        self.wake()
        return row_id
