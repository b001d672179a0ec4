"""Webhooks benchmark: signed WhatsApp webhooks over HTTP at fixed open-loop rates, the real bot process.

    .venv/bin/python benchmarks/webhooks.py                         # 100, 500, 1,000, 2,000/s, 5 s each
    .venv/bin/python benchmarks/webhooks.py --rates 1000 --seconds 3

`communitybot run` (the real process, pinned to CPU 0) takes Twilio webhooks signed with twilio's own
RequestValidator and sends its replies to a fake Twilio API on 127.0.0.1 (this process, on CPU 1, which
also drives the load). A community of --members WhatsApp members; a mix of POINTS, TOP, HELP, KUDOS and
plain chat. Requests go out on a fixed schedule whatever the answers (open loop). Per rate it prints the
webhook's answer p50/p99/max, how many were answered 503 (the intake's backlog bound), then, for every
reply, the time from the request to its hand-over to the WhatsApp sender (the reply is durable before it:
it is written in the command's own transaction) and to the fake API's answer, from the bot's own records.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
from twilio.request_validator import RequestValidator

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.points import percentile
from handlers.models import Identity, MemberStatus
from storage.store import Store
from tests.bot.cli_helpers import healthy
from tests.bot.whatsapp.fake_twilio import ACCOUNT_SID, AUTH_TOKEN, FakeTwilio

PUBLIC = "https://bench.example.com"
BOT_NUMBER = "whatsapp:+14155238886"
PATH = "/twilio/whatsapp"
COMMUNITY = '[community]\nname = "Bench"\n[points.kudos]\ndaily_budget = 1000\n'
MIX = ("POINTS", "TOP", "HELP", "KUDOS", "chat")


def number(n: int) -> str:
    return f"whatsapp:+1555{n:07d}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def seed(workdir: Path, members: int) -> None:
    """Members who wrote before (handles m0, m1...), so every message in the mix is a member's."""
    store = await Store.open(workdir / "bot.db", "bench")
    now = datetime.now(UTC)
    async with store.transaction():
        for n in range(members):
            await store.members.create(Identity.parse(number(n)), f"m{n}", f"m{n}", MemberStatus.MEMBER, now)
    await store.close()


def start_bot(workdir: Path, port: int, fake: FakeTwilio, **extra: str) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMMUNITYBOT_")}
    env |= {
        "COMMUNITYBOT_DATABASE_PATH": str(workdir / "bot.db"),
        "COMMUNITYBOT_COMMUNITY_FILE": str(workdir / "community.toml"),
        "COMMUNITYBOT_TWILIO__ACCOUNT_SID": ACCOUNT_SID,
        "COMMUNITYBOT_TWILIO__AUTH_TOKEN": AUTH_TOKEN,
        "COMMUNITYBOT_TWILIO__WHATSAPP_FROM": BOT_NUMBER,
        "COMMUNITYBOT_TWILIO__API_BASE_URL": fake.base_url,
        "COMMUNITYBOT_TWILIO__MESSAGES_PER_SECOND": "1000",
        "COMMUNITYBOT_PUBLIC_BASE_URL": PUBLIC,
        "COMMUNITYBOT_WEB__PORT": str(port),
        "COMMUNITYBOT_LOG_LEVEL": "WARNING",
        **extra,
    }
    log = (workdir / "bot.log").open("ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"], cwd=workdir, env=env, stdout=log, stderr=log
    )
    with contextlib.suppress(OSError):  # one core for the bot, the other for the load and the fake API
        os.sched_setaffinity(process.pid, {0})
    return process


async def wait_healthy(port: int, workdir: Path) -> None:
    if not await healthy(port):
        raise SystemExit("the bot did not start:\n" + (workdir / "bot.log").read_text()[-3000:])


def forms(count: int, members: int, rng: random.Random, first_sid: int) -> list[tuple[dict[str, str], str]]:
    validator = RequestValidator(AUTH_TOKEN)
    made = []
    for i in range(count):
        who = rng.randrange(members)
        kind = MIX[i % len(MIX)]
        if kind == "KUDOS":
            body = f"KUDOS @m{(who + 1 + rng.randrange(members - 1)) % members} thanks for the tip"
        elif kind == "chat":
            body = "see you all at the meetup tonight"
        else:
            body = kind
        form = {
            "MessageSid": f"SM{first_sid + i:032x}",
            "AccountSid": ACCOUNT_SID,
            "From": number(who),
            "To": BOT_NUMBER,
            "WaId": number(who).removeprefix("whatsapp:+"),
            "ProfileName": f"m{who}",
            "Body": body,
            "NumMedia": "0",
        }
        made.append((form, validator.compute_signature(PUBLIC + PATH, form)))
    return made


