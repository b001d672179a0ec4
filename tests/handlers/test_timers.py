"""Catch-up rules of job kinds (handlers/timers.py), through the core's job runner and a real database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.formats import TEXTS
from handlers.context import Context
from handlers.core import Core
from handlers.feature import Feature, JobKind
from handlers.features import FEATURES
from handlers.install import build_core
from handlers.settings import CommunityConfig
from handlers.timers import CatchUp, plan_recurring
from scheduler.cron import CronRecurrence
from scheduler.service import SchedulerService
from storage.store import Store
from tests.fakes import FakeClock, RecordingMessenger

PARIS = ZoneInfo("Europe/Paris")
Runs = list[tuple[str, dict[str, Any], datetime]]


def probe(runs: Runs) -> Feature[Runs]:
    async def record(ctx: Context, state: Runs, payload: dict[str, Any]) -> None:
        state.append((payload.get("what", ""), payload, ctx.now))

    return Feature(
        name="probe",
        build=lambda setup: runs,
        jobs=(
            JobKind("probe_late", record),
            JobKind("probe_skip", record, CatchUp.SKIP, timedelta(minutes=5)),
            JobKind("probe_latest", record, CatchUp.LATEST),
        ),
    )


def probe_core(store: Store, clock: FakeClock, community: CommunityConfig, runs: Runs) -> Core:
    return build_core(
        store.services(community, clock),
        RecordingMessenger(),
        (*FEATURES, probe(runs)),
        texts=TEXTS,
        recurrence=CronRecurrence(),
    )


async def states(store: Store) -> list[tuple[str, str, int]]:
    rows = await store.db.fetch_all("SELECT kind, state, late FROM jobs WHERE kind LIKE 'probe%' ORDER BY id")
    return [(row["kind"], row["state"], row["late"]) for row in rows]


@pytest.fixture
def runs() -> Runs:
    return []


async def test_a_late_job_runs_once_and_is_marked_late(
    store: Store, clock: FakeClock, community: CommunityConfig, runs: Runs
) -> None:
    core = probe_core(store, clock, community, runs)
    async with store.transaction():
        await store.jobs.schedule("probe_late", clock.now() + timedelta(hours=1), {"what": "close"}, "k1")
        await store.jobs.schedule("probe_late", clock.now() + timedelta(hours=1), {"what": "twice"}, "k1")
        await store.jobs.schedule("probe_late", clock.now() + timedelta(hours=2), {"what": "on time"}, "k2")
    clock.advance(hours=1, seconds=30)
    assert await core.run_due_jobs() == 1  # thirty seconds after its time: on time
    clock.advance(days=2)  # the bot was down
    for _ in range(2):  # and restarted twice
        await probe_core(store, clock, community, runs).run_due_jobs()
    assert [what for what, _, _ in runs] == ["close", "on time"]
    assert await states(store) == [("probe_late", "done", 0), ("probe_late", "done", 1)]


async def test_a_skip_job_too_late_is_recorded_missed_and_not_run(
    store: Store, clock: FakeClock, community: CommunityConfig, runs: Runs
) -> None:
    core = probe_core(store, clock, community, runs)
    start = clock.now()
    async with store.transaction():
        await store.jobs.schedule("probe_skip", start + timedelta(hours=1), {"what": "24 h before"}, "a")
        await store.jobs.schedule("probe_skip", start + timedelta(hours=3), {"what": "1 h before"}, "b")
    clock.advance(hours=1, minutes=4)  # within its grace of five minutes
    await core.run_due_jobs()
    clock.advance(hours=3)  # down past the second one's time and grace
    await core.run_due_jobs()
    assert [what for what, _, _ in runs] == ["24 h before"]
    assert await states(store) == [("probe_skip", "done", 0), ("probe_skip", "missed", 1)]


async def test_a_recurring_job_missed_for_three_weeks_runs_once_for_the_latest(
    store: Store, clock: FakeClock, community: CommunityConfig, runs: Runs
) -> None:
    clock.set(datetime(2026, 3, 2, 10, tzinfo=UTC))  # a Monday, 11:00 in Paris
    core = probe_core(store, clock, community, runs)
    recurrence = CronRecurrence()
    async with store.transaction():
        first = await plan_recurring(
            store.jobs,
            recurrence,
            "probe_latest",
            "weekly",
            "0 9 * * 1",
            PARIS,
            clock.now(),
            {"what": "digest"},
        )
        # Planned again at a restart: the same occurrence, kept once.
        await plan_recurring(
            store.jobs, recurrence, "probe_latest", "weekly", "0 9 * * 1", PARIS, clock.now()
        )
    assert first == datetime(2026, 3, 9, 8, tzinfo=UTC)
    clock.set(datetime(2026, 3, 30, 12, tzinfo=UTC))  # three more Mondays passed while down (DST began)
    for _ in range(2):
        await probe_core(store, clock, community, runs).run_due_jobs()
    [(what, payload, _)] = runs
    assert what == "digest" and payload["missed"] == 3
    # The latest Monday at 09:00 in Paris, in summer time now.
    assert datetime.fromisoformat(payload["fire"]) == datetime(2026, 3, 30, 7, tzinfo=UTC)
    pending = await store.jobs.upcoming(10)
    assert [(j.kind, j.run_at) for j in pending] == [("probe_latest", datetime(2026, 4, 6, 7, tzinfo=UTC))]
    assert await states(store) == [("probe_latest", "done", 1), ("probe_latest", "pending", 0)]
    await core.run_due_jobs()
    assert len(runs) == 1


@pytest.mark.parametrize(
    ("start", "cron", "days", "expected_local"),
    [
        # Spring forward on 29 March 2026 (02:00 → 03:00): 09:00 stays 09:00, a UTC hour earlier.
        (datetime(2026, 3, 27, 12, tzinfo=UTC), "0 9 * * *", 4, ["09:00"] * 4),
        # Fall back on 25 October 2026 (03:00 → 02:00): 09:00 stays 09:00, a UTC hour later.
        (datetime(2026, 10, 23, 12, tzinfo=UTC), "0 9 * * *", 4, ["09:00"] * 4),
        # 02:30 happens twice on 25 October: it runs once that day.
        (datetime(2026, 10, 23, 12, tzinfo=UTC), "30 2 * * *", 4, ["02:30"] * 4),
    ],
)
async def test_a_daily_job_keeps_its_local_time_across_a_daylight_saving_change(
    store: Store,
    clock: FakeClock,
    community: CommunityConfig,
    runs: Runs,
    start: datetime,
    cron: str,
    days: int,
    expected_local: list[str],
) -> None:
    clock.set(start)
    core = probe_core(store, clock, community, runs)
    async with store.transaction():
        await plan_recurring(store.jobs, CronRecurrence(), "probe_latest", "daily", cron, PARIS, clock.now())
    await SchedulerService(core).advance_to(clock, start + timedelta(days=days))
    fired = [datetime.fromisoformat(payload["fire"]) for _, payload, _ in runs]
    assert [f"{moment.astimezone(PARIS):%H:%M}" for moment in fired] == expected_local
    assert [when for _, _, when in runs] == fired  # each run at its own time, none late
    assert len({moment.astimezone(PARIS).date() for moment in fired}) == days


async def test_the_spring_gap_runs_a_job_of_the_missing_hour_once_that_day(
    store: Store, clock: FakeClock, community: CommunityConfig, runs: Runs
) -> None:
    start = datetime(2026, 3, 27, 12, tzinfo=UTC)
    clock.set(start)
    core = probe_core(store, clock, community, runs)
    async with store.transaction():
        await plan_recurring(store.jobs, CronRecurrence(), "probe_latest", "gap", "30 2 * * *", PARIS, start)
    await SchedulerService(core).advance_to(clock, start + timedelta(days=4))
    days = [datetime.fromisoformat(p["fire"]).astimezone(PARIS).date().isoformat() for _, p, _ in runs]
    assert days == ["2026-03-28", "2026-03-29", "2026-03-30", "2026-03-31"]  # 29 March once, no 02:30 then


async def test_a_job_kind_without_handler_fails_and_is_kept_failed(
    store: Store, clock: FakeClock, community: CommunityConfig, runs: Runs
) -> None:
    core = probe_core(store, clock, community, runs)
    async with store.transaction():
        await store.jobs.schedule("gone_kind", clock.now(), {}, "x")
    await core.run_due_jobs()
    row = await store.db.fetch_one("SELECT state, last_error FROM jobs WHERE key = 'x'")
    assert row is not None and row["state"] == "failed" and "gone_kind" in row["last_error"]
