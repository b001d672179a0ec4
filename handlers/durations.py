"""Durations as people write them: `30s`, `30m`, `12h`, `1d`, `2w` and sums like `1d12h`."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated

from pydantic import AfterValidator

_FORM = re.compile(r"^(?:[0-9]{1,6}[smhdw])+$")
_PART = re.compile(r"([0-9]{1,6})([smhdw])")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
EXAMPLES = "30m, 12h, 1d, 2w or 1d12h"


def parse_duration(text: str) -> timedelta | None:
    """The duration `text` writes, or None when it is not one (zero is a duration: `0m`)."""
    compact = text.strip().lower()
    if not _FORM.match(compact):
        return None
    total = timedelta()
    for amount, unit in _PART.findall(compact):
        total += timedelta(**{_UNITS[unit]: int(amount)})
    return total


def positive_duration(text: str) -> timedelta:
    """For configuration validators: the duration, or a ValueError that says how to write one."""
    found = parse_duration(text)
    if found is None:
        raise ValueError(f"{text!r} is not a duration: use e.g. {EXAMPLES}")
    if found <= timedelta():
        raise ValueError("a duration must be longer than zero")
    return found


def _positive(text: str) -> str:
    positive_duration(text)
    return text


PositiveDuration = Annotated[str, AfterValidator(_positive)]
"""A community-file duration (`30m`, `1d`): refused at load, with how to write one, when it is not one."""


def at_most(most: timedelta, what: str) -> AfterValidator:
    """A community-file duration no longer than `most`: `duration: Annotated[str, at_most(...)]`."""

    def check(text: str) -> str:
        if positive_duration(text) > most:
            raise ValueError(f"{what} at most {most.days} days ({most.days}d)")
        return text

    return AfterValidator(check)
