"""Webhooks benchmark: signed WhatsApp webhooks over HTTP at fixed open-loop rates, the real bot process.

    .venv/bin/python benchmarks/webhooks.py                         # 100, 500, 1,000, 2,000/s, 5 s each
    .venv/bin/python benchmarks/webhooks.py --rates 1000 --seconds 3
    .venv/bin/python benchmarks/webhooks.py --postgresql postgresql://postgres@127.0.0.1:5432 --processes 2

`communitybot run` (the real process, pinned to CPU 0) takes Twilio webhooks signed with twilio's own
RequestValidator and sends its replies to a fake Twilio API on 127.0.0.1 (this process, on CPU 1, which
also drives the load). A community of --members WhatsApp members; a mix of POINTS, TOP, HELP, KUDOS and
plain chat. Requests go out on a fixed schedule whatever the answers (open loop). Per rate it prints the
webhook's answer p50/p99/max, how many were answered 503 (the intake's backlog bound), then, for every
reply, the time from the request to its hand-over to the WhatsApp sender (the reply is durable before it:
it is written in the command's own transaction) and to the fake API's answer, from the bot's own records,
and how many replies reached the fake API exactly once (the run fails if one is missing or came twice).

With --postgresql SERVER the bot runs on a new database on that server (dropped afterwards); with
--processes 2 a second `communitybot run` on the same database starts once the first leads, and the
requests alternate between the two. Both take webhooks; the leader alone handles them and sends. Both bots
share CPU 0 (the same core as one process: what changes is only the partition), or with --spread the
second runs on CPU 1 beside the load, the fake API and (unpinned) the PostgreSQL server.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
from twilio.request_validator import RequestValidator

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.points import percentile
from benchmarks.postgres import postgres_database
from benchmarks.webhooks_records import Records, Reply, arrivals, role, sqlite_pending
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


async def seed(workdir: Path, members: int, url: str | None = None) -> None:
    """Members who wrote before (handles m0, m1...), so every message in the mix is a member's; in the
    SQLite file in `workdir`, or on the PostgreSQL database at `url`."""
    store = await Store.open(url or workdir / "bot.db", "bench", data_dir=workdir)
    now = datetime.now(UTC)
    async with store.transaction():
        for n in range(members):
            await store.members.create(Identity.parse(number(n)), f"m{n}", f"m{n}", MemberStatus.MEMBER, now)
    await store.close()


def start_bot(
    workdir: Path,
    port: int,
    fake: FakeTwilio,
    *,
    cpu: int = 0,
    log_name: str = "bot.log",
    **extra: str,
) -> subprocess.Popen[bytes]:
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
    log = (workdir / log_name).open("ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"], cwd=workdir, env=env, stdout=log, stderr=log
    )
    with contextlib.suppress(OSError):  # one core for the bot, the other for the load and the fake API
        os.sched_setaffinity(process.pid, {cpu})
    return process


async def wait_healthy(port: int, workdir: Path, log_name: str = "bot.log") -> None:
    if not await healthy(port):
        raise SystemExit("the bot did not start:\n" + (workdir / log_name).read_text()[-3000:])


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
    """The real bot (one process or several on one database) with the fake Twilio API it sends to and a
    client session to drive it; `port` and `bot` are the first process's, the leader."""

    workdir: Path
    ports: list[int]
    fake: FakeTwilio
    bots: list[subprocess.Popen[bytes]]
    http: aiohttp.ClientSession
    url: str | None = None
    """The PostgreSQL database's URL, or None on the SQLite file."""

    @property
    def port(self) -> int:
        return self.ports[0]

    @property
    def bot(self) -> subprocess.Popen[bytes]:
        return self.bots[0]

    @property
    def database(self) -> Path:
        return self.workdir / "bot.db"

    @property
    def where(self) -> Path | str:
        return self.url or self.database


