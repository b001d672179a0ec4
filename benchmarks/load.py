"""Load benchmark: signed WhatsApp webhooks, commands and chat together, at rising rates past saturation.

    .venv/bin/python benchmarks/load.py                          # 100, 200, 500, 1,000, 2,000/s, 5 s each
    .venv/bin/python benchmarks/load.py --rates 500 --seconds 3  # one rate

The real `communitybot run` (pinned to CPU 0) takes webhooks signed with twilio's RequestValidator on
127.0.0.1 and sends its replies to a fake Twilio API (this process, on CPU 1, which also drives the load).
Each message is a command (POINTS, TOP, HELP, KUDOS) or a line of plain chat, from one of --members
members, sent on a fixed schedule whatever the answers (open loop: a late answer includes its queueing).
A request not answered within Twilio's 15 s counts as an error. Per step: the offered and achieved
rates, the answer p50/p99/max, how many were acknowledged (200), refused for a retry (503 with
Retry-After) and failed otherwise.

The ceiling, measured in the same run: a trivial aiohttp server on the same core that reads the form and
answers empty TwiML, driven at the same rates; the ratios compare the bot's p99 and achieved rate to it.

Then the check that nothing was lost: every refused message is sent again as Twilio would (its retries),
until it is acknowledged; some acknowledged ones are sent again too. Once the bot drained: every
MessageSid is in the core's inbox (handled) and none left in the intake, no refused message had been
stored when it was refused, and every member got exactly one reply per message they sent.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.points import percentile
from benchmarks.webhooks import (
    PATH,
    cpu_seconds,
    forms,
    free_port,
    ms,
    open_loop,
    pending,
    running_bot,
)
from tests.bot.cli_helpers import healthy

TWILIO_TIMEOUT = 15.0
"""Seconds Twilio waits for a webhook's answer before it gives up on it."""
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
Form = tuple[dict[str, str], str]


@dataclass
class Step:
    rate: int
    sent: int
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    acknowledged: list[Form] = field(default_factory=list)
    refused: list[Form] = field(default_factory=list)

    @property
    def achieved(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    @property
    def errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status not in (200, 503))

    def p(self, q: float) -> float:
        return percentile(self.latencies, q)


async def drive(http: aiohttp.ClientSession, port: int, rate: int, batch: list[Form]) -> Step:
    """Send `batch` at `rate` per second on a fixed schedule; status 0: no answer (timeout, connection)."""
    url = f"http://127.0.0.1:{port}{PATH}"
    step = Step(rate, len(batch))
    timeout = aiohttp.ClientTimeout(total=TWILIO_TIMEOUT)

    async def one(form: dict[str, str], signature: str) -> None:
        started = time.perf_counter()
        try:
            headers = {"X-Twilio-Signature": signature}
            async with http.post(url, data=form, headers=headers, timeout=timeout) as response:
                await response.read()
                status = response.status
        except (aiohttp.ClientError, TimeoutError):
            status = 0
        step.latencies.append(time.perf_counter() - started)
        step.statuses[status] += 1
        (step.acknowledged if status == 200 else step.refused).append((form, signature))

    step.seconds = await open_loop(batch, rate, one)
    step.latencies.sort()
    return step


