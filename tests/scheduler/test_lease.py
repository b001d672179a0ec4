"""One process runs scheduled work against a database: the scheduler lease.

Two stores opened on one database file are two processes as far as SQLite is concerned (each its own
connections); each has its own core and scheduler."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import pytest

from handlers.core import Core
from handlers.settings import CommunityConfig
from scheduler.service import SchedulerElsewhere, SchedulerService
from storage.store import Store
from tests.conftest import make_core, say
from tests.fakes import FakeClock, RecordingMessenger


class WallClock:
    def __init__(self) -> None:
        self.moment = datetime(2026, 12, 2, 9, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.moment


@pytest.fixture
async def second_store(store: Store, tmp_path: Path) -> AsyncIterator[Store]:
    opened = await Store.open(store.where, "test", data_dir=tmp_path)  # the same database as `store`
    yield opened
    await opened.close()


async def poll_due(core: Core, clock: FakeClock) -> None:
    await say(core, "console:mod", 'POLL NEW "Next flavour?" | Mango | Yuzu | 1h')
    clock.advance(hours=2)


async def test_a_second_process_is_refused_the_scheduler_and_takes_over_when_the_first_stops(
    store: Store,
    second_store: Store,
    clock: FakeClock,
    community: CommunityConfig,
) -> None:
    wall = WallClock()
    first_messenger, second_messenger = RecordingMessenger(), RecordingMessenger()
    first_core = make_core(store, clock, first_messenger, community)
    second_core = make_core(second_store, clock, second_messenger, community)
    first = SchedulerService(first_core, wall_clock=wall)
    second = SchedulerService(second_core, wall_clock=wall)
    assert await first.claim() and first.leading
    assert not await second.claim()
    assert second.other is not None and second.other.holder == first.holder
    assert "scheduled work is not run by this process" in second.refusal()
    assert first.holder in second.refusal()
    await poll_due(first_core, clock)
    assert await second.tick() == 0  # not its work
    with pytest.raises(SchedulerElsewhere):
        await second.advance_to(clock, clock.now() + timedelta(hours=1))
    assert not [p for p in second_messenger.posts_in("announcements") if p.startswith("🏁")]
    await first.stop()  # releases the lease
    assert await second.tick() == 1  # took over: the poll closes, once
    assert await first.claim() is False  # the first one, started again, now waits in turn
    finals = [p for p in second_messenger.posts_in("announcements") if p.startswith("🏁")]
    assert len(finals) == 1 and not [
        p for p in first_messenger.posts_in("announcements") if p.startswith("🏁")
    ]


async def test_a_lease_not_renewed_expires_and_another_process_takes_over(
    store: Store, second_store: Store, clock: FakeClock, community: CommunityConfig
) -> None:
    wall = WallClock()
    first = SchedulerService(make_core(store, clock, RecordingMessenger(), community), wall_clock=wall)
    second = SchedulerService(
        make_core(second_store, clock, RecordingMessenger(), community), wall_clock=wall
    )
    assert await first.claim()
    wall.moment += timedelta(seconds=20)
    assert await first.claim()  # renewed
    wall.moment += timedelta(seconds=25)
    assert not await second.claim()  # 45 s after the first claim, 25 s after the renewal: still held
    wall.moment += timedelta(seconds=10)  # the first one died 35 s ago: its lease has expired
    assert await second.claim()
    assert not await first.claim() and not first.leading  # it came back: it now waits
    row = await store.db.fetch_one("SELECT holder FROM scheduler_lease")
    assert row is not None and row["holder"] == second.holder


async def test_the_scheduler_wakes_at_the_next_jobs_time_between_its_ticks(
    store: Store, community: CommunityConfig
) -> None:
    import asyncio

    from bot.clock import SystemClock

    clock = SystemClock()
    messenger = RecordingMessenger()
    core = make_core(store, clock, messenger, community)  # type: ignore[arg-type]
    await core.start()
    service = SchedulerService(core, poll_seconds=30)
    await service.start()
    try:
        await say(core, "console:mod", 'POLL NEW "Quick one?" | Yes | No | 2s')
        await service.tick()  # a tick sets a wake-up for a job due before the next tick
        await asyncio.sleep(3)
        closes = [p for p in messenger.posts_in("announcements") if p.startswith("🏁")]
        assert len(closes) == 1  # closed within a second of its deadline, not at the next 30 s tick
    finally:
        await service.stop()


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)  # PostgreSQL: the next test
async def test_a_holder_that_died_on_this_machine_is_taken_over_at_once(
    store: Store, clock: FakeClock, community: CommunityConfig
) -> None:
    import asyncio
    import socket
    import sys

    child = await asyncio.create_subprocess_exec(sys.executable, "-c", "pass")
    await child.wait()  # a process that ran on this machine and is gone
    dead = f"{socket.gethostname()}:{child.pid}:0000"
    wall = WallClock()
    assert await store.lease.acquire(dead, wall(), timedelta(seconds=30)) is None  # it held it, then died
    service = SchedulerService(make_core(store, clock, RecordingMessenger(), community), wall_clock=wall)
    assert await service.claim()  # no waiting for its 30 s to run out
    elsewhere = "another-host:1:0000"
    await store.lease.release(service.holder)
    assert await store.lease.acquire(elsewhere, wall(), timedelta(seconds=30)) is None
    assert not await service.claim()  # a holder on another machine may be alive: its lease is waited out


@pytest.mark.parametrize("store", ["postgresql"], indirect=True)
async def test_on_postgresql_a_holder_whose_session_ends_is_taken_over_at_once(
    store: Store, second_store: Store, clock: FakeClock, community: CommunityConfig
) -> None:
    """kill -9 of the leader ends its session on the server, and its advisory lock with it: the next claim
    of another process takes over, long before the lease would have run out."""
    wall = WallClock()
    first = SchedulerService(make_core(store, clock, RecordingMessenger(), community), wall_clock=wall)
    second = SchedulerService(
        make_core(second_store, clock, RecordingMessenger(), community), wall_clock=wall
    )
    assert await first.claim()
    assert not await second.claim()
    other = await asyncpg.connect(store.db.url)  # the server ends the leader's session, as on its death
    try:
        await other.fetchval(
            "SELECT count(pg_terminate_backend(pid, 2000)) FROM pg_locks"
            " WHERE locktype = 'advisory' AND granted"
        )
    finally:
        await other.close()
    wall.moment += timedelta(seconds=1)  # well inside the 30 s lease
    assert await second.claim()
    assert not await first.claim() and not first.leading  # it lost its session: it now waits
