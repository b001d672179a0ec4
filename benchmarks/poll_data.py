"""The polls benchmark's community and data: members and ballots written fast with plain sqlite3, the
vote mix, the tally read back, and the raw ceiling (benchmarks/polls.py runs and prints)."""

from __future__ import annotations

import asyncio
import random
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks.points import migrated_file
from handlers.features import community_config
from handlers.models import Identity
from handlers.settings import CommunityConfig
from storage.sqlite.times import to_db
from storage.store import Store

START = datetime(2026, 11, 2, 6, 0, tzinfo=UTC)
MODERATOR = Identity("console", "mod")
OPTIONS = ("Mango", "Yuzu", "Cherry")
WEIGHTS = (0.5, 0.3, 0.2)
"""How the votes split over the options."""
NEW_POLL = f'POLL NEW "Next flavour?" | {" | ".join(OPTIONS)}'


def community() -> CommunityConfig:
    return community_config(
        {
            "community": {"name": "Bench", "timezone": "Europe/Paris"},
            "roles": {"moderators": [str(MODERATOR)]},
        }
    )


def identity_of(n: int, share: float) -> str:
    """Member n's identity: an even spread of `share` of them on WhatsApp."""
    if int(n * share) != int((n - 1) * share):
        return f"whatsapp:+336{n:08d}"
    return f"console:m{n}"


def bulk_community(path: Path, members: int, share: float) -> int:
    """Members 1..members and the moderator (members + 1), written fast with plain sqlite3; the WhatsApp
    ones opted in (JOIN). Returns how many are on WhatsApp."""
    asyncio.run(migrated_file(path))
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA synchronous = OFF")
    connection.execute("BEGIN")
    joined = to_db(START - timedelta(days=200))
    people = [(n, f"m{n}", identity_of(n, share)) for n in range(1, members + 1)]
    people.append((members + 1, "mod", str(MODERATOR)))
    connection.executemany(
        "INSERT INTO members (id, community_id, handle, display_name, status, joined_at)"
        " VALUES (?, 1, ?, ?, 'member', ?)",
        [(n, handle, handle, joined) for n, handle, _ in people],
    )
    connection.executemany(
        "INSERT INTO identities (community_id, identity, member_id, created_at, last_seen_at)"
        " VALUES (1, ?, ?, ?, ?)",
        [(identity, n, joined, joined) for n, _, identity in people],
    )
    phones = [identity for _, _, identity in people if identity.startswith("whatsapp:")]
    connection.executemany(
        "INSERT INTO consent_events (community_id, identity, opted_in, source, wording, at)"
        " VALUES (1, ?, 1, 'JOIN', 'bench', ?)",
        [(identity, joined) for identity in phones],
    )
    connection.execute("COMMIT")
    connection.close()
    return len(phones)


def vote_mix(votes: int, members: int, seed: int = 17) -> list[tuple[int, int]]:
    """(member, 0-based option): `votes` distinct members, the options picked 50/30/20."""
    rng = random.Random(seed)
    voters = rng.sample(range(1, members + 1), votes)
    return [(member, rng.choices(range(len(OPTIONS)), WEIGHTS)[0]) for member in voters]


def counted(mix: list[tuple[int, int]]) -> tuple[int, ...]:
    return tuple(sum(1 for _, position in mix if position == n) for n in range(len(OPTIONS)))


async def tally_of(store: Store, poll: int) -> tuple[tuple[int, ...], int]:
    rows = await store.db.fetch_all(
        "SELECT position, count(*) FROM poll_picks WHERE poll_id = ? GROUP BY position ORDER BY position",
        (poll,),
    )
    counts = [0] * len(OPTIONS)
    for position, count in rows:
        counts[position] = count
    ballots = await store.db.fetch_one("SELECT count(*) FROM poll_ballots WHERE poll_id = ?", (poll,))
    assert ballots is not None
    return tuple(counts), ballots[0]


def raw_ceiling(path: Path, mix: list[tuple[int, int]]) -> float:
    """Seconds for plain sqlite3 to write the ballots and picks of `mix` in one durable transaction, on a
    file with the same members and an open poll (written beforehand, not timed)."""
    connection = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode = WAL", "synchronous = FULL", "foreign_keys = ON"):
        connection.execute(f"PRAGMA {pragma}")
    poll = connection.execute(
        "INSERT INTO polls (community_id, question, max_picks, multiple, anonymous, hidden, channel,"
        " deadline, created_at) VALUES (1, 'Raw?', 1, 0, 1, 0, 'announcements', ?, ?)",
        (to_db(START + timedelta(days=2)), to_db(START)),
    ).lastrowid
    connection.executemany(
        "INSERT INTO poll_options (poll_id, position, label) VALUES (?, ?, ?)",
        [(poll, n, label) for n, label in enumerate(OPTIONS)],
    )
    moment = to_db(START)
    ballots = [(poll, member, moment, moment) for member, _ in mix]
    picks = [(poll, member, position) for member, position in mix]
    began = time.perf_counter()
    connection.execute("BEGIN IMMEDIATE")
    connection.executemany(
        "INSERT INTO poll_ballots (poll_id, member_id, voted_at, changed_at) VALUES (?, ?, ?, ?)", ballots
    )
    connection.executemany("INSERT INTO poll_picks (poll_id, member_id, position) VALUES (?, ?, ?)", picks)
    connection.execute("COMMIT")
    elapsed = time.perf_counter() - began
    connection.close()
    return elapsed


def bulk_ballots(path: Path, polls: list[int], members: int, seed: int = 29) -> dict[int, tuple[int, ...]]:
    """Every member's ballot in each poll, written with plain sqlite3 executemany; the expected tallies."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA synchronous = OFF")
    connection.execute("BEGIN")
    moment = to_db(START + timedelta(hours=1))
    expected = {}
    for poll in polls:
        mix = vote_mix(members, members, seed + poll)
        connection.executemany(
            "INSERT INTO poll_ballots (poll_id, member_id, voted_at, changed_at) VALUES (?, ?, ?, ?)",
            [(poll, member, moment, moment) for member, _ in mix],
        )
        connection.executemany(
            "INSERT INTO poll_picks (poll_id, member_id, position) VALUES (?, ?, ?)",
            [(poll, member, position) for member, position in mix],
        )
        expected[poll] = counted(mix)
    connection.execute("COMMIT")
    connection.close()
    return expected
