"""The community's KPIs: one closed day's roll-up (written by the health feature every night), a period
made of days (flows summed, gauges from its last day), and the port through which the rest of the bot (the
admin dashboard, the benchmark) reads the same periods STATS shows."""

from __future__ import annotations

import enum
import statistics
from dataclasses import asdict, dataclass, fields, replace
from datetime import date, datetime, timedelta
from typing import Protocol

from handlers.key import Key


class Segment(enum.StrEnum):
    """Where a member's recent participation puts them (recomputed daily; thresholds in [health])."""

    NEW = "new"
    ACTIVE = "active"
    CHAMPION = "champion"
    AT_RISK = "at_risk"
    DORMANT = "dormant"


@dataclass(frozen=True)
class KpiDay:
    """One closed day in the community's time zone, written once by the daily roll-up.

    Flows count what happened that day (summed over a period); gauges are the state at the day's end (a
    period shows its last day's). Rolling windows (`active_7d`, `active_30d`) make a week's or a month's
    participation one row read, not a scan.
    """

    day: date
    # gauges at the end of the day
    members: int = 0
    """Members (accepted, not left) at the day's end."""
    active_7d: int = 0
    """Members active in the 7 days ending this day."""
    active_30d: int = 0
    inactive: int = 0
    """Members with no activity for [health] inactive_days or more (churn risk)."""
    cohort_size: int = 0
    """Members who joined in the 7 days that ended 6 weeks before this day..."""
    cohort_retained: int = 0
    """...and of them, those active in the 7 days ending this day (6-week retention)."""
    new: int = 0
    active: int = 0
    champion: int = 0
    at_risk: int = 0
    dormant: int = 0
    # flows of the day
    joined: int = 0
    left: int = 0
    introductions: int = 0
    referrals: int = 0
    """Newcomers who came through a member (a code, an invite or an introduction)."""
    referrals_active: int = 0
    """Newcomers referred in the 30 days before who were active this day for the first time."""
    messages: int = 0
    active_day: int = 0
    """Members active this day."""
    kudos: int = 0
    votes: int = 0
    polls_closed: int = 0
    poll_voters: int = 0
    poll_eligible: int = 0
    submissions: int = 0
    sessions_held: int = 0
    session_going: int = 0
    session_attended: int = 0
    points_earned: int = 0
    points_redeemed: int = 0
    first_messages: int = 0
    """Newcomers whose first message came this day..."""
    first_message_minutes: int = 0
    """...and the median of their minutes from joining to it (0 when none)."""
    nps_promoters: int = 0
    nps_passives: int = 0
    nps_detractors: int = 0
    winback_sent: int = 0
    winback_returned: int = 0
    """At-risk members nudged in the 14 days before who were active again this day (counted once)."""


GAUGES = frozenset(
    {
        "members",
        "active_7d",
        "active_30d",
        "inactive",
        "cohort_size",
        "cohort_retained",
        "new",
        "active",
        "champion",
        "at_risk",
        "dormant",
    }
)
FLOWS = tuple(f.name for f in fields(KpiDay) if f.name != "day" and f.name not in GAUGES)


SPANS = {"day": 1, "week": 7, "month": 30}
"""STATS periods: the last closed day, 7 or 30 days, compared with as many days before."""


@dataclass(frozen=True)
class Kpis:
    """One period's figures; rates are None where there is nothing to divide by."""

    since: date
    until: date
    days: int
    """Closed days found in the period (fewer than its length when the bot counted for less long)."""
    totals: dict[str, int]
    members_before: int

    def __getitem__(self, name: str) -> int:
        return self.totals[name]

    @property
    def active(self) -> int:
        """Distinct members active in the period (the rolling window that matches its length)."""
        span = (self.until - self.since).days + 1
        if span == 1:
            return self.totals["active_day"]
        return self.totals["active_7d"] if span <= 7 else self.totals["active_30d"]

    @property
    def participation(self) -> float | None:
        return _ratio(self.active, self.totals["members"])

    @property
    def growth(self) -> float | None:
        """Net change of members over the members at the period's start."""
        return _ratio(self.totals["members"] - self.members_before, self.members_before)

    @property
    def retention(self) -> float | None:
        return _ratio(self.totals["cohort_retained"], self.totals["cohort_size"])

    @property
    def turnout(self) -> float | None:
        return _ratio(self.totals["poll_voters"], self.totals["poll_eligible"])

    @property
    def attendance(self) -> float | None:
        return _ratio(self.totals["session_attended"], self.totals["session_going"])

    @property
    def invited(self) -> int:
        return self.totals["introductions"] + self.totals["referrals"]

    @property
    def nps_answers(self) -> int:
        return self.totals["nps_promoters"] + self.totals["nps_passives"] + self.totals["nps_detractors"]

    @property
    def nps(self) -> int | None:
        """% promoters − % detractors among the period's answers, rounded."""
        answers = self.nps_answers
        if not answers:
            return None
        return round(100 * (self.totals["nps_promoters"] - self.totals["nps_detractors"]) / answers)

    @property
    def winback_rate(self) -> float | None:
        return _ratio(self.totals["winback_returned"], self.totals["winback_sent"])


def _ratio(part: int, whole: int) -> float | None:
    return None if whole <= 0 else part / whole


def period(days: list[KpiDay], since: date, until: date, before: KpiDay | None) -> Kpis:
    """The days from `since` to `until` (those found, oldest first); `before` is the day before `since`."""
    totals = {name: 0 for name in (*FLOWS, *GAUGES)}
    for day in days:
        values = asdict(day)
        for name in FLOWS:
            totals[name] += values[name]
    if days:
        last = asdict(days[-1])
        for name in GAUGES:
            totals[name] = last[name]
    totals["first_message_minutes"] = 0  # a period's median is not made of its days' (`with_waits`)
    start_members = (
        before.members
        if before is not None
        else (days[0].members - days[0].joined + days[0].left if days else 0)
    )
    return Kpis(since, until, len(days), totals, start_members)


def with_waits(kpis: Kpis, waits: list[float]) -> Kpis:
    """The period with the exact median of its newcomers' waits for a first message."""
    totals = dict(kpis.totals)
    totals["first_messages"] = len(waits)
    totals["first_message_minutes"] = round(statistics.median(waits)) if waits else 0
    return replace(kpis, totals=totals)


def spans(until: date, length: int) -> tuple[tuple[date, date], tuple[date, date]]:
    """This period (ending `until`) and the one before it, each `length` days."""
    since = until - timedelta(days=length - 1)
    return (since, until), (since - timedelta(days=length), since - timedelta(days=1))


@dataclass(frozen=True)
class Periods:
    name: str
    """`day`, `week` or `month` (SPANS)."""
    now: Kpis
    before: Kpis


class HealthReport(Protocol):
    async def periods(self, name: str, now: datetime) -> Periods | None:
        """The last closed `name` and the one before it, as STATS shows them; None before any roll-up."""
        ...

    async def days(self, since: date, until: date) -> list[KpiDay]:
        """Rolled-up days from `since` to `until`, both included, oldest first (the charts)."""
        ...

    async def roll_up(self, day: date) -> None:
        """Roll up one closed day (again): its row and every member's segment as of its end."""
        ...

    async def catch_up(self) -> int:
        """Roll up every closed day not rolled up yet; how many."""
        ...


HEALTH_REPORT: Key[HealthReport] = Key("health_report")
