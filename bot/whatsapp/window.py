"""WhatsApp's 24-hour customer-service window: free-form text only within 24 h of the last inbound."""

from __future__ import annotations

from datetime import datetime, timedelta

WINDOW = timedelta(hours=24)
MARGIN = timedelta(minutes=1)
"""A message queued at 23:59:59 reaches WhatsApp after the window closed: keep a little slack."""


def in_window(last_inbound: datetime | None, now: datetime) -> bool:
    return last_inbound is not None and now < last_inbound + WINDOW - MARGIN
