"""POINTS, TOP and HISTORY."""

from __future__ import annotations

from datetime import UTC, datetime

from handlers.core import Core
from tests.conftest import say
from tests.fakes import FakeClock
from tests.handlers.points.conftest import give, members


async def test_points_shows_balance_level_rank_next_level_and_kudos(core: Core) -> None:
    await members(core, "alice", "bob")
    await give(core, "alice", 40)
    await give(core, "bob", 12)
    reply = await say(core, "console:bob", "POINTS")
    assert reply.private
    lines = reply.text.splitlines()
    assert lines[0] == "@bob: 12 credits (12 earned in all)"
    assert lines[1] == "Level: Regular (88 more to reach Star)"
    assert lines[2] == "Rank: #2 all-time"
    assert lines[3].startswith("Kudos left to give today: 3 of 3 (resets in ")
    other = await say(core, "console:bob", "POINTS @alice")
    assert other.text.startswith("@alice: 40 credits") and "Kudos left" not in other.text


async def test_top_breaks_ties_stably_and_shows_the_askers_rank(core: Core) -> None:
    names = [f"m{n:02d}" for n in range(12)]
    await members(core, *names)
    for index, name in enumerate(names):
        await give(core, name, 20 if index < 3 else 10 - (index % 5))
    await members(core, "zed")
    await give(core, "zed", 1)
    board = (await say(core, "console:zed", "TOP")).text.splitlines()
    assert board[0] == "Top 10 — all time (credits earned)"
    assert board[1:4] == ["1. @m00 20", "2. @m01 20", "3. @m02 20"]  # ties: who joined first
    assert len(board) == 12 and board[-1] == "You: #13 with 1"
    assert "You:" not in (await say(core, "console:m00", "top")).text


async def test_top_month_counts_this_calendar_month_in_the_community_time_zone(
    core: Core, clock: FakeClock
) -> None:
    await members(core, "alice", "bob")
    clock.set(datetime(2026, 3, 31, 21, 0, tzinfo=UTC))  # 23:00 on 31 March in Paris
    await give(core, "alice", 50)
    clock.set(datetime(2026, 3, 31, 22, 30, tzinfo=UTC))  # 00:30 on 1 April in Paris
    await give(core, "bob", 5)
    month = (await say(core, "console:alice", "TOP month")).text.splitlines()
    assert month[0] == "Top 10 — April 2026 (credits earned)"
    assert month[1:] == ["1. @bob 5", "You: not on this board yet"]
    assert "Usage: TOP [month]" in (await say(core, "console:alice", "TOP year")).text


async def test_history_is_private_to_moderators_for_others(core: Core) -> None:
    await members(core, "alice", "bob")
    await give(core, "bob", 15, "welcoming people")
    own = await say(core, "console:bob", "HISTORY")
    assert own.private and "#1 +15 award by console:mod: welcoming people" in own.text
    refused = await say(core, "console:alice", "HISTORY @bob")
    assert refused.text == "Only moderators can see another member's history. Send HISTORY for yours."
    assert "welcoming people" in (await say(core, "console:mod", "HISTORY @bob")).text
    assert (await say(core, "console:alice", "HISTORY")).text == "@alice has no points entries yet."
