"""Scale benchmark: how the bot's start-up, memory and hot commands grow with the community.

    .venv/bin/python benchmarks/scale.py                         # 1,000, 10,000 and 100,000 members
    .venv/bin/python benchmarks/scale.py --sizes 500 --requests 20   # a quick one

1. Setup (not timed): benchmarks/dashboard_data.py writes each community with plain sqlite3 into a migrated
   file: members with identities, 50 ledger entries a member spread over a year (the last of them today, at
   the bot's clock), balances, each month's totals, a year of rolled-up days and every member's segment.
2. Each size starts the real bot (`Application`, console clock standing at the data's end) in a fresh
   process, twice: on the file as written (no statistics) and after `ANALYZE` (SQLite's statistics, as
   `PRAGMA optimize` leaves them on a database that has lived a while). Figures: seconds from the start of
   `Application.start()` to its return (ready: every feature's start-up reads done), resident memory after
   it (VmRSS of that process) and POINTS, TOP and STATS p50/p99 through the core's own path, one at a time.
3. The floor, measured in the same process: HELP (answered from memory), the least a command can cost.

Bars at 100,000 members: ready in under 5 s, under 500 MB resident, with and without statistics.
The run is pinned to one CPU (the bar is for one core); --all-cores lifts that.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.dashboard_data import NOW, YEAR, _moment, _numbers, build, community_file
from benchmarks.points import one_core, percentile, run
from bot.app import Application
from bot.console.adapter import ConsolePrinter
from config.community import load_community
from config.settings import Settings
from handlers.core import Core
from handlers.events import DirectMessage
from handlers.models import Identity
from handlers.settings import CommunityConfig

ENTRIES_PER_MEMBER = 50
READY_BAR_S = 5.0
MEMORY_BAR_MB = 500.0
BAR_MEMBERS = 100_000
MODERATOR = Identity("console", "mod")


def resident_mb() -> float:
    """This process's resident memory (VmRSS), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def prepare(folder: Path, members: int) -> Path:
    """The community in folder/bench.db, without statistics: dashboard_data's, with this benchmark's ledger."""
    path = folder / "bench.db"
    build(path, members, 1)  # everything but the ledger (one entry: the builder needs one)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA synchronous = OFF")
    db.execute("BEGIN")
    # 50 entries a member over the year, the newest at the bot's clock; most of them chat activity, as in a
    # live community (the planner's statistics then say so: the start-up's query plans must hold anyway).
    entries = members * ENTRIES_PER_MEMBER
    db.execute(
        f"{_numbers(entries)} INSERT INTO ledger (id, community_id, member_id, delta, kind, reason,"
        " actor_id, source, created_at, month)"
        f" SELECT 1 + i, 1, 1 + (i * 7919) % {members},"
        " CASE WHEN i % 20 = 0 THEN 20 WHEN i % 10 = 0 THEN 5 ELSE 1 END,"
        " CASE WHEN i % 20 = 0 THEN 'award' WHEN i % 10 = 0 THEN 'kudos' ELSE 'activity' END,"
        " CASE WHEN i % 20 = 0 THEN 'moderator award' WHEN i % 10 = 0 THEN 'thanks' ELSE '' END,"
        f" CASE WHEN i % 20 = 10 THEN 1 + (i * 31) % {members} END, 'scale:' || i,"
        f" {_moment(f'i * {YEAR} / {entries}')},"
        f" strftime('%Y-%m', {int(NOW.timestamp()) - YEAR} + i * {YEAR} / {entries}, 'unixepoch') FROM n"
    )
    db.execute("DELETE FROM balances")
    db.execute(
        "INSERT INTO balances (community_id, member_id, balance, earned)"
        " SELECT 1, member_id, sum(delta), sum(delta) FROM ledger GROUP BY member_id"
    )
    db.execute(
        "INSERT OR REPLACE INTO monthly_points (community_id, month, member_id, earned)"
        " SELECT 1, month, member_id, sum(delta) FROM ledger GROUP BY month, member_id"
    )
    if _has_stats(db):  # the file as written: no statistics yet
        db.execute("DELETE FROM sqlite_stat1")
    db.execute("COMMIT")
    db.close()
    community_file(folder / "community.toml")
    return path


def _has_stats(db: sqlite3.Connection) -> bool:
    return db.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone() is not None


