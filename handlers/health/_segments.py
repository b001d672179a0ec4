"""Which engagement segment a member is in, from the recency and frequency of their participation."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from handlers.health._ports import MemberFacts
from handlers.health._settings import HealthConfig
from handlers.kpis import Segment


def segment_of(facts: MemberFacts, day: date, new_since: datetime, rules: HealthConfig) -> Segment:
    """As of the end of `day`: new (joined since `new_since`, the local midnight new_days ago), champion
    (active on many of the last 30 days), active, at risk (active before, quiet for at_risk_days), dormant
    (quiet for dormant_days, or never active). Called for every member every night: no time zone work."""
    if facts.joined_at >= new_since:
        return Segment.NEW
    if facts.active_days_30 >= rules.champion_days:
        return Segment.CHAMPION
    if facts.last_active is None:
        return Segment.DORMANT
    quiet = (day - facts.last_active).days
    if quiet >= rules.dormant_days:
        return Segment.DORMANT
    if quiet > rules.at_risk_days:
        return Segment.AT_RISK
    return Segment.ACTIVE


def new_since(day: date, tz: ZoneInfo, rules: HealthConfig) -> datetime:
    """Members who joined at or after this instant are new at the end of `day`."""
    return local_day_bounds(day - timedelta(days=rules.new_days - 1), tz)[0]


def local_day_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC instants a local day starts and ends at (23 or 25 hours long on daylight-saving days)."""
    start = datetime.combine(day, datetime.min.time(), tz)
    end = datetime.combine(day + timedelta(days=1), datetime.min.time(), tz)
    utc = ZoneInfo("UTC")
    return start.astimezone(utc), end.astimezone(utc)
