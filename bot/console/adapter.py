"""The console adapter: lines in (stdin or a script), `[to name]` / `[#channel]` lines out."""

from __future__ import annotations

import asyncio
import logging
import sys
import uuid
from collections.abc import AsyncIterator
from datetime import UTC
from pathlib import Path
from typing import TextIO

from bot.clock import SimulatedClock
from bot.console import lines
from bot.media import MediaKeeper
from bot.numbered import numbered
from handlers import stamps
from handlers.core import Core
from handlers.delivery import Delivery
from handlers.events import ChatMessage, DirectMessage, MemberJoined, MemberLeft
from handlers.i18n import Translator
from handlers.models import Attachment, Identity, Reply
from scheduler.service import SchedulerElsewhere, SchedulerService
from storage.sqlite.state import SqliteClockState

log = logging.getLogger(__name__)

PLATFORM = "console"


def render(reply: Reply) -> str:
    """The reply's text (after its author's name, when it passes someone's words on), then its choices as
    numbered lines."""
    text = stamps.plain(reply.text)
    if reply.author is not None:
        text = f"{reply.author}: {text}"
    if reply.choices:
        text += "\n" + numbered(reply.choices)
    return text


class ConsolePrinter:
    """The console's messenger: every message the bot sends becomes one or more flushed lines."""

    def __init__(self, out: TextIO = sys.stdout) -> None:
        self.out = out

    def write(self, label: str, text: str) -> None:
        first, *rest = text.split("\n")
        self.out.write(f"[{label}] {first}\n")
        for line in rest:
            self.out.write(f"  {line}\n")
        self.out.flush()  # another program may be reading us line by line

    async def deliver(self, delivery: Delivery) -> None:
        if delivery.to is not None:
            self.write(f"to {delivery.to.user_id}", render(delivery.reply))
        elif delivery.channel is not None:
            self.write(f"#{delivery.channel}", render(delivery.reply))


class ConsoleAdapter:
    def __init__(
        self,
        core: Core,
        clock: SimulatedClock,
        clock_state: SqliteClockState,
        scheduler: SchedulerService,
        printer: ConsolePrinter,
        media: MediaKeeper | None = None,
    ) -> None:
        self.core = core
        self.media = media
        self._attached: dict[str, list[Attachment]] = {}
        """Files `/attach` gave each name, for their next message."""
        self.clock = clock
        self.clock_state = clock_state
        self.scheduler = scheduler
        self.printer = printer

    async def run(self, source: AsyncIterator[str]) -> None:
        async for raw in source:
            try:
                await self.handle(raw)
            except Exception:  # the console never dies of one line
                log.exception("console line failed")
                self.printer.write("console", self._t("bot.console_line_failed"))
            await self.clock_state.save(self.clock.now())

    async def handle(self, raw: str) -> None:
        line = lines.parse_line(raw)
        match line:
            case lines.Blank():
                return
            case lines.Invalid(problem, values):
                self.printer.write("console", self._t(problem, **values))
            case lines.Attach(name, path):
                found = Path(path)
                if self.media is None or not await asyncio.to_thread(found.is_file):
                    self.printer.write("console", self._t("bot.console_no_file", file=path))
                    return
                self._attached.setdefault(name, []).append(await self.media.keep_file(found))
                self.printer.write("console", self._t("bot.console_attached", file=found.name, name=name))
            case lines.Direct(name, text):
                attached = tuple(self._attached.pop(name, ()))
                direct = DirectMessage(
                    Identity(PLATFORM, name), text, display_name=name, attachments=attached
                )
                for reply in await self.core.handle_direct(direct):
                    self.printer.write(f"to {name}", render(reply))
            case lines.Chat(channel, name, text):
                chat = ChatMessage(
                    Identity(PLATFORM, name), text, channel, event_id=uuid.uuid4().hex, display_name=name
                )
                for reply in await self.core.handle_chat(chat):
                    # Private answers to chat (kudos left, refusals) go to the writer only.
                    self.printer.write(f"to {name}" if reply.private else f"#{channel}", render(reply))
                # A script reads best in order: let this line's points land (and be confirmed) first.
                await self.core.settle()
            case lines.Join(name):
                for reply in await self.core.member_joined(MemberJoined(Identity(PLATFORM, name), name)):
                    self.printer.write(f"to {name}", render(reply))
            case lines.Leave(name):
                for reply in await self.core.member_left(MemberLeft(Identity(PLATFORM, name))):
                    self.printer.write(f"to {name}", render(reply))
            case lines.Advance(by):
                try:
                    ran = await self.scheduler.advance_to(self.clock, self.clock.now() + by)
                except SchedulerElsewhere:
                    holder = self.scheduler.other.holder if self.scheduler.other else "?"
                    self.printer.write("console", self._t("bot.console_scheduler_elsewhere", holder=holder))
                    return
                moved = self._t("bot.console_clock_moved", time=self._time(), count=ran)
                self.printer.write("console", moved)
            case lines.Restart(off):
                # Down: the clock moves and nothing runs; at start, what fell due runs at once, as it does
                # after a real restart (late, each job by its own catch-up rule).
                self.clock.set(self.clock.now() + off)
                ran = await self.scheduler.tick()
                restarted = self._t("bot.console_restarted", time=self._time(), count=ran)
                self.printer.write("console", restarted)
            case lines.Now():
                self.printer.write("console", self._time())

    @property
    def _t(self) -> Translator:
        """The console's own notes are for whoever runs it: in the community's language."""
        return self.core.texts.translator(self.core.services.config.community.language)

    def _time(self) -> str:
        now = self.clock.now()
        info = self.core.services.config.community
        local = self._t.datetime(now.astimezone(info.tz))
        return f"{local} ({info.timezone}) = {now.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
