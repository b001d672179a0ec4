from __future__ import annotations

from datetime import timedelta

import pytest

from handlers.models import Choice, Identity, MemberStatus
from storage.store import Store
from tests.fakes import START

ALICE = Identity.parse("console:alice")


async def test_member_round_trip_and_handles_stay_unique(store: Store) -> None:
    async with store.transaction():
        first = await store.members.create(ALICE, "Alice", "alice", MemberStatus.MEMBER, START)
        second = await store.members.create(
            Identity.parse("whatsapp:+15550002222"), "Alice B", "alice", MemberStatus.PENDING, START
        )
    assert (first.handle, second.handle) == ("alice", "alice2")
    found = await store.members.by_identity(ALICE)
    assert found == first
    assert found is not None and found.joined_at == START
    assert await store.members.by_handle("ALICE2") == second


async def test_status_change_keeps_the_member(store: Store) -> None:
    async with store.transaction():
        member = await store.members.create(ALICE, "Alice", "alice", MemberStatus.MEMBER, START)
        left = await store.members.set_status(member.id, MemberStatus.LEFT, START + timedelta(days=1))
    assert left.status is MemberStatus.LEFT
    assert left.left_at == START + timedelta(days=1)
    assert (await store.members.count_by_status())[MemberStatus.LEFT] == 1


async def test_rows_are_scoped_to_their_community(store: Store, tmp_path) -> None:
    async with store.transaction():
        await store.members.create(ALICE, "Alice", "alice", MemberStatus.MEMBER, START)
    other = await Store.open(store.where, "other-community", data_dir=tmp_path)
    try:
        assert other.community_id != store.community_id
        assert await other.members.by_identity(ALICE) is None
    finally:
        await other.close()


async def test_a_failed_transaction_writes_nothing(store: Store) -> None:
    with pytest.raises(RuntimeError):
        async with store.transaction():
            await store.members.create(ALICE, "Alice", "alice", MemberStatus.MEMBER, START)
            raise RuntimeError("boom")
    assert await store.members.by_identity(ALICE) is None


async def test_choices_expire_and_are_replaced(store: Store) -> None:
    async with store.transaction():
        await store.choices.offer(ALICE, [Choice("Yes", "AGREE")], START)
        assert await store.choices.pending(ALICE, START - timedelta(hours=1)) == [Choice("Yes", "AGREE")]
        assert await store.choices.pending(ALICE, START + timedelta(seconds=1)) == []
        await store.choices.clear(ALICE)
        assert await store.choices.pending(ALICE, START - timedelta(hours=1)) == []


async def test_inbox_accepts_a_message_id_once(store: Store) -> None:
    async with store.transaction():
        assert await store.inbox.first_time(ALICE, "m1", START)
        assert not await store.inbox.first_time(ALICE, "m1", START)
        assert await store.inbox.first_time(Identity.parse("discord:123456"), "m1", START)


async def test_jobs_come_due_in_time_order_and_keys_are_unique(store: Store) -> None:
    async with store.transaction():
        jobs = store.jobs
        assert await jobs.schedule("b", START + timedelta(hours=2), {"n": 2})
        assert await jobs.schedule("a", START + timedelta(hours=1), {"n": 1}, key="only-once")
        assert not await jobs.schedule("a", START + timedelta(hours=5), {"n": 9}, key="only-once")
        assert await jobs.next_run_at() == START + timedelta(hours=1)
        assert await jobs.due(START, 10) == []
        due = await jobs.due(START + timedelta(hours=3), 10)
        assert [j.payload["n"] for j in due] == [1, 2]
        await jobs.finish(due[0].id, START)
        await jobs.fail(due[1].id, "boom", None, START)
        assert await jobs.next_run_at() is None
