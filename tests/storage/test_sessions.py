"""Founder sessions' places against a real database file: concurrent cancels and RSVPs never overbook and
keep the waitlist's order, also from two connections at once, and the database itself refuses a write
that would overbook, jump the queue or book a cancelled session."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import asyncpg
import pytest

from handlers.models import Identity, MemberStatus
from handlers.sessions._models import Rsvp, SessionDraft
from handlers.sessions._ports import SESSIONS, SessionRepository
from storage.store import Store
from tests.engines import Raw

T = TypeVar("T")
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
REFUSED = (sqlite3.IntegrityError, asyncpg.IntegrityConstraintViolationError)
"""What a write the database refuses raises, on either engine."""
DRAFT = SessionDraft("Q&A", NOW + timedelta(days=3), timedelta(hours=1), "Online", 2, "events", "BLOOM")


async def members(store: Store, count: int) -> list[int]:
    made = []
    for n in range(count):
        member = await store.members.create(
            Identity("console", f"m{n}"), f"m{n}", f"m{n}", MemberStatus.MEMBER, NOW
        )
        made.append(member.id)
    return made


async def in_transaction(store: Store, work: Callable[[], Awaitable[T]]) -> T:
    """One unit of work, as a command's: units of one store queue for its lock, two stores for SQLite's."""
    async with store.transaction():
        return await work()


async def test_two_cancels_and_three_waiters_never_overbook(store: Store) -> None:
    repo: SessionRepository = store.repository(SESSIONS)
    ids = await members(store, 8)
    session = await repo.create(DRAFT, None, NOW)
    for member_id in ids[:5]:  # two places, three waiting
        await in_transaction(store, lambda m=member_id: repo.rsvp(session.id, m, NOW))
    assert await repo.waitlist(session.id) == ids[2:5]
    results = await asyncio.gather(
        in_transaction(store, lambda: repo.cancel(session.id, ids[0], NOW)),
        in_transaction(store, lambda: repo.rsvp(session.id, ids[5], NOW)),
        in_transaction(store, lambda: repo.cancel(session.id, ids[1], NOW)),
        in_transaction(store, lambda: repo.rsvp(session.id, ids[6], NOW)),
        in_transaction(store, lambda: repo.cancel(session.id, ids[2], NOW)),
    )
    assert [r.promoted for r in (results[0], results[2])] == [ids[2], ids[3]]
    assert results[1].state is Rsvp.WAITING and results[3].state is Rsvp.WAITING
    assert results[4].was is Rsvp.GOING  # ids[2] had just been given ids[0]'s place
    after = await repo.session(session.id)
    assert after is not None and after.going == 2
    assert await repo.attendees(session.id) == [ids[3], ids[4]]
    assert await repo.waitlist(session.id) == [ids[5], ids[6]]


async def test_rsvps_from_two_connections_at_once_never_exceed_the_capacity(tmp_path: Path) -> None:
    first = await Store.open(tmp_path / "shared.db", "test")
    second = await Store.open(tmp_path / "shared.db", "test")
    try:
        ids = await members(first, 12)
        session = await first.repository(SESSIONS).create(DRAFT, None, NOW)
        stores = [first, second]
        taken = await asyncio.gather(
            *(
                in_transaction(
                    stores[n % 2],
                    lambda m=m, s=stores[n % 2]: s.repository(SESSIONS).rsvp(session.id, m, NOW),
                )
                for n, m in enumerate(ids)
            )
        )
        assert sum(t.state is Rsvp.GOING for t in taken) == 2
        assert sorted(t.position for t in taken if t.state is Rsvp.WAITING) == list(range(1, 11))
        row = await first.db.fetch_one("SELECT going, waiting FROM sessions WHERE id = ?", (session.id,))
        assert row is not None and (row[0], row[1]) == (2, 10)
    finally:
        await second.close()
        await first.close()


async def test_the_database_refuses_what_would_overbook_or_jump_the_queue(store: Store) -> None:
    repo: SessionRepository = store.repository(SESSIONS)
    ids = await members(store, 5)
    session = await repo.create(DRAFT, None, NOW)
    for member_id in ids[:4]:  # two places taken, two waiting
        await in_transaction(store, lambda m=member_id: repo.rsvp(session.id, m, NOW))

    raw = Raw(store)
    stamp = NOW.isoformat()
    to_going = "UPDATE session_rsvps SET state = 'going' WHERE session_id = ? AND member_id = ?"
    join_going = "INSERT INTO session_rsvps VALUES (?, ?, 'going', 99, ?)"
    # A third place in a session of two; with two waiting, the queue's rule (checked before the row is
    # counted) is what refuses it, on either engine.
    assert "waitlist comes first" in await raw.refused(join_going, (session.id, ids[4], stamp))
    # The first waiter, with no place free.
    assert await raw.refused(to_going, (session.id, ids[2])) == "CHECK"
    await raw.execute(  # a place freed behind the repository's back: only the queue's order is left to hold
        "UPDATE session_rsvps SET state = 'cancelled' WHERE session_id = ? AND member_id = ?",
        (session.id, ids[0]),
    )
    assert "waitlist comes first" in await raw.refused(to_going, (session.id, ids[3]))
    assert "waitlist comes first" in await raw.refused(join_going, (session.id, ids[4], stamp))
    assert await raw.execute(to_going, (session.id, ids[2])) == 1
    assert (
        await raw.refused("UPDATE sessions SET going = capacity + 1 WHERE id = ?", (session.id,)) == "CHECK"
    )
    await in_transaction(store, lambda: repo.set_cancelled(session.id, NOW))
    with pytest.raises(REFUSED, match="takes no RSVPs"):
        await in_transaction(store, lambda: repo.rsvp(session.id, ids[4], NOW))


async def test_merging_two_members_keeps_the_better_rsvp_and_gives_a_freed_place_to_the_first_waiting(
    store: Store,
) -> None:
    repo: SessionRepository = store.repository(SESSIONS)
    m0, m1, m2, m3, m4 = await members(store, 5)  # m0 and m1 turn out to be one person
    first = await repo.create(DRAFT, None, NOW)  # two places each
    second = await repo.create(DRAFT, None, NOW)
    for session_id, member_id in [(first.id, m) for m in (m0, m1, m2, m3)] + [
        (second.id, m) for m in (m4, m1, m0)
    ]:
        await in_transaction(store, lambda s=session_id, m=member_id: repo.rsvp(s, m, NOW))
    async with store.transaction():
        await store.members.merge(m1, m0, NOW)  # m1 is merged into m0
    # first: one place for the merged member, the other freed and given to the first waiting
    assert await repo.attendees(first.id) == [m0, m2]
    assert await repo.waitlist(first.id) == [m3]
    # second: m1's place is kept for m0, whose own waitlist place goes
    assert sorted(await repo.attendees(second.id)) == sorted([m4, m0])
    assert await repo.waitlist(second.id) == []
    counted = await repo.session(first.id)
    assert counted is not None and (counted.going, counted.waiting) == (2, 1)
