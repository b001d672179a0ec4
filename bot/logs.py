"""Logging is configured once, here, at start; everything else uses logging.getLogger(__name__)."""

from __future__ import annotations

import logging
import sys


def configure(level: str) -> None:
    logging.basicConfig(
        level=level,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        force=True,
    )
    # discord.py and aiohttp are chatty at INFO; their warnings still show.
    for noisy in ("discord", "aiohttp.access", "apscheduler"):
        logging.getLogger(noisy).setLevel(max(logging.getLevelName(level), logging.WARNING))
