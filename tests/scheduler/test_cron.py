"""Crontab expressions mean what crontab means, through APScheduler's CronTrigger."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from scheduler.cron import CronRecurrence

PARIS = ZoneInfo("Europe/Paris")
cron = CronRecurrence()
WEDNESDAY = datetime(2026, 12, 2, 12, tzinfo=UTC)


def local(moment: datetime | None) -> str:
    assert moment is not None
    return f"{moment.astimezone(PARIS):%a %d %H:%M}"


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("0 9 * * 1", "Mon 07 09:00"),  # 1 is Monday in crontab (APScheduler 3 alone would say Tuesday)
        ("0 9 * * 0", "Sun 06 09:00"),
        ("0 9 * * 7", "Sun 06 09:00"),
        ("0 9 * * MON", "Mon 07 09:00"),
        ("0 9 * * 5-7", "Fri 04 09:00"),
        ("0 18 * * 1-5", "Wed 02 18:00"),
        ("0 9 * * */2", "Thu 03 09:00"),  # crontab: Sunday, Tuesday, Thursday, Saturday
        ("0 9 6 * 1", "Sun 06 09:00"),  # day of month or weekday, whichever comes first (crontab's "or")
    ],
)
def test_crontab_weekdays_and_days(expression: str, expected: str) -> None:
    assert cron.problem(expression) is None
    assert local(cron.next_after(expression, PARIS, WEDNESDAY)) == expected


@pytest.mark.parametrize(
    ("expression", "where"),
    [
        ("0 9 * *", "it has 4 fields where five are needed"),
        ("61 9 * * *", "field 1 (minute) '61'"),
        ("0 25 * * *", "field 2 (hour) '25'"),
        ("0 9 32 * *", "field 3 (day of month) '32'"),
        ("0 9 * 13 *", "field 4 (month) '13'"),
        ("0 9 * * FUNDAY", "field 5 (day of week) 'FUNDAY'"),
        ("0 9 * * 5-2", "field 5 (day of week) '5-2'"),
    ],
)
def test_a_wrong_expression_names_the_field_at_fault(expression: str, where: str) -> None:
    problem = cron.problem(expression)
    assert problem is not None and where in problem


def test_a_time_repeated_when_clocks_fall_back_fires_once() -> None:
    first = cron.next_after("30 2 * * *", PARIS, datetime(2026, 10, 24, 12, tzinfo=UTC))
    assert first == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 02:30 summer time
    following = cron.next_after("30 2 * * *", PARIS, first)
    assert following == datetime(2026, 10, 26, 1, 30, tzinfo=UTC)  # the next day, not 02:30 winter time
