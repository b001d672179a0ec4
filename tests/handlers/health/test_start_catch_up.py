"""The days a stop left without a roll-up, with several processes on one database: each process plans the
catch-up at its start, the job is planned once, and only the scheduler's leader rolls the days up when it
runs the job (a standby's start writes no day)."""

from __future__ import annotations

from datetime import timedelta

from handlers.health._rollup import CATCH_UP_JOB
from handlers.settings import CommunityConfig
from storage.store import Store
from tests.conftest import chat, make_core
from tests.fakes import FakeClock, RecordingMessenger
from tests.handlers.health.conftest import PARIS, days, join


async def test_a_stop_is_planned_once_by_every_start_and_rolled_up_only_by_the_job(
    store: Store, clock: FakeClock, messenger: RecordingMessenger, community: CommunityConfig
) -> None:
    before = make_core(store, clock, messenger, community)
    await before.start()
    await join(before, "ana")
    await chat(before, "console:ana", "day one")
    await before.settle()
    first = clock.now().astimezone(PARIS).date()
    clock.advance(days=3)  # every process was down for three nights

    leader, standby = (make_core(store, clock, messenger, community) for _ in range(2))
    for core in (leader, standby):  # both start, one after the other, on the same database
        await core.start()
        await core.settle()
    window = (first, first + timedelta(days=10))
    assert await days(store, *window) == []  # no start rolls a day up by itself
    planned = [job for job in await store.jobs.upcoming(50) if job.kind == CATCH_UP_JOB]
    assert len(planned) == 1

    await leader.run_due_jobs()  # the scheduler's leader runs what is due
    await leader.settle()
    assert [row.day for row in await days(store, *window)] == [first + timedelta(days=n) for n in range(3)]
    assert [row.messages for row in await days(store, *window)] == [1, 0, 0]
