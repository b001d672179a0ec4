"""The writer's lock: arrival order, except the lane that goes first; a waiter that gives up loses nothing
for the others."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from storage.sqlite.database import Database
from storage.sqlite.turns import TurnLock


async def turns(lock: TurnLock, order: list[str], name: str, first: bool = False) -> None:
    await lock.acquire(first)
    order.append(name)
    await asyncio.sleep(0)
    lock.release()


async def test_waiters_take_turns_in_arrival_order_and_the_first_lane_goes_before_them() -> None:
    lock, order = TurnLock(), []
    await lock.acquire()
    tasks = [asyncio.create_task(turns(lock, order, name)) for name in ("a", "b")]
    tasks.append(asyncio.create_task(turns(lock, order, "webhook1", first=True)))
    tasks.append(asyncio.create_task(turns(lock, order, "c")))
    tasks.append(asyncio.create_task(turns(lock, order, "webhook2", first=True)))
    await asyncio.sleep(0)
    lock.release()
    await asyncio.gather(*tasks)
    assert order == ["webhook1", "webhook2", "a", "b", "c"]
    assert not lock.locked()


async def test_a_waiter_cancelled_before_or_after_its_turn_came_leaves_the_lock_to_the_next() -> None:
    lock, order = TurnLock(), []
    await lock.acquire()
    gone = asyncio.create_task(lock.acquire())
    after = asyncio.create_task(turns(lock, order, "after"))
    await asyncio.sleep(0)
    gone.cancel()  # still waiting: taken out of the queue
    await asyncio.sleep(0)
    lock.release()
    await after
    assert order == ["after"] and not lock.locked()

    await lock.acquire()
    handed = asyncio.create_task(lock.acquire())
    later = asyncio.create_task(turns(lock, order, "later"))
    await asyncio.sleep(0)
    lock.release()  # handed to `handed`, which is cancelled before it runs: it passes the lock on
    handed.cancel()
    await later
    with pytest.raises(asyncio.CancelledError):
        await handed
    assert order == ["after", "later"] and not lock.locked()
    with pytest.raises(RuntimeError, match="not held"):
        lock.release()


async def test_a_unit_that_goes_first_is_written_before_the_units_waiting_and_in_their_batch(
    tmp_path: Path,
) -> None:
    db = await Database.open(tmp_path / "first.db")
    async with db.transaction():
        await db.execute("CREATE TABLE seen (name TEXT)")
    order: list[str] = []
    holding, go = asyncio.Event(), asyncio.Event()

    async def unit(name: str, first: bool = False, hold: bool = False) -> None:
        async with db.transaction(first=first):
            await db.execute("INSERT INTO seen VALUES (?)", (name,))
            order.append(name)
            if hold:
                holding.set()
                await go.wait()

    holder = asyncio.create_task(unit("command0", hold=True))
    await holding.wait()
    waiting = [asyncio.create_task(unit(f"command{n}")) for n in (1, 2, 3)]
    await asyncio.sleep(0)
    webhook = asyncio.create_task(unit("webhook", first=True))
    await asyncio.sleep(0)
    go.set()
    await asyncio.gather(holder, webhook, *waiting)
    assert order == ["command0", "webhook", "command1", "command2", "command3"]
    rows = await db.fetch_all("SELECT name FROM seen")
    assert sorted(row[0] for row in rows) == sorted(order)  # each durable
    await db.close()