async def ceiling_server(port: int) -> None:
    """The ceiling: what aiohttp alone costs for the same request (read the form, answer TwiML)."""

    async def answer(request: web.Request) -> web.Response:
        await request.post()
        return web.Response(text=EMPTY_TWIML, content_type="text/xml")

    async def health(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post(PATH, answer)
    app.router.add_get("/healthz", health)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    await asyncio.Event().wait()  # until the benchmark ends it (SIGTERM)


def start_ceiling(port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, __file__, "--ceiling-server", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    with contextlib.suppress(OSError):
        os.sched_setaffinity(process.pid, {0})
    return process


def stored(database: Path) -> tuple[set[str], set[str]]:
    """MessageSids in the core's inbox (handled) and in the intake (stored, not yet handled)."""
    with sqlite3.connect(database) as db:
        inbox = {row[0].partition(":")[2] for row in db.execute("SELECT source FROM inbox")}
        intake = {row[0].partition(":")[2] for row in db.execute("SELECT source FROM intake")}
    return inbox, intake


def replies_per_member(database: Path, after: int) -> Counter[str]:
    with sqlite3.connect(database) as db:
        rows = db.execute("SELECT recipient FROM deliveries WHERE kind = 'reply' AND id > ?", (after,))
        return Counter(row[0] for row in rows)


def last_delivery(database: Path) -> int:
    with sqlite3.connect(database) as db:
        return int(db.execute("SELECT coalesce(max(id), 0) FROM deliveries").fetchone()[0])


async def drain(database: Path, limit: float = 120.0) -> float:
    began = time.time()
    while pending(database) and time.time() - began < limit:  # noqa: ASYNC110 - another process's file
        await asyncio.sleep(0.05)
    return time.time() - began


def row(name: str, step: Step, extra: str = "") -> str:
    return (
        f"{name:>8} {step.rate:>7,} {step.sent:>6,} {step.achieved:>9,.0f} {step.statuses[200]:>6,}"
        f" {step.statuses[503]:>5,} {step.errors:>6,} | {ms(step.p(0.5)):>8} / {ms(step.p(0.99)):>8}"
        f" / {ms(step.latencies[-1] if step.latencies else 0):>8}{extra}"
    )


HEADER = (
    f"{'':>8} {'rate/s':>7} {'sent':>6} {'answered/s':>9} {'200':>6} {'503':>5} {'errors':>6}"
    " | answer ms p50 / p99 / max"
)


async def measure_ceiling(http: aiohttp.ClientSession, rates: list[int], seconds: float) -> dict[int, Step]:
    port = free_port()
    server = start_ceiling(port)
    try:
        if not await healthy(port):
            raise SystemExit("the ceiling server did not start")
        rng = random.Random(1)
        await drive(http, port, 100, forms(100, 50, rng, 1))  # its first connections: not counted
        steps = {}
        for rate in rates:
            steps[rate] = step = await drive(http, port, rate, forms(int(rate * seconds), 50, rng, 1))
            print(row("ceiling", step), flush=True)
        return steps
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)


async def replay(http: aiohttp.ClientSession, port: int, refused: list[Form], rate: int) -> tuple[int, int]:
    """Send the refused again as Twilio's retries would, until each is acknowledged; (rounds, requests)."""
    rounds = requests = 0
    while refused and rounds < 50:
        rounds += 1
        requests += len(refused)
        step = await drive(http, port, rate, refused)
        refused = step.refused
        if refused:
            await asyncio.sleep(0.5)
    if refused:
        raise SystemExit(f"{len(refused)} message(s) still refused after {rounds} rounds of retries")
    return rounds, requests


async def retried_and_checked(
    http: aiohttp.ClientSession,
    port: int,
    database: Path,
    sent: list[Form],
    steps: list[Step],
    after: int,
    rate: int,
) -> bool:
    """Every refused message sent again until acknowledged, a sample of acknowledged ones sent again, then
    (once the bot drained) whether each was handled once and each member got one reply per message."""
    refused = [form for step in steps for form in step.refused]
    acknowledged = [form for step in steps for form in step.acknowledged]
    rounds, requests = await replay(http, port, refused, rate)
    again = acknowledged[:: max(1, len(acknowledged) // 200)]  # a replay of answered ones
    duplicates = await drive(http, port, rate, again)
    print(
        f"retried until acknowledged: {len(refused):,} in {rounds} round(s), {requests:,}"
        f" requests; {len(again):,} acknowledged sent again: {duplicates.statuses[200]:,} got 200"
    )
    await drain(database)
    inbox, intake = stored(database)
    sids = {form["MessageSid"] for form, _ in sent}
    lost = sids - inbox
    asked = Counter(form["From"] for form, _ in sent)
    got = replies_per_member(database, after)
    wrong = sum(1 for member in asked.keys() | got.keys() if asked[member] != got[member])
    print(
        f"lost {len(lost)}, left in the intake {len(intake & sids)}, members with a reply count"
        f" other than their messages {wrong} (replies {got.total():,} for {len(sids):,} messages)"
    )
    return not lost and not intake and not wrong


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--rates", type=int, nargs="+", default=[100, 200, 500, 1000, 2000])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--backlog-limit", type=int, help="the bot's intake bound (default: its own)")
    parser.add_argument("--replay-rate", type=int, default=200, help="retries and replays per second")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--ceiling-server", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.ceiling_server:
        await ceiling_server(args.ceiling_server)
        return
    rng = random.Random(args.seed)
    extra = {}
    if args.backlog_limit:
        extra["COMMUNITYBOT_TWILIO__BACKLOG_LIMIT"] = str(args.backlog_limit)
    async with running_bot(args.members, **extra) as run:
        database, port, bot, http = run.database, run.port, run.bot, run.http
        print(f"{args.members:,} members; servers on CPU 0, load and fake Twilio API on CPU 1")
        print(HEADER + " | drained s | bot CPU ms/message")
        ceiling = await measure_ceiling(http, args.rates, args.seconds)
        first_sid = 1_000_000
        await drive(http, port, 100, forms(200, args.members, rng, first_sid))  # warm-up
        first_sid += 200
        await drain(database)
        after = last_delivery(database)
        sent: list[Form] = []
        steps: list[Step] = []
        written_when_refused = 0
        for rate in args.rates:
            batch = forms(int(rate * args.seconds), args.members, rng, first_sid)
            first_sid += len(batch)
            sent += batch
            cpu_before = cpu_seconds(bot.pid)
            step = await drive(http, port, rate, batch)
            drained = await drain(database)
            cpu = sum(cpu_seconds(bot.pid)) - sum(cpu_before)
            inbox, intake = stored(database)
            written_when_refused += sum(1 for form, _ in step.refused if form["MessageSid"] in inbox | intake)
            steps.append(step)
            print(row("bot", step, f" | {drained:>6.1f} | {ms(cpu / len(batch))}"), flush=True)
        print()
        for step in steps:
            roof = ceiling[step.rate]
            print(
                f"{step.rate:>6,}/s: p99 {ms(step.p(0.99))} ms vs ceiling {ms(roof.p(0.99))} ms"
                f" (x{step.p(0.99) / max(roof.p(0.99), 1e-9):.1f}); answered"
                f" {step.achieved:,.0f}/s vs {roof.achieved:,.0f}/s"
                f" ({step.achieved / max(roof.achieved, 1e-9):.0%}); acknowledged"
                f" {step.statuses[200] / step.sent:.0%}"
            )
        at_500 = next((s for s in steps if s.rate == 500), None)
        if at_500 is not None:
            print(f"answer p99 at 500/s: {ms(at_500.p(0.99))} ms (bar < 100 ms)")
        refused = sum(len(step.refused) for step in steps)
        print(
            f"refused {refused:,} (503 {sum(s.statuses[503] for s in steps):,},"
            f" errors {sum(s.errors for s in steps):,}); stored when refused: {written_when_refused}"
        )
        lossless = await retried_and_checked(http, port, database, sent, steps, after, args.replay_rate)
        print(f"nothing lost, nothing twice: {lossless}")
        print(f"refused ones wrote nothing: {written_when_refused == 0}")


if __name__ == "__main__":
    asyncio.run(main())
