"""Times are stored as fixed-width UTC text, so text order is time order."""

from __future__ import annotations

from datetime import UTC, datetime


def to_db(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("naive datetimes are not stored: give a UTC time")
    if moment.utcoffset():
        moment = moment.astimezone(UTC)
    # Plain isoformat is several times faster than strftime (this is on the ledger's hot path); at a
    # zero offset it ends in "+00:00" and leaves out a zero microsecond part.
    text = moment.isoformat()
    return f"{text[:19]}.000000Z" if len(text) == 25 else f"{text[:26]}Z"


def from_db(text: str) -> datetime:
    # fromisoformat reads the stored form ("...T06:00:00.000000Z", UTC) in C, strptime in Python.
    return datetime.fromisoformat(text)


def from_db_optional(text: str | None) -> datetime | None:
    return None if text is None else from_db(text)
