"""Points benchmark: chat throughput through the core's real path, and POINTS/TOP at scale.

    .venv/bin/python benchmarks/points.py                      # the full run (several minutes)
    .venv/bin/python benchmarks/points.py --messages 20000 --query-members 10000 --query-ledger 200000

The whole run is pinned to one CPU (the bar is for one core); --all-cores lifts that.

Part 1 feeds chat messages (plain chat, `@x++`, `thanks @x ...`) from many members through
`Core.handle_chat`, the call every adapter makes, with durable SQLite writes (WAL, synchronous=FULL), as
concurrent tasks the way platform events arrive, in two scenarios: "burst" runs on the bot's real
clock, so cooldowns and kudos budgets hold as in a real burst of chat; "day" moves the clock --step per
message (a day compressed), so nearly every message earns an entry, the worst case for writes. Each
message's latency runs from the call to its return (no chat handler waits for the commit unless its
batch is full); the ledger entries each message earned are timed from that call (the message's
arrival) to their durable commit. The run ends when the last entry is durable. Then, on the same
file system, it writes the same number of ledger rows with plain `sqlite3.executemany` in one
transaction into the same schema (the raw ceiling) and prints the ratio.

Part 2 builds a community of --query-members members with --query-ledger ledger entries and times
`POINTS` and `TOP` through `Core.handle_direct` (p50/p99).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sqlite3
import sys
import tempfile
import time
from collections import deque
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.postgres import postgres_database
from bot.clock import SystemClock
from bot.formats import TEXTS
from bot.heap import settle_after_start_up
from bot.loop import new_event_loop
from handlers.delivery import Delivery
from handlers.events import ChatMessage
from handlers.features import FEATURES, community_config
from handlers.install import build_core
from handlers.models import Identity, MemberStatus
from handlers.points._ports import POINTS
from handlers.settings import CommunityConfig
from storage.sqlite.points import SqlitePoints
from storage.sqlite.times import to_db
from storage.store import Store

arrived: ContextVar[float] = ContextVar("arrived")
"""When the message being handled arrived (each in-flight event is a task with its own context)."""
START = datetime(2026, 11, 2, 6, 0, tzinfo=UTC)
WORDS = [
    "the",
    "launch",
    "looks",
    "great",
    "and",
    "I",
    "love",
    "how",
    "the",
    "new",
    "flavour",
    "turned",
    "out",
    "this",
    "week",
    "honestly",
]


class BenchClock:
    """Moves forward a fixed step per message (a day of chat compressed, so every message earns)."""

    def __init__(self, start: datetime, step: float) -> None:
        self.current = start
        self.step = timedelta(seconds=step)

    def now(self) -> datetime:
        return self.current

    def tick(self) -> None:
        self.current += self.step


class BurstClock(SystemClock):
    """The bot's own clock: a burst of chat moves the community's time as fast as messages arrive."""

    def tick(self) -> None:
        pass


class NullMessenger:
    def __init__(self) -> None:
        self.count = 0

    async def deliver(self, delivery: Delivery) -> None:
        self.count += 1


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def community() -> CommunityConfig:
    return community_config({"community": {"name": "Bench", "timezone": "Europe/Paris"}})


def chat_mix(count: int, members: int, seed: int = 7) -> list[tuple[int, str]]:
    """(author index, text): about 75 % plain chat of varied length, 15 % `@x++`, 10 % thanks."""
    rng = random.Random(seed)
    messages = []
    for _ in range(count):
        author = rng.randrange(members)
        roll = rng.random()
        other = rng.randrange(members)
        if roll < 0.75:
            text = " ".join(rng.choices(WORDS, k=rng.randint(1, 14)))
        elif roll < 0.90:
            text = f"@m{other}++ nice one"
        else:
            text = f"thanks @m{other} for the tip about {rng.choice(WORDS)}"
        messages.append((author, text))
    return messages


async def make_members(store: Store, count: int, now: datetime) -> None:
    async with store.transaction():
        for n in range(count):
            await store.members.create(
                Identity("console", f"m{n}"), f"m{n}", f"m{n}", MemberStatus.MEMBER, now
            )


async def chat_throughput(
    folder: Path, count: int, members: int, workers: int, step: float | None, url: str | None = None
) -> dict:
    """The chat mix on a SQLite file in `folder`, or on the PostgreSQL database at `url`."""
    store = await Store.open(url or folder / "chat.db", "bench", data_dir=folder)
    await make_members(store, members, START)
    clock = BurstClock() if step is None else BenchClock(START, step)
    messenger = NullMessenger()
    core = build_core(store.services(community(), clock), messenger, FEATURES, texts=TEXTS)
    mix = chat_mix(count, members)  # the input, as if it came off the network: not the bot's heap
    await core.start()
    settle_after_start_up()  # as `communitybot run` does after start-up
    latencies: list[float] = []
    awarded_latencies: list[float] = []
    points = store.repository(POINTS)
    assert isinstance(points, SqlitePoints)
    original = points.submit

    open_batch: list = [None, []]  # the batch being filled, and when each of its submissions was made
    committed: deque[float] = deque()  # when each batch's commit returned, in order
    flush = points.writer._flush

    async def timed_flush(rows):
        new = await flush(rows)
        committed.append(time.perf_counter())
        return new

    points.writer._flush = timed_flush  # type: ignore[method-assign]

    def durable(submitted: list[float], batch: asyncio.Future) -> None:
        # Batches commit in order and their callbacks run in order, each a loop pass or more later:
        # the latency ends at the commit itself.
        if not batch.cancelled() and batch.exception() is None:
            at = committed.popleft()
            awarded_latencies.extend([at - began for began in submitted])

    def timed_submit(entries):
        began = arrived.get()  # the award is timed from its message's arrival, backpressure included
        batch, start = original(entries)
        if batch is not open_batch[0]:
            open_batch[:] = [batch, []]
            batch.add_done_callback(partial(durable, open_batch[1]))
        open_batch[1].append(began)
        return batch, start

    points.submit = timed_submit  # type: ignore[method-assign]
    position = 0

    async def worker() -> None:
        nonlocal position
        while position < count:
            author, text = mix[position]
            position += 1
            clock.tick()
            message = ChatMessage(
                Identity("console", f"m{author}"), text, "general", event_id=f"msg{position}"
            )
            began = time.perf_counter()
            arrived.set(began)
            await core.handle_chat(message)
            latencies.append(time.perf_counter() - began)
            await asyncio.sleep(0)  # the next event comes off the network: the loop runs other work

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(workers)))
    await points.settle()  # the clock stops when the last award is durable
    elapsed = time.perf_counter() - began
    await core.settle()  # then let the confirmations and level-up messages finish
    entries = (await store.db.fetch_one("SELECT count(*) FROM ledger"))[0]  # type: ignore[index]
    consistent = await store.db.fetch_one(
        "SELECT (SELECT sum(delta) FROM ledger) = (SELECT sum(balance) FROM balances)"
    )
    await store.close()
    return {
        "messages": count,
        "entries": entries,
        "seconds": elapsed,
        "per_second": count / elapsed,
        "p50_ms": percentile(latencies, 0.50) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
        "award_p50_ms": percentile(awarded_latencies, 0.50) * 1000,
        "award_p99_ms": percentile(awarded_latencies, 0.99) * 1000,
        "award_max_ms": max(awarded_latencies, default=0) * 1000,
        "consistent": bool(consistent and consistent[0]),
        "announcements": messenger.count,
    }


async def migrated_file(path: Path) -> None:
    store = await Store.open(path, "bench")
    await store.close()


def raw_ceiling(folder: Path, entries: int, members: int) -> float:
    """Seconds for plain sqlite3 to do the same writes in one durable transaction: `entries` ledger rows
    with executemany, then the balance and monthly upserts, one per member."""
    path = folder / "raw.db"
    asyncio.run(migrated_file(path))
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA synchronous = FULL")
    connection.executemany(
        "INSERT INTO members (community_id, handle, display_name, status, joined_at) VALUES (1, ?, ?, 'member', ?)",
        [(f"m{n}", f"m{n}", to_db(START)) for n in range(members)],
    )
    rng = random.Random(3)
    created = to_db(START)
    rows = [
        (
            rng.randrange(1, members + 1),
            1,
            "activity",
            "chat in #general",
            None,
            f"raw{n}",
            created,
            "2026-11",
        )
        for n in range(entries)
    ]
    began = time.perf_counter()
    totals: dict[int, int] = {}
    for row in rows:
        totals[row[0]] = totals.get(row[0], 0) + row[1]
    connection.execute("BEGIN IMMEDIATE")
    connection.executemany(
        "INSERT INTO ledger (community_id, member_id, delta, kind, reason, actor_id, source, created_at, month)"
        " VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    connection.executemany(
        "INSERT INTO balances (community_id, member_id, balance, earned) VALUES (1, ?, ?, ?)"
        " ON CONFLICT (community_id, member_id)"
        " DO UPDATE SET balance = balance + excluded.balance, earned = earned + excluded.earned",
        [(member, total, total) for member, total in totals.items()],
    )
    connection.executemany(
        "INSERT INTO monthly_points (community_id, month, member_id, earned) VALUES (1, '2026-11', ?, ?)"
        " ON CONFLICT (community_id, month, member_id) DO UPDATE SET earned = earned + excluded.earned",
        list(totals.items()),
    )
    connection.execute("COMMIT")
    elapsed = time.perf_counter() - began
    connection.close()
    return elapsed


def one_core() -> str:
    """Pin this process (the event loop and SQLite's threads alike) to one CPU: the bar is for one core."""
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned: this system cannot pin a process to one CPU"
    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return f"pinned to CPU {cpu}"


def run(coroutine):
    return asyncio.Runner(loop_factory=new_event_loop).run(coroutine)


SCENARIOS = {
    "burst": "the clock runs in real time, so cooldowns hold as in a real burst",
    "day": "a day compressed: the clock moves --step per message, so nearly every message earns",
}


def report(scenario: str, workers: int, members: int, chat: dict) -> None:
    print(f"chat, {scenario} ({SCENARIOS[scenario]}), {workers} events in flight:")
    print(
        f"  {chat['messages']:,} messages from {members:,} members -> {chat['entries']:,} ledger entries"
        f" in {chat['seconds']:.2f} s"
    )
    print(f"  throughput: {chat['per_second']:,.0f} messages/s (until the last entry was durable)")
    print(
        f"  message to durable award: p50 {chat['award_p50_ms']:.2f} ms, p99 {chat['award_p99_ms']:.2f} ms, "
        f"max {chat['award_max_ms']:.2f} ms"
    )
    print(f"  handler latency (call to return): p50 {chat['p50_ms']:.2f} ms, p99 {chat['p99_ms']:.2f} ms")
    print(
        f"  balances equal ledger sums: {chat['consistent']}; "
        f"messages sent (kudos confirmations, level-ups): {chat['announcements']:,}"
    )


async def on_postgresql(args: argparse.Namespace, folder: Path, workers: int) -> dict:
    """The burst on a new database on the PostgreSQL server at --postgresql (dropped afterwards)."""
    async with postgres_database(args.postgresql) as url:
        return await chat_throughput(folder, args.messages, args.members, workers, None, url)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--workers", default="50,500", help="chat events in flight at once (a list sweeps)")
    parser.add_argument("--scenarios", default="burst,day", help="burst, day or both (see below)")
    parser.add_argument("--step", type=float, default=0.35, help="day: simulated seconds between messages")
    parser.add_argument("--query-members", type=int, default=100_000)
    parser.add_argument("--query-ledger", type=int, default=5_000_000)
    parser.add_argument("--query-samples", type=int, default=2_000)
    parser.add_argument("--only", choices=("chat", "queries"), help="run one part only")
    parser.add_argument("--dir", type=Path, help="where the database files go (default: a temporary folder)")
    parser.add_argument(
        "--all-cores", action="store_true", help="do not pin the process to one CPU (the bar is for one core)"
    )
    parser.add_argument(
        "--postgresql",
        metavar="SERVER",
        help="also run the burst on PostgreSQL: the server's URL without a database (postgresql://postgres@127.0.0.1:5432)",
    )
    args = parser.parse_args()
    cores = "all cores" if args.all_cores else one_core()
    with tempfile.TemporaryDirectory(dir=args.dir) as name:
        folder = Path(name)
        loop = type(new_event_loop()).__module__.split(".")[0]
        print(
            f"files in {folder} (SQLite {sqlite3.sqlite_version}, WAL, synchronous=FULL; {loop} event loop;"
            f" {cores})"
        )
        sweep = [] if args.only == "queries" else [int(w) for w in str(args.workers).split(",")]
        for scenario in [] if args.only == "queries" else args.scenarios.split(","):
            step = None if scenario == "burst" else args.step
            for workers in sweep:
                chat = run(
                    chat_throughput(
                        folder / f"{scenario}{workers}", args.messages, args.members, workers, step
                    )
                )
                report(scenario, workers, args.members, chat)
                seconds = raw_ceiling(folder / f"{scenario}{workers}", chat["entries"], args.members)
                ceiling = chat["messages"] / seconds
                print(
                    f"  raw sqlite3 ceiling: the same {chat['entries']:,} rows + totals in one transaction in "
                    f"{seconds:.2f} s = {ceiling:,.0f} messages/s; ratio {chat['per_second'] / ceiling:.2f}"
                )
        if args.postgresql and sweep:
            for workers in sweep:
                chat = run(on_postgresql(args, folder / f"pg{workers}", workers))
                print("PostgreSQL (one bot process, synchronous_commit on):")
                report("burst", workers, args.members, chat)
        if args.only == "chat":
            return
        # Part 2 lives beside this file and uses its bench community and clock: imported once they exist.
        from benchmarks.points_queries import bulk_community, time_queries

        big = folder / "big.db"
        began = time.perf_counter()
        bulk_community(big, args.query_members, args.query_ledger)
        print(
            f"queries: {args.query_members:,} members, {args.query_ledger:,} ledger entries "
            f"(built in {time.perf_counter() - began:.0f} s)"
        )
        for command, (p50, p99) in run(time_queries(big, args.query_members, args.query_samples)).items():
            print(f"  {command:<9} p50 {p50:.2f} ms, p99 {p99:.2f} ms")


if __name__ == "__main__":
    main()
