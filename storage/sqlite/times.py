"""Times are stored as fixed-width UTC text, so text order is time order."""

from __future__ import annotations

from datetime import UTC, datetime

_last: tuple[datetime | None, str] = (None, "")
"""The last time written and its text: a command writes its one `now` into several rows (one tuple,
replaced whole, so a reader on another thread never sees one time with another's text)."""


def to_db(moment: datetime) -> str:
    global _last
    last = _last
    if moment is last[0]:
        return last[1]
    if moment.tzinfo is None:
        raise ValueError("naive datetimes are not stored: give a UTC time")
    original = moment
    if moment.utcoffset():
        moment = moment.astimezone(UTC)
    # Plain isoformat is several times faster than strftime (this is on the ledger's hot path); at a
    # zero offset it ends in "+00:00" and leaves out a zero microsecond part.
    text = moment.isoformat()
    text = f"{text[:19]}.000000Z" if len(text) == 25 else f"{text[:26]}Z"
    _last = (original, text)
    return text


def from_db(text: str) -> datetime:
    # fromisoformat reads the stored form ("...T06:00:00.000000Z", UTC) in C, strptime in Python.
    return datetime.fromisoformat(text)


def from_db_optional(text: str | None) -> datetime | None:
    return None if text is None else from_db(text)
