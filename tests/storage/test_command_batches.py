"""Group commit for commands: units that arrive together share one durable transaction, each in its own
savepoint, and none is told anything before the COMMIT is durable."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from handlers.core import Core
from handlers.delivery import Delivery
from handlers.features import community_config
from storage import units
from storage.sqlite.database import Database
from storage.store import Store
from tests.conftest import make_core, say
from tests.engines import committed
from tests.fakes import FakeClock, RecordingMessenger


async def _table(tmp_path: Path) -> Database:
    db = await Database.open(tmp_path / "batch.db")
    await db.execute("CREATE TABLE t (name TEXT PRIMARY KEY)")
    return db


def committed_names(path: Path) -> list[str]:
    """What another connection sees: only what is committed."""
    with sqlite3.connect(path) as other:
        return [row[0] for row in other.execute("SELECT name FROM t ORDER BY name")]


class Counting:
    """The writer connection, counting COMMITs (or failing them, as a full disk would)."""

    def __init__(self, inner: sqlite3.Connection, fail_commit: bool = False) -> None:
        self.inner, self.fail_commit, self.commits = inner, fail_commit, 0

    def execute(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        if sql == "COMMIT":
            self.commits += 1
            if self.fail_commit:
                raise sqlite3.OperationalError("disk I/O error")
        return self.inner.execute(sql, params)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


async def _units(db: Database, *plans: tuple[str, bool]) -> list[BaseException | None]:
    """Run one unit per (name, fails) at once, the first holding the transaction until all are waiting."""
    started = asyncio.Event()

    async def unit(name: str, fails: bool, first: bool) -> None:
        async with db.transaction():
            await db.execute("INSERT INTO t (name) VALUES (?)", (name,))
            if first:
                started.set()
                await asyncio.sleep(0.01)  # the others queue up meanwhile: one batch
            if fails:
                raise ValueError(name)

    first = asyncio.ensure_future(unit(*plans[0], True))
    await started.wait()
    rest = [asyncio.ensure_future(unit(name, fails, False)) for name, fails in plans[1:]]
    results = await asyncio.gather(first, *rest, return_exceptions=True)
    return [r if isinstance(r, BaseException) else None for r in results]


async def test_a_failing_unit_in_the_middle_of_a_batch_writes_nothing_and_the_others_are_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(units, "BATCH_BUDGET", 5.0)  # however slow the machine, one batch
    db = await _table(tmp_path)
    counting = Counting(db._writer)
    db._writer = counting  # type: ignore[assignment]
    results = await _units(db, ("a", False), ("b", True), ("c", False), ("d", False))
    assert [type(r).__name__ if r else None for r in results] == [None, "ValueError", None, None]
    assert committed_names(tmp_path / "batch.db") == ["a", "c", "d"]
    assert counting.commits == 1  # one durable COMMIT for the four units
    await db.close()


async def test_a_failing_first_unit_does_not_take_the_others_with_it(tmp_path: Path) -> None:
    db = await _table(tmp_path)
    results = await _units(db, ("a", True), ("b", False))
    assert isinstance(results[0], ValueError) and results[1] is None
    assert committed_names(tmp_path / "batch.db") == ["b"]
    await db.close()


async def test_a_commit_failure_tells_every_unit_of_the_batch_and_nothing_is_kept(tmp_path: Path) -> None:
    db = await _table(tmp_path)
    db._writer = Counting(db._writer, fail_commit=True)  # type: ignore[assignment]
    results = await _units(db, ("a", False), ("b", False), ("c", True))
    assert [type(r).__name__ for r in results] == ["StorageUnavailable", "StorageUnavailable", "ValueError"]
    assert committed_names(tmp_path / "batch.db") == []
    db._writer = db._writer.inner  # type: ignore[attr-defined]
    async with db.transaction():  # the connection is usable again
        await db.execute("INSERT INTO t (name) VALUES ('later')")
    assert committed_names(tmp_path / "batch.db") == ["later"]
    await db.close()


async def test_a_lone_unit_commits_at_once_and_units_see_those_before_them(tmp_path: Path) -> None:
    db = await _table(tmp_path)
    async with db.transaction():
        await db.execute("INSERT INTO t (name) VALUES ('alone')")
    assert committed_names(tmp_path / "batch.db") == ["alone"]  # durable when the unit returned
    seen: list[int] = []

    async def counts() -> None:
        async with db.transaction():
            row = await db.fetch_one("SELECT count(*) FROM t")
            assert row is not None
            seen.append(row[0])
            await db.execute("INSERT INTO t (name) VALUES (?)", (f"n{row[0]}",))

    await asyncio.gather(*(counts() for _ in range(5)))
    assert seen == [1, 2, 3, 4, 5]  # in arrival order, each seeing what the ones before it wrote
    await db.close()


async def test_a_unit_never_returns_before_its_batch_is_durable(tmp_path: Path) -> None:
    db = await _table(tmp_path)

    async def unit(name: str) -> list[str]:
        async with db.transaction():
            await db.execute("INSERT INTO t (name) VALUES (?)", (name,))
        return committed_names(tmp_path / "batch.db")  # what the unit could tell anyone

    seen = await asyncio.gather(*(unit(f"u{n}") for n in range(20)))
    assert all(f"u{n}" in names for n, names in enumerate(seen))
    await db.close()


async def _closed_loop(db: Database, workers: int, rounds: int) -> None:
    """`workers` callers, each running `rounds` units one after another (a command starts when its last
    one was answered), as commands in flight do."""

    async def worker(n: int) -> None:
        for r in range(rounds):
            async with db.transaction():
                await db.execute("INSERT INTO t (name) VALUES (?)", (f"w{n}r{r}",))

    await asyncio.gather(*(worker(n) for n in range(workers)))


async def test_units_woken_by_a_commit_share_the_next_batch_rather_than_one_committing_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # However slow the machine, batches end only for want of units.
    monkeypatch.setattr(units, "BATCH_BUDGET", 5.0)
    db = await _table(tmp_path)
    counting = Counting(db._writer)
    db._writer = counting  # type: ignore[assignment]
    await _closed_loop(db, workers=10, rounds=6)
    # Without lingering the first unit woken by a COMMIT found nobody waiting yet and committed alone:
    # about two COMMITs a round. Now a round of ten is one batch.
    assert counting.commits <= 6 + 1
    assert len(committed_names(tmp_path / "batch.db")) == 60
    await db.close()


async def test_a_lone_unit_commits_without_waiting_for_the_loop(tmp_path: Path) -> None:
    db = await _table(tmp_path)
    await _closed_loop(db, workers=5, rounds=2)  # crowded batches: the load was on
    async with db.transaction():  # alone (it lingers, nobody comes): the load is over
        await db.execute("INSERT INTO t (name) VALUES ('a')")
    turned: list[bool] = []
    commit = db._commit

    async def watched() -> None:
        turned.append(bool(ran))  # whether the loop ran anything between the unit's end and its COMMIT
        await commit()

    db._commit = watched  # type: ignore[method-assign]
    for name in ("b", "c"):  # one at a time: each commits before the loop runs anything else
        ran: list[bool] = []
        async with db.transaction():
            await db.execute("INSERT INTO t (name) VALUES (?)", (name,))
            asyncio.get_running_loop().call_soon(ran.append, True)
    assert turned == [False, False]
    await db.close()


async def test_a_unit_cancelled_while_its_batch_lingers_still_commits_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(units, "BATCH_BUDGET", 5.0)
    monkeypatch.setattr(units, "LINGER_TURNS", 10_000)  # it lingers until cancelled
    db = await _table(tmp_path)
    await _units(db, ("x", False), ("y", False))  # a batch of two: the load is on, the next lingers
    in_batch, release = asyncio.Event(), asyncio.Event()

    async def first() -> None:
        async with db.transaction():
            await db.execute("INSERT INTO t (name) VALUES ('kept')")
            in_batch.set()
            await release.wait()

    async def second() -> None:
        async with db.transaction():
            await db.execute("INSERT INTO t (name) VALUES ('lingered')")

    keeper = asyncio.ensure_future(first())
    await in_batch.wait()
    victim = asyncio.ensure_future(second())
    await asyncio.sleep(0)  # the second waits for the writer
    release.set()
    for _ in range(20):  # the first hands the batch on; the second's unit runs, ends, and lingers
        await asyncio.sleep(0)
    assert not keeper.done() and not victim.done()
    victim.cancel()
    with pytest.raises(asyncio.CancelledError):
        await victim
    await keeper  # told that its batch is durable, not that it failed
    assert {"kept", "lingered"} <= set(committed_names(tmp_path / "batch.db"))
    async with db.transaction():  # and the writer is free again
        await db.execute("INSERT INTO t (name) VALUES ('after')")
    assert "after" in committed_names(tmp_path / "batch.db")
    await db.close()


# -- through the core ---------------------------------------------------------------------------------


@pytest.fixture
async def shop_core(store: Store, clock: FakeClock, messenger: RecordingMessenger) -> Core:
    community = community_config(
        {
            "community": {"name": "Test Club", "timezone": "Europe/Paris"},
            "roles": {"moderators": ["console:mod"]},
            "shop": {"items": [{"key": "mug", "name": "The last mug", "cost": 5, "stock": 1}]},
        }
    )
    core = make_core(store, clock, messenger, community)
    await core.start()
    for name in ("ana", "bo"):
        await say(core, f"console:{name}", "JOIN")
        await say(core, "console:mod", f"AWARD @{name} 10 welcome gift")
    return core


async def test_the_last_item_redeemed_by_two_members_in_one_batch_goes_to_exactly_one(
    shop_core: Core, store: Store
) -> None:
    first, second = await asyncio.gather(
        say(shop_core, "console:ana", "REDEEM mug"), say(shop_core, "console:bo", "REDEEM mug")
    )
    texts = [first.text, second.text]
    assert sum("You redeemed The last mug" in t for t in texts) == 1, texts
    row = await store.db.fetch_one("SELECT count(*) FROM redemptions")
    assert row is not None and row[0] == 1


async def test_a_replayed_message_inside_one_batch_counts_once(shop_core: Core, store: Store) -> None:
    award = [say(shop_core, "console:mod", "AWARD @ana 7 the photos", message_id="m-1") for _ in range(2)]
    replies = await asyncio.gather(*award, return_exceptions=True)
    assert sum(not isinstance(r, BaseException) for r in replies) >= 1
    row = await store.db.fetch_one("SELECT count(*) FROM ledger WHERE reason = 'the photos'")
    assert row is not None and row[0] == 1


async def test_nothing_is_announced_before_the_commit(store: Store, clock: FakeClock, tmp_path: Path) -> None:
    """Each message, when it is handed to a platform, tells of what another connection already sees."""
    seen: list[tuple[str, int]] = []

    class Checking(RecordingMessenger):
        async def deliver(self, delivery: Delivery) -> None:
            count = await committed(store, "SELECT count(*) FROM ledger WHERE kind = 'award'")
            seen.append((delivery.reply.text, count))
            await super().deliver(delivery)

    community = community_config(
        {"community": {"name": "Test Club"}, "roles": {"moderators": ["console:mod"]}}
    )
    core = make_core(store, clock, Checking(), community)
    await core.start()
    await asyncio.gather(*(say(core, f"console:m{n}", "JOIN") for n in range(10)))
    awards = [say(core, "console:mod", f"AWARD @m{n} {n + 1} for the tasting") for n in range(10)]
    await asyncio.gather(*awards)
    notices = [(text, count) for text, count in seen if "You were awarded" in text]
    assert len(notices) == 10
    # the n-th award's notice is only sent once at least n awards are committed
    for text, count in notices:
        awarded = int(text.split("awarded ")[1].split(" ")[0])
        assert count >= awarded, (text, count)


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)  # it fails SQLite's own COMMIT
async def test_storage_trouble_at_commit_reaches_the_asker_as_nothing_changed(
    shop_core: Core, store: Store
) -> None:
    store.db._writer = Counting(store.db._writer, fail_commit=True)  # type: ignore[assignment]
    reply = await say(shop_core, "console:mod", "AWARD @ana 3 a broken disk")
    store.db._writer = store.db._writer.inner  # type: ignore[attr-defined]
    assert "nothing was changed" in reply.text
    row = await store.db.fetch_one("SELECT count(*) FROM ledger WHERE reason = 'a broken disk'")
    assert row is not None and row[0] == 0


async def test_a_unit_in_a_savepoint_keeps_its_page_copies_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A unit after the first of a batch runs in a savepoint, whose journal copies every page it changes.
    Past 64 KiB SQLite spilled that journal to a temporary file (about ten writes per command): it stays in
    memory (temp_store = MEMORY). SQLite unlinks its temporary files at once: they show only as open fds."""
    monkeypatch.setattr(units, "BATCH_BUDGET", 5.0)  # however slow the machine, one batch
    db = await _table(tmp_path)
    async with db.transaction():  # about 200 KiB of pages for the savepoint to change
        for n in range(200):
            await db.execute("INSERT INTO t (name) VALUES (?)", (f"{n:04d}" + "x" * 1000,))
    seen: list[str] = []

    def temporary_files() -> list[str]:
        found = []
        for fd in Path("/proc/self/fd").iterdir():
            try:
                target = str(fd.readlink())
            except OSError:
                continue
            if "etilqs_" in target:  # SQLite's name for its temporary files
                found.append(target)
        return found

    first_in = asyncio.Event()

    async def first() -> None:
        async with db.transaction():
            await db.execute("INSERT INTO t (name) VALUES ('first')")
            first_in.set()
            await asyncio.sleep(0.01)  # the second queues up meanwhile: one batch

    async def second() -> None:
        await first_in.wait()
        async with db.transaction():  # joins the first's batch: a savepoint
            await db.execute("UPDATE t SET name = upper(name) WHERE name != 'first'")
            seen.extend(temporary_files())

    try:
        await asyncio.gather(first(), second())
        names = committed_names(tmp_path / "batch.db")
        assert len(names) == 201 and names[0] == "0000" + "X" * 1000
        assert seen == []
    finally:
        await db.close()