async def measure(folder: Path, members: int, requests: int) -> dict[str, float]:
    """In this (fresh) process: start the bot on the file, then time the hot commands."""
    settings = Settings(
        database_path=folder / "bench.db", community_file=folder / "community.toml", console_start=NOW
    )
    community, _ = load_community(settings.community_file)
    app = Application(settings, community, console=True, web=False, printer=ConsolePrinter(io.StringIO()))
    began = time.perf_counter()
    await app.start()
    figures = {"ready_s": time.perf_counter() - began, "resident_mb": resident_mb()}
    try:
        core = app.core
        assert core is not None
        rng = random.Random(3)
        commands = {
            "HELP": lambda: Identity("console", f"m{rng.randint(2, members)}"),
            "POINTS": lambda: Identity("console", f"m{rng.randint(2, members)}"),
            "TOP": lambda: Identity("console", f"m{rng.randint(2, members)}"),
            "STATS": lambda: MODERATOR,
        }
        for text, asker in commands.items():
            found = []
            for n in range(3 + requests):
                start = time.perf_counter()
                replies = await core.handle_direct(DirectMessage(asker(), text))
                if n >= 3:
                    found.append((time.perf_counter() - start) * 1000)
            assert replies and "wrong" not in replies[0].text, replies
            figures[f"{text}_p50"] = percentile(found, 0.5)
            figures[f"{text}_p99"] = percentile(found, 0.99)
        figures["resident_after_mb"] = resident_mb()
        figures.update(await applied_live(app, community, core, members))
    finally:
        await app.stop()
    return figures


async def applied_live(
    app: Application, community: CommunityConfig, core: Core, members: int
) -> dict[str, float]:
    """A configuration saved from the dashboard, applied in the running bot: how long it takes, and how long
    a POINTS sent the moment the apply begins waits for it (units of work pause while features are rebuilt)."""
    renamed = community.model_copy(
        update={"community": community.community.model_copy(update={"name": "Renamed"})}
    )
    times, waits = [], []
    for n in range(3):
        began = time.perf_counter()
        applying = asyncio.create_task(app.apply_community(renamed if n % 2 == 0 else community))
        await asyncio.sleep(0)  # the apply has paused units: the command queues behind it
        await core.handle_direct(DirectMessage(Identity("console", f"m{members}"), "POINTS"))
        waits.append(time.perf_counter() - began)
        await applying
        times.append(time.perf_counter() - began)
    return {"apply_s": max(times), "apply_wait_s": max(waits)}


def child(folder: Path, members: int, requests: int, all_cores: bool) -> dict[str, float]:
    command = [sys.executable, __file__, "--child", str(folder), "--members", str(members)]
    command += ["--requests", str(requests)] + (["--all-cores"] if all_cores else [])
    result = subprocess.run(command, capture_output=True, text=True, timeout=1800)
    if result.returncode != 0:
        raise SystemExit(result.stdout + result.stderr)
    found: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return found


def show(members: int, label: str, f: dict[str, float]) -> bool:
    at_bar = members >= BAR_MEMBERS
    ready_ok, memory_ok = f["ready_s"] < READY_BAR_S, f["resident_mb"] < MEMORY_BAR_MB
    bars = (
        f" (bars {READY_BAR_S:.0f} s / {MEMORY_BAR_MB:.0f} MB:"
        f" {'kept' if ready_ok and memory_ok else 'OVER THE BAR'})"
        if at_bar
        else ""
    )
    print(
        f"{members:>8,} members, {label:<16} ready {f['ready_s']:6.2f} s, resident {f['resident_mb']:6.0f} MB"
        f" (after the commands {f['resident_after_mb']:.0f} MB){bars}"
    )
    print(
        "          p50/p99 ms: "
        + ", ".join(f"{c} {f[f'{c}_p50']:.2f}/{f[f'{c}_p99']:.2f}" for c in ("POINTS", "TOP", "STATS"))
        + f" (floor HELP {f['HELP_p50']:.2f}/{f['HELP_p99']:.2f})",
        flush=True,
    )
    print(
        f"          configuration applied live: {f['apply_s']:.2f} s (slowest of 3); a POINTS sent as it"
        f" began answered after {f['apply_wait_s']:.2f} s",
        flush=True,
    )
    return not at_bar or (ready_ok and memory_ok)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--requests", type=int, default=200, help="timed requests per command")
    parser.add_argument("--dir", type=Path, help="where to write the databases (default: a temporary folder)")
    parser.add_argument("--all-cores", action="store_true", help="do not pin to one CPU")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--members", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        if not args.all_cores:
            one_core()
        print(json.dumps(run(measure(args.child, args.members, args.requests))))
        return
    print(f"scale benchmark, {ENTRIES_PER_MEMBER} ledger entries a member;", "every core" if args.all_cores else
          "each run pinned to one CPU", flush=True)  # fmt: skip
    ok = True
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        for members in args.sizes:
            folder = Path(tmp) / str(members)
            folder.mkdir()
            began = time.perf_counter()
            path = prepare(folder, members)
            print(f"built {members:,} members, {members * ENTRIES_PER_MEMBER:,} entries in"
                  f" {time.perf_counter() - began:.0f} s", flush=True)  # fmt: skip
            ok &= show(members, "no statistics:", child(folder, members, args.requests, args.all_cores))
            db = sqlite3.connect(path, isolation_level=None)
            db.execute("ANALYZE")
            db.close()
            ok &= show(members, "after ANALYZE:", child(folder, members, args.requests, args.all_cores))
    print(f"every bar kept: {ok}")


if __name__ == "__main__":
    main()
