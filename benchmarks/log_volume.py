"""Log volume: the bytes `communitybot run` writes to its log per 10,000 WhatsApp messages, at INFO.

    .venv/bin/python benchmarks/log_volume.py                  # 10,000 messages at 250/s
    .venv/bin/python benchmarks/log_volume.py --messages 500 --format json

The real process (benchmarks/webhooks.py's set-up: signed webhooks on 127.0.0.1, a fake Twilio API, its
mix of POINTS, TOP, HELP, KUDOS and chat, every command answered) runs at COMMUNITYBOT_LOG_LEVEL=INFO; the
log file's size is read after start-up (not counted) and once every reply has been handed to the fake API.
INFO is meant to carry one line per event worth an operator's attention (start, stop, a failed send, a
backlog), not one per message: the figure printed is the bytes per 10,000 messages and the lines behind it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import signal
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.webhooks import COMMUNITY, forms, free_port, pending, seed, start_bot, step, wait_healthy
from tests.bot.whatsapp.fake_twilio import FakeTwilio


def logger_of(line: str) -> str:
    """`2026-12-02 10:00:00,000 INFO bot.whatsapp.sender: ...` -> `INFO bot.whatsapp.sender`."""
    if line.startswith("{"):
        return " ".join(line.split('"')[i] for i in (7, 11)) if line.count('"') > 11 else line[:40]
    parts = line.split(" ")
    return " ".join(parts[2:4]).rstrip(":") if len(parts) > 3 else line


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--rate", type=int, default=250)
    parser.add_argument("--members", type=int, default=500)
    parser.add_argument("--format", choices=("text", "json"), default="text")
    args = parser.parse_args()
    with contextlib.suppress(OSError):
        os.sched_setaffinity(0, {1})
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        (workdir / "community.toml").write_text(COMMUNITY, encoding="utf-8")
        await seed(workdir, args.members)
        fake = FakeTwilio()
        await fake.start()
        port = free_port()
        log_env = {"COMMUNITYBOT_LOG_LEVEL": "INFO"}
        if args.format != "text":
            log_env["COMMUNITYBOT_LOG_FORMAT"] = args.format
        bot = start_bot(workdir, port, fake, **log_env)
        log_file = workdir / "bot.log"
        try:
            async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
                await wait_healthy(port, workdir)
                await asyncio.sleep(0.5)
                start_bytes = log_file.stat().st_size
                start_lines = log_file.read_text(encoding="utf-8").count("\n")
                batch = forms(args.messages, args.members, random.Random(7), 1)
                _, statuses, _ = await step(http, port, args.rate, batch)
                ended = time.time()
                while pending(workdir / "bot.db") and time.time() - ended < 120:  # noqa: ASYNC110
                    await asyncio.sleep(0.05)  # another process's database: polled
                await asyncio.sleep(1.0)
        finally:
            bot.send_signal(signal.SIGTERM)
            bot.wait(60)
            await fake.stop()
        text = log_file.read_text(encoding="utf-8")
        during = text.splitlines()[start_lines:]
        size = log_file.stat().st_size
    answered = statuses.get(200, 0)
    per = 10_000 / max(args.messages, 1)
    print(f"{args.messages:,} messages at {args.rate}/s, {answered:,} answered 200; log format {args.format}")
    print(f"log after start-up: {start_bytes:,} bytes; whole run with stop: {size:,} bytes")
    between = sum(len(line) + 1 for line in during)
    print(
        f"per 10,000 messages (traffic and stop): {between * per:,.0f} bytes, {len(during) * per:,.0f} lines"
    )
    for name, count in Counter(logger_of(line) for line in during).most_common(8):
        print(f"  {count:>7,}  {name}")


if __name__ == "__main__":
    asyncio.run(main())