@contextlib.asynccontextmanager
async def running_bot(
    members: int,
    *,
    postgresql: str | None = None,
    processes: int = 1,
    spread: bool = False,
    **extra: str,
) -> AsyncIterator[Running]:
    """`communitybot run` on a fresh database of `members` members (pinned to CPU 0, this process to
    CPU 1), healthy; stopped with SIGTERM at the end. On a new database of the PostgreSQL server
    `postgresql` (dropped after), `processes` of them; the second (on CPU 1 if `spread`) starts once the
    first leads."""
    with contextlib.suppress(OSError):
        os.sched_setaffinity(0, {1})
    async with contextlib.AsyncExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        url = await stack.enter_async_context(postgres_database(postgresql)) if postgresql else None
        (workdir / "community.toml").write_text(COMMUNITY, encoding="utf-8")
        await seed(workdir, members, url)
        fake = FakeTwilio()
        await fake.start()
        stack.push_async_callback(fake.stop)
        if url is not None:
            extra["COMMUNITYBOT_DATABASE_URL"] = url
        http = await stack.enter_async_context(aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)))
        bots: list[subprocess.Popen[bytes]] = []
        stack.callback(stop, bots)
        ports = [free_port() for _ in range(processes)]
        for n, port in enumerate(ports):
            log_name = f"bot-{n + 1}.log" if processes > 1 else "bot.log"
            cpu = 1 if spread and n > 0 else 0
            bots.append(start_bot(workdir, port, fake, cpu=cpu, log_name=log_name, **extra))
            await wait_healthy(port, workdir, log_name)
            wanted = "leader" if n == 0 else "standby"
            if processes > 1 and not await role(http, port, wanted):
                raise SystemExit(
                    f"bot {n + 1} is not the {wanted}:\n" + (workdir / log_name).read_text()[-3000:]
                )
        yield Running(workdir, ports, fake, bots, http, url)


def stop(bots: list[subprocess.Popen[bytes]]) -> None:
    """SIGTERM to each, the standby first: stopped, it cannot take the lead as the leader goes."""
    for bot in reversed(bots):
        bot.send_signal(signal.SIGTERM)
        bot.wait(60)


async def step(
    http: aiohttp.ClientSession,
    port: int | Sequence[int],
    rate: int,
    batch: list[tuple[dict[str, str], str]],
) -> tuple[list[float], dict[int, int], dict[str, float]]:
    """Send `batch` at `rate` per second on a fixed schedule, round robin over the processes on `port`;
    answer latencies, statuses, send times."""
    urls = [f"http://127.0.0.1:{p}{PATH}" for p in ([port] if isinstance(port, int) else port)]
    turn = iter(range(len(batch)))
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    sent_at: dict[str, float] = {}

    async def one(form: dict[str, str], signature: str) -> None:
        sent_at[form["MessageSid"]] = time.time()
        url = urls[next(turn) % len(urls)]  # taken in schedule order: round robin
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


def pending(database: Path) -> int:
    """What the bot on this SQLite file has not handled or sent yet (load, soak and log_volume poll it)."""
    return sqlite_pending(database)


