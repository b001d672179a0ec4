"""The fake Twilio API (tests/bot/whatsapp/fake_twilio.py) in a process of its own, as Twilio is remote.

    python benchmarks/fake_twilio_process.py ACCEPTED.json

Prints its port on the first line of standard output; on SIGTERM it stops and writes the form of every
message it accepted, in order, to ACCEPTED.json. Benchmarks that measure the bot's own CPU (a sender that
shares the bot's event loop) use it so that the fake API's work is not counted as the bot's.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.bot.whatsapp.fake_twilio import FakeTwilio


async def serve(accepted: Path) -> None:
    fake = FakeTwilio()
    await fake.start()
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    print(fake.port, flush=True)
    await stop.wait()
    await fake.stop()
    await asyncio.to_thread(accepted.write_text, json.dumps(fake.accepted), encoding="utf-8")


if __name__ == "__main__":
    asyncio.run(serve(Path(sys.argv[1])))
