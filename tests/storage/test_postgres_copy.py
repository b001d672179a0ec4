"""`communitybot copy-data`: a community with its history moves from its SQLite file to PostgreSQL, is
checked, and the bot goes on there (members, balances, polls, numbering)."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from bot.copy_data import run_copy, source_path
from handlers.features import FEATURES
from storage.sqlite.backup import DataCareError
from storage.store import Store
from tests.conftest import make_core, say
from tests.fakes import FakeClock, RecordingMessenger


async def community_with_history(path: Path, community) -> None:
    store = await Store.open(path, "test", FEATURES)
    clock = FakeClock()
    core = make_core(store, clock, RecordingMessenger(), community)
    await core.start()
    try:
        for name in ("alice", "bob", "carol"):
            await say(core, f"console:{name}", "JOIN")
        await say(core, "console:mod", "AWARD @alice 40 great review")
        await say(core, "console:mod", "AWARD @bob 15 helped at the tasting")
        await say(core, "console:alice", "KUDOS @carol thanks for the photos")
        await say(core, "console:mod", 'POLL NEW "Next flavour?" | Mango | Yuzu | 1h')
        await say(core, "console:alice", "VOTE 1 2")
        await say(core, "console:bob", "VOTE 1 1")
    finally:
        await core.settle()
        await store.close()


async def test_a_community_moves_to_postgresql_with_its_history_and_goes_on_there(
    tmp_path: Path, postgres_url: str, community
) -> None:
    source = tmp_path / "community.db"
    await community_with_history(source, community)
    before = await Store.open(source, "test")
    try:
        expected = {
            name: (await before.db.fetch_one(f"SELECT count(*) FROM {name}"))[0]
            for name in ("members", "identities", "ledger", "balances", "polls", "poll_ballots", "deliveries")
        }
        alice = await before.members.by_handle("alice")
        assert alice is not None
    finally:
        await before.close()

    assert await run_copy(argparse.Namespace(source=f"sqlite:///{source}", target=postgres_url)) == 0

    after = await Store.open(postgres_url, "test", data_dir=tmp_path)
    clock = FakeClock()
    core = make_core(after, clock, RecordingMessenger(), community)
    await core.start()
    try:
        for name, count in expected.items():
            assert (await after.db.fetch_one(f"SELECT count(*) FROM {name}"))[0] == count, name
        assert expected["ledger"] > 0 and expected["poll_ballots"] == 2
        reply = await say(core, "console:alice", "POINTS")
        assert "40" in reply.text
        polls = await say(core, "console:alice", "POLLS")
        assert "Next flavour?" in polls.text and "your vote: Yuzu" in polls.text
        await say(core, "console:carol", "VOTE 1 1")  # the counters the triggers keep go on from the copy
        voters = await after.db.fetch_one("SELECT voters FROM polls WHERE id = 1")
        assert voters is not None and voters[0] == 3
        # The numbering goes on after the copied ids: new rows collide with none.
        await say(core, "console:dave", "JOIN")
        award = await say(core, "console:mod", "AWARD @dave 5 welcome")
        assert "5" in award.text and "wrong" not in award.text
        await say(core, "console:mod", 'POLL NEW "Next colour?" | Red | Blue | 1h')
        assert "Next colour?" in (await say(core, "console:alice", "POLLS")).text
    finally:
        await core.settle()
        await after.close()


async def test_copy_data_refuses_a_target_that_holds_a_community(tmp_path: Path, postgres_url: str) -> None:
    source = tmp_path / "community.db"
    await (await Store.open(source, "test")).close()  # a new, empty community
    opened = await Store.open(postgres_url, "other", data_dir=tmp_path)
    await opened.close()
    with pytest.raises(DataCareError, match="already holds rows"):
        await run_copy(argparse.Namespace(source=str(source), target=postgres_url))


async def test_copy_data_says_how_to_name_its_source_and_target(tmp_path: Path) -> None:
    assert source_path("sqlite:///data/communitybot.db") == Path("data/communitybot.db")
    assert source_path("sqlite:////srv/bot.db") == Path("/srv/bot.db")
    with pytest.raises(DataCareError, match="sqlite:///path"):
        source_path("mysql://host/db")
    with pytest.raises(DataCareError, match="must be a PostgreSQL URL"):
        await run_copy(argparse.Namespace(source=str(tmp_path / "x.db"), target="sqlite:///y.db"))
    with pytest.raises(DataCareError, match="no SQLite database at"):
        await run_copy(argparse.Namespace(source=str(tmp_path / "x.db"), target="postgresql://h/db"))
