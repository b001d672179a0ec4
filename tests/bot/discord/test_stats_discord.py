"""STATS and SEGMENT on Discord: slash commands for moderators, answered privately; members are refused."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from handlers.health._ports import HEALTH, DayWindow
from handlers.health._segments import local_day_bounds
from handlers.kpis import KpiDay
from storage.store import Store
from tests.bot.discord.conftest import WebhookCall, World, feed, slash_payload
from tests.bot.discord.test_interactions import answers
from tests.fakes import FakeClock

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
PARIS = ZoneInfo("Europe/Paris")


async def seed_day(store: Store, day: date, **figures: int) -> None:
    """A rolled-up day, stored through the health port as the nightly roll-up stores it."""
    start, end = local_day_bounds(day, PARIS)
    window = DayWindow(day, start, end, start - timedelta(days=48), start - timedelta(days=41), 30)
    await store.repository(HEALTH).store(window, KpiDay(day, **figures), {}, datetime.now(ZoneInfo("UTC")))


def texts(calls: list[WebhookCall]) -> list[str]:
    return [text for _, _, text in answers(calls)]


async def test_a_moderator_reads_stats_with_the_slash_command(
    world: World, webhook: list[WebhookCall], store: Store, clock: FakeClock
) -> None:
    yesterday = clock.now().astimezone(PARIS).date() - timedelta(days=1)
    await seed_day(store, yesterday - timedelta(days=7), members=10, active_7d=4, messages=30)
    await seed_day(store, yesterday, members=12, joined=2, active_7d=9, messages=45)
    await feed(world, slash_payload(world, world.members["mod"], "stats", {"period": "week"}))
    [answer] = [t for t in texts(webhook) if "Community stats" in t]
    assert "Members: 12 (+2 joined, −0 left; growth 20% (↑ 20 pts))" in answer
    assert "(counted on 1 day of it so far)" in answer  # this week has one closed day so far
    assert "Participation: 75% of members active (9) (↑ 35 pts)" in answer
    assert "Messages: 45 (↑ 50%)" in answer


async def test_a_member_is_refused_stats_and_segment(world: World, webhook: list[WebhookCall]) -> None:
    for command in ("stats", "segment"):
        webhook.clear()
        await feed(world, slash_payload(world, world.members["alice"], command))
        assert any("for moderators only" in t for t in texts(webhook)), command
