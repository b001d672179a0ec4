"""The feature's state: the core's timetable of pending jobs, as every feature describes its own."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.feature import FeatureError, Setup
from handlers.timers import Timetable

LIMIT = 25
"""Lines shown at most: the next few days of a busy community."""


@dataclass(frozen=True)
class Schedule:
    timetable: Timetable


def build(setup: Setup) -> Schedule:
    if setup.timetable is None:
        raise FeatureError("schedule needs the core's timetable")
    return Schedule(setup.timetable)
