"""Test doubles for the core's ports that are not storage (storage is always a real SQLite file)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from handlers.delivery import Delivery
from handlers.stamps import plain

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class FakeClock:
    def __init__(self, start: datetime = START) -> None:
        self.current = start

    def now(self) -> datetime:
        return self.current

    def set(self, moment: datetime) -> None:
        assert moment >= self.current, "time never runs backwards"
        self.current = moment

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


class RecordingMessenger:
    """Every message the dispatcher hands over, in order (one messenger for every platform)."""

    def __init__(self) -> None:
        self.sent: list[Delivery] = []

    async def deliver(self, delivery: Delivery) -> None:
        self.sent.append(delivery)

    def texts_to(self, who: str) -> list[str]:
        return [plain(m.reply.text) for m in self.sent if m.to is not None and str(m.to) == who]

    def posts_in(self, channel: str) -> list[str]:
        return [plain(m.reply.text) for m in self.sent if m.channel == channel]
