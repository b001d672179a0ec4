"""The broadcast kernel module (handlers.broadcast), driven by the newsletter's NEWSLETTER SEND: every member
who may receive it on WhatsApp gets it at most once, a page at a time, also across a crash mid-page."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime

import pytest

from handlers import broadcast
from handlers.delivery import MessageKind
from handlers.features import community_config
from handlers.models import Identity, MemberStatus
from storage.sqlite.broadcasts import SqliteBroadcasts
from storage.store import Store
from tests.conftest import make_core, say
from tests.engines import Raw
from tests.fakes import FakeClock, RecordingMessenger
from tests.handlers.newsletter.conftest import NEWSLETTER_COMMUNITY

PHONES = [f"whatsapp:+336000000{n:02d}" for n in range(1, 8)]


class Crash(Exception):
    """The process died in the middle of a page: its transaction never commits."""


def received(messenger: RecordingMessenger) -> Counter[str]:
    return Counter(str(m.to) for m in messenger.sent if m.kind is MessageKind.NEWSLETTER)


async def reached(store: Store) -> int:
    row = await store.db.fetch_one("SELECT count(*) FROM broadcast_deliveries")
    assert row is not None
    return int(row[0])


async def send_issue(
    store: Store, clock: FakeClock, messenger: RecordingMessenger, monkeypatch: pytest.MonkeyPatch
):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(broadcast, "PAGE", 2)  # 7 members: four pages, the first with the issue itself
    core = make_core(store, clock, messenger, community_config(NEWSLETTER_COMMUNITY))
    await core.start()
    for phone in PHONES:
        await say(core, phone, "JOIN")
    await say(core, PHONES[3], "STOP")
    await say(core, "console:mod", "NEWSLETTER ADD One")
    await say(core, "console:mod", "NEWSLETTER ADD Two")
    await say(core, "console:mod", "NEWSLETTER SEND")
    return core


async def test_pages_reach_every_opted_in_member_once(
    store: Store, clock: FakeClock, messenger: RecordingMessenger, monkeypatch: pytest.MonkeyPatch
) -> None:
    core = await send_issue(store, clock, messenger, monkeypatch)
    assert sum(received(messenger).values()) == 2  # the first page, with the issue's own transaction
    assert await core.run_due_jobs() == 3
    opted_in = [p for p in PHONES if p != PHONES[3]]
    assert received(messenger) == Counter(opted_in)  # once each; STOP withheld by the delivery policy
    assert await reached(store) == len(PHONES)  # handed over once each (the policy decides after)
    # A page job run again (a replay, a second scheduler) reaches nobody a second time.
    async with store.transaction():
        await core.services.jobs.schedule("newsletter_page", clock.now(), {"broadcast": 1, "after": 0}, "x")
    await core.run_due_jobs()
    assert received(messenger) == Counter(opted_in)


async def test_a_send_interrupted_mid_page_resumes_where_it_stopped_and_repeats_nobody(
    store: Store, clock: FakeClock, messenger: RecordingMessenger, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = SqliteBroadcasts.record
    calls = 0

    async def crashing(
        self: SqliteBroadcasts, broadcast_id: int, member_ids: Sequence[int], now: datetime
    ) -> set[int]:
        nonlocal calls
        calls += 1
        fresh = await record(self, broadcast_id, member_ids, now)  # the page's rows are written...
        if calls == 3:
            raise Crash()  # ...and the process dies before the page's transaction commits
        return fresh

    monkeypatch.setattr(SqliteBroadcasts, "record", crashing)
    core = await send_issue(store, clock, messenger, monkeypatch)
    await core.run_due_jobs()  # page 2 commits, page 3 crashes: rolled back with its outbox rows
    assert await reached(store) == 4
    assert received(messenger) == Counter(PHONES[:3])  # pages 1 and 2 (its second member sent STOP)
    monkeypatch.setattr(SqliteBroadcasts, "record", record)  # the bot restarts
    clock.advance(minutes=10)  # the failed page's retry is due
    await core.run_due_jobs()
    opted_in = [p for p in PHONES if p != PHONES[3]]
    assert received(messenger) == Counter(opted_in)
    assert await reached(store) == len(PHONES)


async def test_a_member_is_refused_a_second_delivery_by_the_database(store: Store) -> None:
    repo = store.repository(broadcast.BROADCASTS)
    now = datetime.fromisoformat("2026-03-02T09:00:00+00:00")
    async with store.transaction():
        made, new = await repo.open("test:1", "whatsapp", MessageKind.NEWSLETTER, {}, now)
        again, second = await repo.open("test:1", "whatsapp", MessageKind.NEWSLETTER, {}, now)
    assert new and not second and again.id == made.id
    async with store.transaction():
        member = await store.members.create(Identity.parse("console:a"), "a", "a", MemberStatus.MEMBER, now)
    async with store.transaction():
        assert await repo.record(made.id, [member.id], now) == {member.id}
        assert await repo.record(made.id, [member.id], now) == set()
    refused = await Raw(store).refused(
        "INSERT INTO broadcast_deliveries (broadcast_id, member_id, sent_at) VALUES (?, ?, ?)",
        (made.id, member.id, "2026-03-02T09:00:00.000000Z"),
    )
    assert refused == "UNIQUE"
    assert await repo.reached(made.id) == 1
