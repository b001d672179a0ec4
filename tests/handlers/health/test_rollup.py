"""The daily roll-up: what members did becomes one row per closed day, caught up after a stop, and
STATS reads it."""

from __future__ import annotations

from datetime import timedelta

from handlers.core import Core
from storage.store import Store
from tests.conftest import chat, say
from tests.fakes import FakeClock
from tests.handlers.health.conftest import PARIS, days, join, roll_up


async def test_a_closed_day_counts_messages_actions_members_and_kudos(
    core: Core, clock: FakeClock, store: Store
) -> None:
    await join(core, "ana", "ben", "cy")
    day = clock.now().astimezone(PARIS).date()
    await chat(core, "console:ana", "hello everyone")
    await chat(core, "console:ana", "what a day")
    await chat(core, "console:ben", "thanks @ana for the tip")
    await say(core, "console:cy", "POINTS")  # a command is participation too
    await roll_up(core, clock)
    [row] = await days(store, day, day)
    assert row.members == 3
    assert row.joined == 3
    assert row.messages == 3
    assert row.active_day == 3  # ana and ben wrote, cy ran a command
    assert row.active_7d == 3
    assert row.kudos == 1
    assert row.points_earned > 0
    assert row.first_messages == 2  # ana's and ben's first messages
    assert row.new == 3  # just joined


async def test_stats_before_any_closed_day_says_when_it_will_have_figures(core: Core) -> None:
    reply = await say(core, "console:mod", "STATS")
    assert "from tomorrow" in reply.text


async def test_stats_is_for_moderators(core: Core) -> None:
    await join(core, "ana")
    reply = await say(core, "console:ana", "STATS")
    assert "moderator" in reply.text.lower()


async def test_a_stop_is_caught_up_day_by_day_once(core: Core, clock: FakeClock, store: Store) -> None:
    await join(core, "ana")
    first = clock.now().astimezone(PARIS).date()
    await chat(core, "console:ana", "day one")
    clock.advance(days=3)  # the bot was down for three nights: one run rolls up every missing day
    await chat(core, "console:ana", "day four")
    await roll_up(core, clock)
    rows = await days(store, first, first + timedelta(days=10))
    assert [r.day for r in rows] == [first + timedelta(days=n) for n in range(4)]
    assert [r.messages for r in rows] == [1, 0, 0, 1]
    assert [r.active_7d for r in rows] == [1, 1, 1, 1]
    await core.run_due_jobs()
    await say(core, "console:mod", "STATS")
    assert len(await days(store, first, first + timedelta(days=10))) == 4  # nothing rolled up twice


async def test_stats_week_compares_with_the_week_before(core: Core, clock: FakeClock, store: Store) -> None:
    await join(core, "ana", "ben")
    for _ in range(7):  # a first week: ana alone writes, once a day
        await chat(core, "console:ana", "morning")
        await roll_up(core, clock)
    await join(core, "cy")
    for _ in range(7):  # a second week: all three write, twice a day
        for who in ("ana", "ben", "cy"):
            await chat(core, f"console:{who}", "morning")
            await chat(core, f"console:{who}", "evening")
        await roll_up(core, clock)
    text = (await say(core, "console:mod", "STATS week")).text
    assert "Members: 3 (+1 joined, −0 left; growth 50% (no figure before))" in text
    assert "Participation: 100% of members active (3) (↑ 50 pts)" in text  # ana alone the week before
    assert "Polls: 0 votes, no poll closed" in text
    assert "Messages: 42 (↑ 500%)" in text


async def test_stats_speaks_the_moderators_language(core: Core, clock: FakeClock) -> None:
    await join(core, "ana", "mod")
    await chat(core, "console:ana", "bonjour")
    await roll_up(core, clock)
    await say(core, "console:mod", "LANGUAGE fr")
    text = (await say(core, "console:mod", "STATS day")).text
    assert text.startswith("Statistiques de la communauté du")
    assert "Membres : 2 (+2 arrivés, −0 partis)" in text
    assert "Participation : 50 % des membres actifs (1)" in text
