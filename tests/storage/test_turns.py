"""Who writes when: marks never join a command's unit, BEGIN never blocks the loop, and the outbox gets its
turns while commands keep coming."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from handlers.models import Identity
from handlers.ports import StorageUnavailable
from storage.sqlite import database
from storage.sqlite.database import Database
from storage.sqlite.outbox import NewOutbound
from storage.store import Store

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
ANA = Identity.parse("whatsapp:+15550001234")


async def test_a_mark_of_its_own_refuses_to_join_an_open_unit(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "turns.db")

    async def nothing() -> None:
        pass

    async with db.transaction():
        with pytest.raises(RuntimeError, match="unit of its own"):
            async with db.transaction(own=True):
                pass
        with pytest.raises(RuntimeError, match="cannot join"):
            await db.run_transaction(nothing, marks=True)
    async with db.transaction(own=True):  # outside a unit it is one
        pass
    await db.close()


async def test_begin_waits_for_another_process_between_awaits_and_gives_up_after_the_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "turns.db"
    db = await Database.open(path)
    await db.execute("CREATE TABLE t (name TEXT)")
    other = sqlite3.connect(path, isolation_level=None)  # another process's connection, holding the lock
    other.execute("BEGIN IMMEDIATE")
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.005)

    async def unit() -> None:
        async with db.transaction():
            await db.execute("INSERT INTO t VALUES ('written')")

    beating = asyncio.create_task(ticker())
    waiting = asyncio.create_task(unit())
    await asyncio.sleep(0.2)
    assert not waiting.done() and ticks > 5  # the loop went on while the unit waited for the lock
    other.execute("ROLLBACK")
    await asyncio.wait_for(waiting, 5)
    assert db.connection is not None and (await db.fetch_one("SELECT name FROM t"))[0] == "written"  # type: ignore[index]

    monkeypatch.setattr(database, "BUSY_TIMEOUT", 0.1)
    other.execute("BEGIN IMMEDIATE")
    with pytest.raises(StorageUnavailable, match="locked"):
        await unit()
    other.execute("ROLLBACK")
    await unit()  # and the next one goes through
    beating.cancel()
    other.close()
    await db.close()


async def test_the_outbox_gets_its_turns_while_commands_keep_coming(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "turns.db", "test")
    await store.db.execute("CREATE TABLE scratch (n INTEGER)")
    stop = asyncio.Event()

    async def commands(worker: int) -> int:
        done = 0
        while not stop.is_set():  # back to back: every unit hands the batch on to the next
            async with store.transaction():
                await store.db.execute("INSERT INTO scratch VALUES (?)", (worker,))
            done += 1
        return done

    async def hand_overs() -> list[int]:
        rows = []
        for n in range(20):
            entry = NewOutbound("whatsapp:+14155238886", ANA, "reply", "text", f"answer {n}")
            row_id = await store.outbox.add(entry, NOW, delivery_id=None)
            await store.outbox.begin_part(row_id, NOW)
            await store.outbox.part_sent(row_id, 1, f"SM{n:032x}", "queued", NOW)
            rows.append(row_id)
        return rows

    workers = [asyncio.create_task(commands(n)) for n in range(50)]
    rows = await hand_overs()
    stop.set()
    assert sum(await asyncio.gather(*workers)) > 0
    states = await store.db.fetch_all("SELECT state FROM outbox ORDER BY id")
    assert [r[0] for r in states] == ["sent"] * 20 and len(rows) == 20
    await store.close()
