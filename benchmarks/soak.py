"""Soak: the real bot under steady load for a long time; its resident memory must stay bounded.

    .venv/bin/python benchmarks/soak.py                      # find saturation, then 30 minutes at 80 % of it
    .venv/bin/python benchmarks/soak.py --rate 300 --minutes 2   # a fixed rate, a short run

The set-up is benchmarks/load.py's: the real `communitybot run` pinned to CPU 0 takes signed WhatsApp
webhooks (commands and chat from --members members) on 127.0.0.1 and sends its replies to a fake Twilio
API in this process (CPU 1). Saturation, unless --rate is given: the highest of rising 20 s steps that was
acknowledged whole and drained within 2 s. Then --minutes at --load of it, open loop, and every
--sample seconds a line: the bot's resident memory (VmRSS), the answer p99, 503s and what waits.

Bounded: the highest resident memory of the second half of the run is at most 10 % (plus 20 MB of slack)
over the highest of the first half, once the first minute (caches warming) is past. Then, as in the load
benchmark, every refused message is retried until acknowledged and nothing may be lost or doubled.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.load import Form, Step, drain, drive, last_delivery, retried_and_checked
from benchmarks.webhooks import forms, ms, pending, running_bot

RAMP = (100, 200, 300, 400, 500, 600, 700, 800, 1000, 1300)
STEP = 20
"""Seconds at each rate tried to find saturation: long enough for a rate the bot cannot sustain to fill its
intake (5 s steps passed 1,000/s, which filled it within a minute)."""
WARMING = 60.0
"""Seconds at the start not judged: caches fill, SQLite's page cache grows to its size."""


def resident_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Load:
    """The messages sent so far, with fresh MessageSids."""

    def __init__(self, members: int, seed: int) -> None:
        self.members, self.rng, self.next_sid = members, random.Random(seed), 1_000_000
        self.sent: list[Form] = []

    def batch(self, count: int) -> list[Form]:
        made = forms(count, self.members, self.rng, self.next_sid)
        self.next_sid += count
        self.sent += made
        return made


async def saturation(
    http: aiohttp.ClientSession, port: int, database: Path, load: Load
) -> tuple[int, list[Step]]:
    best, steps = RAMP[0], []
    for rate in RAMP:
        step = await drive(http, port, rate, load.batch(rate * STEP))
        steps.append(step)
        drained = await drain(database)
        whole = not step.refused and drained < 2.0
        print(f"  ramp {rate:>5,}/s: acknowledged {step.statuses[200]:,}/{step.sent:,},"
              f" p99 {ms(step.p(0.99))} ms, drained in {drained:.1f} s", flush=True)  # fmt: skip
        if not whole:
            break
        best = rate
    return best, steps


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--rate", type=int, help="messages a second (default: --load of saturation)")
    parser.add_argument("--load", type=float, default=0.8)
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--sample", type=float, default=30.0, help="seconds between memory readings")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    async with running_bot(args.members) as run:
        database, port, bot, http = run.database, run.port, run.bot, run.http
        load = Load(args.members, args.seed)
        after = last_delivery(database)
        steps: list[Step] = []
        rate = args.rate
        if rate is None:
            print(f"{args.members:,} members; finding saturation:", flush=True)
            top, steps = await saturation(http, port, database, load)
            rate = max(1, int(top * args.load))
            print(f"saturation about {top:,}/s; soaking at {rate:,}/s ({args.load:.0%})")
        print(f"{args.minutes:g} min at {rate:,} messages/s; bot on CPU 0, load on CPU 1", flush=True)
        print(f"{'minute':>7} {'resident MB':>11} {'p99 ms':>8} {'503':>6} {'errors':>6} {'waiting':>8}")
        began = time.perf_counter()
        readings: list[tuple[float, float]] = [(0.0, resident_mb(bot.pid))]
        while (elapsed := time.perf_counter() - began) < args.minutes * 60:
            seconds = min(args.sample, args.minutes * 60 - elapsed)
            step = await drive(http, port, rate, load.batch(max(1, int(rate * seconds))))
            steps.append(step)
            at = time.perf_counter() - began
            readings.append((at, resident_mb(bot.pid)))
            print(f"{at / 60:>7.1f} {readings[-1][1]:>11.0f} {ms(step.p(0.99)):>8}"
                  f" {step.statuses[503]:>6,} {step.errors:>6,} {pending(database):>8,}",
                  flush=True)  # fmt: skip
        judged = [(t, mb) for t, mb in readings if t >= min(WARMING, args.minutes * 30)]
        middle = len(judged) // 2
        first, second = judged[:middle] or judged, judged[middle:] or judged
        early, late = max(mb for _, mb in first), max(mb for _, mb in second)
        bounded = late <= early * 1.1 + 20
        print(f"resident memory: at start {readings[0][1]:.0f} MB, highest of the first half"
              f" {early:.0f} MB, of the second half {late:.0f} MB, at the end {readings[-1][1]:.0f} MB")  # fmt: skip
        print(f"memory bounded: {bounded}")
        await drain(database, limit=600)
        lossless = await retried_and_checked(http, port, database, load.sent, steps, after, 200)
        print(f"nothing lost, nothing twice: {lossless}")


if __name__ == "__main__":
    asyncio.run(main())
