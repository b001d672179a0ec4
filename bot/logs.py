"""Logging is configured once, here, at start; everything else uses logging.getLogger(__name__).

What each level carries: INFO one line per event an operator wants to know about (start, stop, migrations,
a backlog resumed, a scheduled job run late, a lease taken over); WARNING and ERROR what went wrong (a
failed send, a database that cannot answer); per-message detail (each part handed to Twilio, a replayed
webhook, a status for a message the bot does not know) at DEBUG. No level carries secrets or what members
wrote. `json`: one object a line, for log collectors (Loki, CloudWatch, Datadog...).
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, and the exception if any."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False)


def configure(level: str, fmt: str = "text") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    # discord.py and aiohttp are chatty at INFO; their warnings still show.
    for noisy in ("discord", "aiohttp.access", "apscheduler"):
        logging.getLogger(noisy).setLevel(max(logging.getLevelName(level), logging.WARNING))
