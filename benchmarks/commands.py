"""Commands benchmark: write and read commands through `Core.handle_direct`, the call every adapter makes.

    .venv/bin/python benchmarks/commands.py                    # the full run (a few minutes)
    .venv/bin/python benchmarks/commands.py --commands 4000    # a quick one

A community of --members members (each with credits to spend) on a durable SQLite file (WAL,
synchronous=FULL), the whole run pinned to one CPU. Two mixes: writes (KUDOS, AWARD by a moderator,
REDEEM of a shop item, JOIN of newcomers) and reads (POINTS, TOP, HELP), each at 1, 50 and 500 commands
in flight (closed loop: a command starts when one finishes). Each command's latency runs from the call to
its return, which comes only once what it changed is durable. Then the same writes run serially with one
commit each (group commit off, the design before it) on a fresh file: the ratio says what group commit
gives. Every run checks that balances equal the ledger's sums. With --postgresql SERVER the same mixes
run once more on a new database on that PostgreSQL server (one bot process; the server on the other cores).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.points import NullMessenger, percentile  # the same counting messenger and percentiles
from benchmarks.postgres import postgres_database
from bot.formats import TEXTS
from bot.heap import settle_after_start_up
from bot.loop import new_event_loop
from handlers.context import Context
from handlers.core import Core
from handlers.events import DirectMessage
from handlers.features import FEATURES, community_config
from handlers.install import build_core
from handlers.ledger import LEDGER, Kind
from handlers.models import Identity, MemberStatus
from handlers.settings import CommunityConfig
from storage.store import Store

START = datetime(2026, 11, 2, 6, 0, tzinfo=UTC)
MODERATOR = Identity("console", "mod")


class FixedClock:
    def now(self) -> datetime:
        return START


def community() -> CommunityConfig:
    return community_config(
        {
            "community": {"name": "Bench", "timezone": "Europe/Paris"},
            "roles": {"moderators": [str(MODERATOR)]},
            "points": {"kudos": {"daily_budget": 1000}},
            "shop": {"items": [{"key": "sticker", "name": "A sticker", "cost": 1}]},
        }
    )


async def build(
    folder: Path, members: int, group_commit: bool, url: str | None = None
) -> tuple[Store, Core, NullMessenger]:
    """The community on a SQLite file in `folder`, or on the PostgreSQL database at `url`."""
    store = await Store.open(url or folder / "commands.db", "bench", data_dir=folder)
    store.db.group_commit = group_commit
    async with store.transaction():
        for n in range(members):
            await store.members.create(
                Identity("console", f"m{n}"), f"m{n}", f"m{n}", MemberStatus.MEMBER, START
            )
        await store.members.create(MODERATOR, "mod", "mod", MemberStatus.MEMBER, START)
    messenger = NullMessenger()
    core = build_core(store.services(community(), FixedClock()), messenger, FEATURES, texts=TEXTS)
    await core.start()
    ledger = core.port(LEDGER)
    ctx = Context(core.services, core.texts, START)
    async with store.transaction():  # credits to spend: one entry each, in one transaction
        for n in range(members):
            await ledger.credit(ctx, n + 1, 1000, Kind.AWARD, "bench", f"bench:{n}")
    ctx.committed()
    settle_after_start_up()
    return store, core, messenger


def writes(count: int, members: int, seed: int) -> list[tuple[Identity, str]]:
    """(who, text): 40 % KUDOS, 20 % AWARD (the moderator), 20 % REDEEM, 20 % JOIN of a newcomer."""
    rng = random.Random(seed)
    out = []
    for n in range(count):
        roll, who, other = rng.random(), rng.randrange(members), rng.randrange(members)
        if roll < 0.4:
            out.append(
                (
                    Identity("console", f"m{who}"),
                    f"KUDOS @m{other if other != who else (who + 1) % members} thanks",
                )
            )
        elif roll < 0.6:
            out.append((MODERATOR, f"AWARD @m{other} 5 great photos"))
        elif roll < 0.8:
            out.append((Identity("console", f"m{who}"), "REDEEM sticker"))
        else:
            out.append((Identity("console", f"new{seed}x{n}"), "JOIN"))
    return out


def reads(count: int, members: int, seed: int) -> list[tuple[Identity, str]]:
    rng = random.Random(seed)
    texts = ["POINTS", "TOP", "HELP"]
    return [(Identity("console", f"m{rng.randrange(members)}"), texts[n % 3]) for n in range(count)]


async def drive(core: Core, mix: list[tuple[Identity, str]], in_flight: int, tag: str) -> dict[str, float]:
    latencies: list[float] = []
    queue = list(reversed(mix))

    async def worker() -> None:
        while queue:
            who, text = queue.pop()
            began = time.perf_counter()
            await core.handle_direct(DirectMessage(who, text, event_id=f"{tag}:{len(queue)}"))
            latencies.append(time.perf_counter() - began)

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(in_flight)))
    await core.settle()
    elapsed = time.perf_counter() - began
    return {
        "rate": len(mix) / elapsed,
        "p50": percentile(latencies, 0.5) * 1000,
        "p99": percentile(latencies, 0.99) * 1000,
        "max": max(latencies) * 1000,
    }


async def consistent(store: Store) -> bool:
    row = await store.db.fetch_one(
        "SELECT count(*) FROM balances b WHERE b.balance != "
        "(SELECT coalesce(sum(delta), 0) FROM ledger l WHERE l.member_id = b.member_id)"
    )
    return row is not None and row[0] == 0


def show(label: str, figures: dict[str, float]) -> None:
    print(
        f"  {label}: {figures['rate']:,.0f} commands/s; latency to the durable reply p50 {figures['p50']:.2f} ms,"
        f" p99 {figures['p99']:.2f} ms, max {figures['max']:.2f} ms"
    )


async def run(args: argparse.Namespace) -> None:
    folder = Path(args.dir or tempfile.mkdtemp(prefix="commands-bench-"))
    print(
        f"files in {folder} (WAL, synchronous=FULL; pinned: {not args.all_cores}); {args.members:,} members"
    )
    results: dict[tuple[str, int], dict[str, float]] = {}
    for group_commit in (True, False):
        name = "group commit" if group_commit else "one commit per command (serial)"
        sub = folder / ("grouped" if group_commit else "serial")
        store, core, _ = await build(sub, args.members, group_commit)
        print(f"{name}:")
        flights = args.in_flight if group_commit else [max(args.in_flight)]
        for in_flight in flights:
            count = args.commands if in_flight > 1 else min(args.commands, 2000)
            figures = await drive(core, writes(count, args.members, in_flight), in_flight, f"w{in_flight}")
            results[(name, in_flight)] = figures
            show(f"writes, {in_flight:>3} in flight", figures)
            if group_commit:
                read = await drive(core, reads(count, args.members, in_flight), in_flight, f"r{in_flight}")
                show(f"reads,  {in_flight:>3} in flight", read)
        print(f"  balances equal ledger sums: {await consistent(store)}")
        await store.close()
    if args.postgresql:
        await on_postgresql(args, folder / "postgresql")
    top = max(args.in_flight)
    grouped, serial = results[("group commit", top)], results[("one commit per command (serial)", top)]
    print(
        f"ratio of write rates at {top} in flight, group commit / serial: {grouped['rate'] / serial['rate']:.1f}"
    )
    targets: list[tuple[str, Callable[[], bool]]] = [
        ("writes at 50 in flight >= 5,000/s", lambda: results[("group commit", 50)]["rate"] >= 5000),
        ("writes at 50 in flight p99 < 50 ms", lambda: results[("group commit", 50)]["p99"] < 50),
        ("writes at 500 in flight p99 < 250 ms", lambda: results[("group commit", 500)]["p99"] < 250),
    ]
    for label, check in targets:
        if all(n in args.in_flight for n in (50, 500)):
            print(f"  {label}: {'yes' if check() else 'NO'}")


async def on_postgresql(args: argparse.Namespace, folder: Path) -> None:
    """The same mixes on a new PostgreSQL database on the server at --postgresql (dropped afterwards)."""
    async with postgres_database(args.postgresql) as url:
        store, core, _ = await build(folder, args.members, True, url)
        version = await store.db.fetch_one("SHOW server_version")
        print(f"PostgreSQL {version[0] if version else '?'} (one bot process, synchronous_commit on):")
        for in_flight in args.in_flight:
            count = args.commands if in_flight > 1 else min(args.commands, 2000)
            figures = await drive(core, writes(count, args.members, in_flight), in_flight, f"pw{in_flight}")
            show(f"writes, {in_flight:>3} in flight", figures)
            read = await drive(core, reads(count, args.members, in_flight), in_flight, f"pr{in_flight}")
            show(f"reads,  {in_flight:>3} in flight", read)
        print(f"  balances equal ledger sums: {await consistent(store)}")
        await store.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--commands", type=int, default=20_000, help="commands per mix and level")
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--in-flight", type=int, nargs="+", default=[1, 50, 500])
    parser.add_argument("--dir", help="where the database files go (default: a new temporary folder)")
    parser.add_argument("--all-cores", action="store_true", help="do not pin the run to one CPU")
    parser.add_argument(
        "--postgresql",
        metavar="SERVER",
        help="also run on PostgreSQL: the server's URL without a database (postgresql://postgres@127.0.0.1:5432)",
    )
    args = parser.parse_args()
    if not args.all_cores and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    loop = new_event_loop()
    try:
        loop.run_until_complete(run(args))
    finally:
        loop.close()


if __name__ == "__main__":
    main()
