"""Days and months in the community's time zone (budgets reset at local midnight)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def local_day(moment: datetime, tz: ZoneInfo) -> date:
    return moment.astimezone(tz).date()


def month_key(moment: datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%Y-%m")


def month_of(key: str) -> date:
    """The first day of a `YYYY-MM` month (`t.month` writes it in the reader's language)."""
    year, month = key.split("-")
    return date(int(year), int(month), 1)


def start_of_day(moment: datetime, tz: ZoneInfo) -> datetime:
    """Local midnight of `moment`'s day, in UTC (correct across daylight-saving changes)."""
    local = datetime.combine(local_day(moment, tz), time(0), tzinfo=tz)
    return local.astimezone(UTC)


def next_midnight(moment: datetime, tz: ZoneInfo) -> datetime:
    tomorrow = local_day(moment, tz) + timedelta(days=1)
    return datetime.combine(tomorrow, time(0), tzinfo=tz).astimezone(UTC)


@dataclass(frozen=True)
class Period:
    """One local day, in UTC bounds, with its month key: the hot path checks bounds instead of converting."""

    start: datetime
    end: datetime
    day: date
    month: str

    @classmethod
    def around(cls, moment: datetime, tz: ZoneInfo) -> Period:
        return cls(
            start_of_day(moment, tz), next_midnight(moment, tz), local_day(moment, tz), month_key(moment, tz)
        )

    @classmethod
    def empty(cls) -> Period:
        never = datetime.min.replace(tzinfo=UTC)
        return cls(never, never, date.min, "")

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end
