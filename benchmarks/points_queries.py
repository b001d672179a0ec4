"""The points benchmark's part 2 (benchmarks/points.py runs it): a large community loaded fast with plain
sqlite3, then POINTS and TOP timed through `Core.handle_direct`."""

from __future__ import annotations

import asyncio
import random
import sqlite3
import time
from datetime import timedelta
from pathlib import Path

from benchmarks.points import START, BenchClock, NullMessenger, community, migrated_file, percentile
from bot.formats import TEXTS
from handlers.core import Core
from handlers.events import DirectMessage
from handlers.features import FEATURES
from handlers.install import build_core
from handlers.models import Identity
from storage.sqlite.times import to_db
from storage.store import Store


def bulk_community(path: Path, members: int, entries: int) -> None:
    """A large community, loaded fast with plain sqlite3; the totals are computed once at the end."""
    asyncio.run(migrated_file(path))
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA synchronous = OFF")
    connection.execute("BEGIN")
    joined = to_db(START - timedelta(days=200))
    connection.executemany(
        "INSERT INTO members (id, community_id, handle, display_name, status, joined_at)"
        " VALUES (?, 1, ?, ?, 'member', ?)",
        ((n, f"m{n}", f"m{n}", joined) for n in range(1, members + 1)),
    )
    connection.executemany(
        "INSERT INTO identities (community_id, identity, member_id, created_at, last_seen_at) VALUES (1, ?, ?, ?, ?)",
        ((f"console:m{n}", n, joined, joined) for n in range(1, members + 1)),
    )
    rng = random.Random(5)
    kinds = [("activity", 1), ("activity", 1), ("activity", 1), ("kudos", 5), ("award", 20)]

    def rows():
        for n in range(entries):
            # A skewed community: a few members do most of the talking.
            member = (
                min(members, int(rng.paretovariate(1.2))) if rng.random() < 0.5 else rng.randint(1, members)
            )
            kind, delta = rng.choice(kinds)
            moment = START - timedelta(seconds=rng.randrange(180 * 86400))
            yield (member, delta, kind, kind, f"bulk{n}", to_db(moment), moment.strftime("%Y-%m"))

    connection.executemany(
        "INSERT INTO ledger (community_id, member_id, delta, kind, reason, source, created_at, month)"
        " VALUES (1, ?, ?, ?, ?, ?, ?, ?)",
        rows(),
    )
    connection.execute(
        "INSERT INTO balances (community_id, member_id, balance, earned)"
        " SELECT 1, member_id, sum(delta), sum(delta) FROM ledger GROUP BY member_id"
    )
    connection.execute(
        "INSERT INTO monthly_points (community_id, month, member_id, earned)"
        " SELECT 1, month, member_id, sum(delta) FROM ledger GROUP BY month, member_id"
    )
    connection.execute("COMMIT")
    connection.execute("ANALYZE")
    connection.close()


async def time_queries(path: Path, members: int, samples: int) -> dict:
    store = await Store.open(path, "bench")
    clock = BenchClock(START, 0)
    core: Core = build_core(store.services(community(), clock), NullMessenger(), FEATURES, texts=TEXTS)
    await core.start()
    rng = random.Random(11)
    timings: dict[str, list[float]] = {"POINTS": [], "TOP": [], "TOP month": []}
    for round_ in range(samples):
        for command in timings:
            asker = Identity("console", f"m{rng.randint(1, members)}")
            message = DirectMessage(asker, command)
            began = time.perf_counter()
            replies = await core.handle_direct(message)
            timings[command].append(time.perf_counter() - began)
            if round_ == 0:
                assert replies and "wrong" not in replies[0].text, replies
    await store.close()
    return {
        command: (percentile(values, 0.5) * 1000, percentile(values, 0.99) * 1000)
        for command, values in timings.items()
    }
