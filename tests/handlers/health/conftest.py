from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from handlers.core import Core
from handlers.features import community_config
from handlers.health._ports import HEALTH
from handlers.kpis import KpiDay
from handlers.settings import CommunityConfig
from storage.store import Store
from tests.conftest import say
from tests.fakes import FakeClock

PARIS = ZoneInfo("Europe/Paris")
HEALTH_COMMUNITY = {
    "community": {"name": "Test Club", "timezone": "Europe/Paris"},
    "roles": {"moderators": ["console:mod"]},
    "channels": {"moderators": "mods"},
    "health": {"winback": True, "at_risk_days": 14, "dormant_days": 45, "new_days": 14, "champion_days": 12},
}


@pytest.fixture
def community() -> CommunityConfig:
    return community_config(HEALTH_COMMUNITY)


async def join(core: Core, *names: str) -> None:
    for name in names:
        await say(core, f"console:{name}", "JOIN")


def next_rollup(clock: FakeClock) -> None:
    """To 00:06 local time of the next day: the day before has closed and its roll-up is due."""
    local = clock.now().astimezone(PARIS)
    following = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), PARIS)
    clock.set((following + timedelta(minutes=6)).astimezone(ZoneInfo("UTC")))


async def roll_up(core: Core, clock: FakeClock) -> None:
    """Close the day: the roll-up job runs, in the background, and is waited for."""
    next_rollup(clock)
    await core.run_due_jobs()
    await core.settle()


async def days(store: Store, since: date, until: date) -> list[KpiDay]:
    repo = store.repository(HEALTH)
    return await repo.days(since, until)
