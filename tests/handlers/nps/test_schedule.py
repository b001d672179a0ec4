"""When surveys run: the questions spread over days (a share a day, each member on their id's day), a
restart asking nobody twice, a downtime that delays the spread rather than bunching it, the 90-day rule
in calendar days, and the settings checked at start."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from handlers.core import Core
from handlers.settings import CommunityConfig
from handlers.stamps import plain
from storage.store import Store
from tests.conftest import make_core, say
from tests.fakes import FakeClock, RecordingMessenger
from tests.handlers.nps.conftest import FIRST_SURVEY, asked, join, nps_community, survey_starts

NAMES = ("alice", "bob", "carol", "dave", "erin", "frank")
"""Member ids 1 to 6: over three days, day 0 asks ids 3 and 6, day 1 ids 1 and 4, day 2 ids 2 and 5."""


class TestSpread:
    @pytest.fixture
    def community(self) -> CommunityConfig:
        return nps_community(spread_days=3)

    async def test_each_day_asks_its_share_and_a_restart_asks_nobody_twice(
        self,
        core: Core,
        clock: FakeClock,
        store: Store,
        messenger: RecordingMessenger,
        community: CommunityConfig,
    ) -> None:
        await join(core, *NAMES)
        await survey_starts(core, clock)
        assert asked(messenger) == ["console:carol", "console:frank"]
        schedule = plain((await say(core, "console:mod", "SCHEDULE")).text)
        assert "• Thu 2 Apr at 10:00: NPS survey #1: questions of day 2 of 3" in schedule
        restarted = make_core(store, clock, messenger, community)  # the bot starts again, on the same file
        await restarted.start()
        await restarted.run_due_jobs()
        assert len(asked(messenger)) == 2
        clock.advance(days=1)
        await restarted.run_due_jobs()
        assert asked(messenger)[2:] == ["console:alice", "console:dave"]
        clock.advance(days=1)
        await restarted.run_due_jobs()
        clock.advance(days=5)
        await restarted.run_due_jobs()
        assert sorted(asked(messenger)) == sorted(f"console:{n}" for n in NAMES)  # each once
        report = plain((await say(restarted, "console:mod", "NPS")).text)
        assert "of 6 members asked" in report and "more member" not in report

    async def test_a_downtime_delays_the_spread_instead_of_asking_two_days_at_once(
        self, core: Core, clock: FakeClock, messenger: RecordingMessenger
    ) -> None:
        await join(core, *NAMES)
        await survey_starts(core, clock)
        clock.set(FIRST_SURVEY + timedelta(days=2, hours=3))  # down from day 0 until after day 2's time
        await core.run_due_jobs()
        assert asked(messenger)[2:] == ["console:alice", "console:dave"]  # day 1, late; day 2 waits
        pending = [j for j in await core.services.jobs.upcoming(10) if j.kind == "nps_ask"]
        assert [j.run_at for j in pending] == [clock.now() + timedelta(hours=20)]
        clock.advance(hours=20)
        await core.run_due_jobs()
        assert asked(messenger)[4:] == ["console:bob", "console:erin"]

    async def test_the_moderators_see_who_is_still_to_ask(self, core: Core, clock: FakeClock) -> None:
        await join(core, *NAMES)
        await survey_starts(core, clock)
        report = plain((await say(core, "console:mod", "NPS")).text)
        assert "4 more members will be asked in the coming days." in report


class TestMonthly:
    @pytest.fixture
    def community(self) -> CommunityConfig:
        return nps_community(cron="0 10 1 * *")

    async def test_a_member_is_asked_at_most_once_in_ninety_calendar_days(
        self, core: Core, clock: FakeClock, messenger: RecordingMessenger
    ) -> None:
        await join(core, "alice")
        await survey_starts(core, clock)  # 1 April
        for month in (5, 6):  # 1 May, 1 June: asked in April, so not yet
            await survey_starts(core, clock, datetime(2026, month, 1, 8, 0, tzinfo=UTC))
        assert asked(messenger) == ["console:alice"]
        await survey_starts(core, clock, datetime(2026, 7, 1, 8, 0, tzinfo=UTC))  # 91 days on
        assert asked(messenger) == ["console:alice", "console:alice"]


class TestNinetyDaysAcrossDaylightSaving:
    @pytest.fixture
    def clock(self) -> FakeClock:
        return FakeClock(datetime(2025, 12, 1, 9, 0, tzinfo=UTC))

    async def test_a_quarter_later_at_the_same_local_hour_is_ninety_days(
        self, core: Core, clock: FakeClock, messenger: RecordingMessenger
    ) -> None:
        """1 January at 10:00 (winter time) to 1 April at 10:00 (summer time) is 90 calendar days but an
        hour short of 90 × 24 hours: the member is asked again all the same."""
        await join(core, "alice")
        await survey_starts(core, clock, datetime(2026, 1, 1, 9, 0, tzinfo=UTC))
        await survey_starts(core, clock, FIRST_SURVEY)
        assert asked(messenger) == ["console:alice", "console:alice"]


class TestOff:
    @pytest.fixture
    def community(self) -> CommunityConfig:
        return nps_community(enabled=False)

    async def test_no_survey_is_planned(
        self, core: Core, clock: FakeClock, messenger: RecordingMessenger
    ) -> None:
        await join(core, "alice")
        await survey_starts(core, clock)
        assert asked(messenger) == []
        assert "none is planned" in (await say(core, "console:mod", "NPS")).text
        assert "NPS" not in (await say(core, "console:mod", "SCHEDULE")).text


async def test_a_wrong_cron_stops_the_start_with_its_key_path(
    store: Store, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    core = make_core(store, clock, messenger, nps_community(cron="0 25 * * *"))
    with pytest.raises(ValueError, match=r"nps\.cron: '0 25 \* \* \*' is not a crontab expression: field 2"):
        await core.start()


async def test_a_changed_cron_ends_the_old_series(
    store: Store, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    first = make_core(store, clock, messenger, nps_community())
    await first.start()
    second = make_core(store, clock, messenger, nps_community(cron="0 10 15 4,10 *"))
    await second.start()
    await join(second, "alice")
    await survey_starts(second, clock, datetime(2026, 4, 2, 8, 0, tzinfo=UTC))  # the old one's time passed
    assert asked(messenger) == []  # the old schedule's survey does not run
    await survey_starts(second, clock, datetime(2026, 4, 15, 8, 0, tzinfo=UTC))
    assert asked(messenger) == ["console:alice"]


async def test_a_start_woken_before_its_time_waits_for_it(
    core: Core, clock: FakeClock, store: Store, messenger: RecordingMessenger
) -> None:
    """A timer that fires early (a clock stepped back, a job made due by hand) starts no survey."""
    await join(core, "alice")
    async with store.transaction():
        await store.db.execute(
            "UPDATE jobs SET run_at = ? WHERE kind = 'nps_survey'", ("2026-03-02T09:00:00.000000Z",)
        )
    await core.run_due_jobs()
    assert asked(messenger) == [] and await store.db.fetch_all("SELECT id FROM nps_surveys") == []
    await survey_starts(core, clock)
    assert asked(messenger) == ["console:alice"]
