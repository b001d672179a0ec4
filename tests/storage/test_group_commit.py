"""The group-commit writer: callers share a batch, hear of its outcome together, and never wait long."""

from __future__ import annotations

import asyncio
import time
from functools import partial

import pytest

from storage.sqlite import group_commit
from storage.sqlite.group_commit import GroupCommitWriter


class Recorder:
    def __init__(self, fail: bool = False) -> None:
        self.batches: list[list[str]] = []
        self.fail = fail

    async def flush(self, rows: list[str]) -> list[bool]:
        self.batches.append(list(rows))
        if self.fail:
            raise OSError("disk full")
        return [not row.startswith("old") for row in rows]


async def busy_flush(per_row: float, rows: list[str]) -> list[bool]:
    """A flush that keeps the loop busy for `per_row` seconds a row, as SQLite's work does."""
    done = time.perf_counter() + len(rows) * per_row
    while time.perf_counter() < done:
        pass
    return [True] * len(rows)


async def test_callers_in_one_batch_share_one_commit_and_read_their_own_rows() -> None:
    recorder = Recorder()
    writer: GroupCommitWriter[str, bool] = GroupCommitWriter(recorder.flush)
    first, start_a = writer.submit(["a1", "old-a2"])
    second, start_b = writer.submit(["b1"])
    assert first is second and (start_a, start_b) == (0, 2)
    assert await writer.write(["old-c1", "c2"]) == [False, True]
    assert recorder.batches == [["a1", "old-a2", "b1", "old-c1", "c2"]]
    assert (await first)[start_a : start_a + 2] == [True, False]
    await writer.close()


async def test_a_failed_commit_reaches_every_caller_and_the_writer_goes_on() -> None:
    recorder = Recorder(fail=True)
    writer: GroupCommitWriter[str, bool] = GroupCommitWriter(recorder.flush)
    batch, _ = writer.submit(["a"])
    with pytest.raises(OSError, match="disk full"):
        await writer.write(["b"])
    assert isinstance(batch.exception(), OSError)
    recorder.fail = False
    assert await writer.write(["c"]) == [True]
    await writer.close()


async def test_a_small_batch_lingers_but_settle_and_close_write_it_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(group_commit, "LINGER_SECONDS", 5.0)
    recorder = Recorder()
    writer: GroupCommitWriter[str, bool] = GroupCommitWriter(recorder.flush)
    writer.submit(["a"])
    await asyncio.sleep(0.05)
    assert recorder.batches == []  # still lingering for company
    began = time.monotonic()
    await writer.settle()
    assert recorder.batches == [["a"]] and time.monotonic() - began < 1
    writer.submit(["b"])
    await writer.close()
    assert recorder.batches == [["a"], ["b"]]


async def test_a_full_batch_does_not_linger(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(group_commit, "LINGER_SECONDS", 5.0)
    recorder = Recorder()
    writer: GroupCommitWriter[str, bool] = GroupCommitWriter(recorder.flush)
    writer.full_rows = 3
    assert await asyncio.wait_for(writer.write(["a", "b", "c"]), 1) == [True, True, True]
    await writer.close()


async def test_a_batch_is_full_at_what_the_flush_budget_writes_at_the_measured_cost() -> None:
    per_row = 50e-6  # a slow disk: 400 rows take 20 ms
    writer: GroupCommitWriter[str, bool] = GroupCommitWriter(partial(busy_flush, per_row))
    first = writer.full_rows
    for batch in range(12):
        await writer.write([f"{batch}-{n}" for n in range(400)])
    expected = group_commit.FLUSH_BUDGET_SECONDS / per_row
    assert first > writer.full_rows and 0.8 * expected <= writer.full_rows <= 1.2 * expected
    assert not writer.backlogged
    writer.submit(["x"] * writer.full_rows)
    assert writer.backlogged  # producers now wait for this batch before they add more
    await writer.settle()
    learned = writer.full_rows
    await writer.write(["tiny"])  # a batch too small to show the cost per row teaches nothing
    assert writer.full_rows == learned
    await writer.close()


async def test_rows_added_after_a_batch_filled_are_counted_against_the_next_ones() -> None:
    per_row = 50e-6
    writer: GroupCommitWriter[str, bool] = GroupCommitWriter(partial(busy_flush, per_row))
    for batch in range(20):  # 100 events in flight each add a row before they see the batch is full
        full = writer.full_rows
        writer.submit([f"{batch}-{n}" for n in range(full)])
        for event in range(100):
            writer.submit([f"{batch}-late-{event}"])
        await writer.settle()
    budget_rows = group_commit.FLUSH_BUDGET_SECONDS / per_row
    assert budget_rows - 100 * 1.3 <= writer.full_rows <= budget_rows - 100 * 0.7
    await writer.close()


async def test_no_rows_need_no_commit() -> None:
    recorder = Recorder()
    writer: GroupCommitWriter[str, bool] = GroupCommitWriter(recorder.flush)
    assert await writer.write([]) == []
    await writer.close()
    assert recorder.batches == []


async def test_a_closed_writer_refuses_rows() -> None:
    writer: GroupCommitWriter[str, bool] = GroupCommitWriter(Recorder().flush)
    await writer.close()
    with pytest.raises(RuntimeError):
        writer.submit(["late"])