async def open_loop(
    batch: list[tuple[dict[str, str], str]],
    rate: float,
    one: Callable[[dict[str, str], str], Coroutine[Any, Any, None]],
) -> float:
    """Start `one(form, signature)` for each of `batch` at `rate` a second on a fixed schedule, whatever
    the answers (open loop: a late answer includes its queueing); the seconds until every one ended."""
    tasks = []
    began = time.perf_counter()
    for i, (form, signature) in enumerate(batch):
        delay = began + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(form, signature)))
    await asyncio.gather(*tasks)
    return time.perf_counter() - began


@dataclass
class Running:
    """The real bot on its port, with the fake Twilio API it sends to and a client session to drive it."""

    workdir: Path
    port: int
    fake: FakeTwilio
    bot: subprocess.Popen[bytes]
    http: aiohttp.ClientSession

    @property
    def database(self) -> Path:
        return self.workdir / "bot.db"


@contextlib.asynccontextmanager
async def running_bot(members: int, **extra: str) -> AsyncIterator[Running]:
    """`communitybot run` on a fresh database of `members` members (pinned to CPU 0, this process to
    CPU 1), healthy; stopped with SIGTERM at the end."""
    with contextlib.suppress(OSError):
        os.sched_setaffinity(0, {1})
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        (workdir / "community.toml").write_text(COMMUNITY, encoding="utf-8")
        await seed(workdir, members)
        fake = FakeTwilio()
        await fake.start()
        port = free_port()
        bot = start_bot(workdir, port, fake, **extra)
        try:
            async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
                await wait_healthy(port, workdir)
                yield Running(workdir, port, fake, bot, http)
        finally:
            bot.send_signal(signal.SIGTERM)
            bot.wait(60)
            await fake.stop()


async def step(
    http: aiohttp.ClientSession, port: int, rate: int, batch: list[tuple[dict[str, str], str]]
) -> tuple[list[float], dict[int, int], dict[str, float]]:
    """Send `batch` at `rate` per second on a fixed schedule; answer latencies, statuses, send times."""
    url = f"http://127.0.0.1:{port}{PATH}"
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    sent_at: dict[str, float] = {}

    async def one(form: dict[str, str], signature: str) -> None:
        sent_at[form["MessageSid"]] = time.time()
        started = time.perf_counter()
        try:
            async with http.post(url, data=form, headers={"X-Twilio-Signature": signature}) as response:
                await response.read()
                status = response.status
        except aiohttp.ClientError:
            status = 0
        latencies.append(time.perf_counter() - started)
        statuses[status] = statuses.get(status, 0) + 1
        if status != 200:
            del sent_at[form["MessageSid"]]  # not taken: Twilio would send it again, no reply to wait for

    await open_loop(batch, rate, one)
    return latencies, statuses, sent_at


def replies(database: Path, after: int) -> tuple[list[tuple[str, float, float | None]], int]:
    """(recipient, handed to the sender, answered by the API) of each reply delivery after id `after`."""
    with sqlite3.connect(database) as db:
        rows = db.execute(
            "SELECT d.id, d.recipient, o.created_at,"
            " (SELECT max(s.sent_at) FROM outbox_sends s WHERE s.outbox_id = o.id)"
            " FROM deliveries d LEFT JOIN outbox o ON o.delivery_id = d.id"
            " WHERE d.kind = 'reply' AND d.id > ? ORDER BY d.id",
            (after,),
        ).fetchall()
    last = max((row[0] for row in rows), default=after)
    stamp = lambda text: None if text is None else datetime.fromisoformat(text).timestamp()  # noqa: E731
    return [(row[1], stamp(row[2]) or 0.0, stamp(row[3])) for row in rows], last


def pending(database: Path) -> int:
    with sqlite3.connect(database) as db:
        # The code before the intake had none: the same benchmark then measures it for the comparison.
        has_intake = db.execute("SELECT 1 FROM sqlite_master WHERE name = 'intake'").fetchone()
        return int(
            db.execute(
                f"SELECT {'(SELECT count(*) FROM intake) +' if has_intake else ''}"
                " (SELECT count(*) FROM deliveries WHERE state IN ('pending', 'sending'))"
                " + (SELECT count(*) FROM outbox WHERE state IN ('pending', 'sending'))"
            ).fetchone()[0]
        )