def cpu_seconds(pid: int) -> tuple[float, float]:
    """User and system CPU time the process used so far (system time: mostly the fsyncs of commits)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    tick = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / tick, int(fields[12]) / tick


def cpu_of(bots: list[subprocess.Popen[bytes]]) -> tuple[float, float]:
    """`cpu_seconds` of every bot process, summed: the CPU the deployment used, whichever process it was."""
    times = [cpu_seconds(bot.pid) for bot in bots]
    return sum(t[0] for t in times), sum(t[1] for t in times)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f}"


def placement(run: Running, server_cpus: str) -> str:
    """Where each process runs, said in the output: the bots, the load and the server share 2 cores."""
    bots = ", ".join(
        f"bot {n + 1}{' (leader)' if n == 0 and len(run.bots) > 1 else ''}{' (standby)' if n else ''} on"
        f" CPU {min(os.sched_getaffinity(bot.pid))}"
        for n, bot in enumerate(run.bots)
    )
    server = f"; the PostgreSQL server on CPUs {server_cpus} (not pinned)" if server_cpus else ""
    return f"{bots}; the load and the fake Twilio API on CPU 1{server}"


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--rates", type=int, nargs="+", default=[100, 500, 1000, 2000])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--warm-up", type=int, default=200, help="messages sent first, not counted")
    parser.add_argument(
        "--postgresql",
        metavar="SERVER",
        help="run on a new database on this PostgreSQL server (postgresql://postgres@127.0.0.1:5432)",
    )
    parser.add_argument("--processes", type=int, choices=(1, 2), default=1, help="bot processes (PostgreSQL)")
    parser.add_argument("--spread", action="store_true", help="the second process on CPU 1, not CPU 0")
    args = parser.parse_args()
    if args.processes > 1 and not args.postgresql:
        parser.error("--processes 2 shares a PostgreSQL database: give --postgresql")
    rng = random.Random(args.seed)
    async with running_bot(
        args.members, postgresql=args.postgresql, processes=args.processes, spread=args.spread
    ) as run:
        records = await Records.open(run.where)
        try:
            failed = await measure(run, records, args, rng)
        finally:
            await records.close()
    if failed:
        raise SystemExit("replies missing or sent twice at " + ", ".join(f"{rate:,}/s" for rate in failed))


async def measure(run: Running, records: Records, args: argparse.Namespace, rng: random.Random) -> list[int]:
    """Each rate's row; the rates at which a reply was missing or arrived twice."""
    http, ports, fake = run.http, run.ports, run.fake
    engine = "PostgreSQL" if run.url else "SQLite"
    where = placement(run, await records.server_cpus())
    print(f"{args.members:,} members; {engine}, {len(run.bots)} process(es); {where}")
    print(
        f"{'rate/s':>7} {'sent':>6} {'200':>6} {'503':>5} {'other':>5} | answer ms p50 / p99 / max"
        " | reply handed to the sender ms p50 / p99 / max | sent to the API p99 ms | drained s"
        " | replies once / expected | bot CPU ms per message, user + system | load's CPU busy"
    )
    first_sid = 1
    warm_up = forms(args.warm_up, args.members, rng, first_sid)  # first connections, caches: not counted
    await step(http, ports, 100, warm_up)
    first_sid += len(warm_up)
    await records.drain(120)
    last_reply = (await records.replies(0))[1]
    failed = []
    for rate in args.rates:
        batch = forms(int(rate * args.seconds), args.members, rng, first_sid)
        first_sid += len(batch)
        cpu_before = cpu_of(run.bots)
        arrived_before = len(fake.accepted)
        load_before, step_began = os.times(), time.perf_counter()
        latencies, statuses, sent_at = await step(http, ports, rate, batch)
        load_after = os.times()
        load_busy = (load_after.user + load_after.system - load_before.user - load_before.system) / (
            time.perf_counter() - step_began
        )
        drained = await records.drain(120)
        user, system = (a - b for a, b in zip(cpu_of(run.bots), cpu_before, strict=True))
        done, last_reply = await records.replies(last_reply)
        handed, reached = waits(batch, sent_at, done)
        answered = [form for form, _ in batch if form["MessageSid"] in sent_at]
        once = arrivals(answered, fake.accepted[arrived_before:])
        latencies.sort()
        other = sum(n for s, n in statuses.items() if s not in (200, 503))
        print(
            f"{rate:>7,} {len(batch):>6,} {statuses.get(200, 0):>6,} {statuses.get(503, 0):>5,}"
            f" {other:>5,} | {ms(percentile(latencies, 0.5)):>8} / {ms(percentile(latencies, 0.99)):>8}"
            f" / {ms(latencies[-1]):>8} | {ms(percentile(handed, 0.5)):>8} /"
            f" {ms(percentile(handed, 0.99)):>8} / {ms(handed[-1] if handed else 0):>8}"
            f" | {ms(percentile(reached, 0.99)):>8} | {drained:>6.1f} | {once.once:>6,} / {once.expected:<6,}"
            f" | {ms(user / len(batch))} + {ms(system / len(batch))} | {load_busy:.0%}",
            flush=True,
        )
        if len(handed) != statuses.get(200, 0):
            print(f"  ! {statuses.get(200, 0)} answered, {len(handed)} replies")
        if not once.exact:
            print(f"  ! replies at the fake API: missing {once.missing:,}, twice {once.twice:,}")
            failed.append(rate)
    return failed


def waits(
    batch: list[tuple[dict[str, str], str]],
    sent_at: dict[str, float],
    done: list[Reply],
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