def cpu_seconds(pid: int) -> tuple[float, float]:
    """User and system CPU time the process used so far (system time: mostly the fsyncs of commits)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    tick = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / tick, int(fields[12]) / tick


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f}"


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--rates", type=int, nargs="+", default=[100, 500, 1000, 2000])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    async with running_bot(args.members) as run:
        workdir, port, bot, http = run.workdir, run.port, run.bot, run.http
        print(f"{args.members:,} members; bot on CPU 0, load and fake Twilio API on CPU 1")
        print(
            f"{'rate/s':>7} {'sent':>6} {'200':>6} {'503':>5} {'other':>5} | answer ms p50 / p99 / max"
            " | reply handed to the sender ms p50 / p99 / max | sent to the API p99 ms | drained s"
            " | bot CPU ms per message, user + system | load's CPU busy"
        )
        first_sid, last_reply = 1, 0
        warm_up = forms(200, args.members, rng, first_sid)  # first connections, caches: not counted
        await step(http, port, 100, warm_up)
        first_sid += len(warm_up)
        while pending(workdir / "bot.db"):  # noqa: ASYNC110 - another process's database
            await asyncio.sleep(0.05)
        last_reply = replies(workdir / "bot.db", 0)[1]
        for rate in args.rates:
            batch = forms(int(rate * args.seconds), args.members, rng, first_sid)
            first_sid += len(batch)
            cpu_before = cpu_seconds(bot.pid)
            load_before, step_began = os.times(), time.perf_counter()
            latencies, statuses, sent_at = await step(http, port, rate, batch)
            load_after = os.times()
            load_busy = (load_after.user + load_after.system - load_before.user - load_before.system) / (
                time.perf_counter() - step_began
            )
            ended = time.time()
            while pending(workdir / "bot.db") and time.time() - ended < 120:  # noqa: ASYNC110
                await asyncio.sleep(0.05)  # another process's database: polled
            drained = time.time() - ended
            user, system = (a - b for a, b in zip(cpu_seconds(bot.pid), cpu_before, strict=True))
            done, last_reply = replies(workdir / "bot.db", last_reply)
            handed, reached = waits(batch, sent_at, done)
            latencies.sort()
            other = sum(n for s, n in statuses.items() if s not in (200, 503))
            print(
                f"{rate:>7,} {len(batch):>6,} {statuses.get(200, 0):>6,} {statuses.get(503, 0):>5,}"
                f" {other:>5,} | {ms(percentile(latencies, 0.5)):>8} / {ms(percentile(latencies, 0.99)):>8}"
                f" / {ms(latencies[-1]):>8} | {ms(percentile(handed, 0.5)):>8} /"
                f" {ms(percentile(handed, 0.99)):>8} / {ms(handed[-1] if handed else 0):>8}"
                f" | {ms(percentile(reached, 0.99)):>8} | {drained:>6.1f}"
                f" | {ms(user / len(batch))} + {ms(system / len(batch))} | {load_busy:.0%}"
            )
            if len(handed) != statuses.get(200, 0):
                print(f"  ! {statuses.get(200, 0)} answered, {len(handed)} replies")


def waits(
    batch: list[tuple[dict[str, str], str]],
    sent_at: dict[str, float],
    done: list[tuple[str, float, float | None]],
) -> tuple[list[float], list[float]]:
    """Match the i-th reply to a member with the i-th answered message from them (one reply each, in order)."""
    asked: dict[str, list[float]] = {}
    for form, _ in batch:
        if form["MessageSid"] in sent_at:
            asked.setdefault(form["From"], []).append(sent_at[form["MessageSid"]])
    handed, reached = [], []
    taken: dict[str, int] = {}
    for recipient, handed_at, reached_at in done:
        index = taken.get(recipient, 0)
        taken[recipient] = index + 1
        times = asked.get(recipient, [])
        if index < len(times):
            handed.append(handed_at - times[index])
            if reached_at is not None:
                reached.append(reached_at - times[index])
    return sorted(handed), sorted(reached)


if __name__ == "__main__":
    asyncio.run(main())
