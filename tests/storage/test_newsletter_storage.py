"""The newsletter's and the broadcasts' tables against a real database file: the invariants the database
itself holds, and member merges."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from handlers.broadcast import BROADCASTS
from handlers.delivery import MessageKind
from handlers.models import Identity, MemberStatus
from handlers.newsletter._models import AnnouncementDraft, Compiled, IssueState, PickKind, PickState
from handlers.newsletter._ports import NEWSLETTER
from storage.store import Store
from tests.engines import Raw

NOW = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
PICK = "INSERT INTO newsletter_picks (community_id, kind, text, state, created_at)"


def compiled(days: int) -> Compiled:
    since = NOW - timedelta(days=days)
    return Compiled(since, NOW, {"en": "issue"}, {"en": "summary"}, 3)


async def test_sent_issues_are_numbered_and_skipped_weeks_are_not(store: Store) -> None:
    repo = store.repository(NEWSLETTER)
    async with store.transaction():
        first = await repo.add_issue(compiled(7), IssueState.SENT, NOW)
        skipped = await repo.add_issue(compiled(1), IssueState.SKIPPED, NOW)
        second = await repo.add_issue(compiled(1), IssueState.SENT, NOW)
    assert (first.number, skipped.number, second.number) == (1, None, 2)
    latest = await repo.latest()
    assert latest is not None and latest.number == 2
    assert [i.number for i in await repo.issues(10)] == [2, 1]
    assert await repo.last_until() == NOW


async def test_picks_are_published_once_with_the_next_sent_issue(store: Store) -> None:
    repo = store.repository(NEWSLETTER)
    async with store.transaction():
        added = await repo.add_pick(PickKind.ADDED, "A highlight", None, NOW)
        guest = await repo.add_pick(PickKind.GUEST, "A guest post", None, NOW)
        assert added.state is PickState.APPROVED and guest.state is PickState.PENDING
        await repo.add_issue(compiled(7), IssueState.SKIPPED, NOW)  # a skipped week publishes nothing
    assert [p.id for p in await repo.picks(PickState.APPROVED, 10)] == [added.id]
    async with store.transaction():
        await repo.add_issue(compiled(7), IssueState.SENT, NOW)
        assert await repo.review(guest.id, PickState.APPROVED, None, NOW)
        assert not await repo.review(guest.id, PickState.REJECTED, None, NOW)  # reviewed once
    assert [p.id for p in await repo.picks(PickState.PUBLISHED, 10)] == [added.id]
    assert [p.id for p in await repo.picks(PickState.APPROVED, 10)] == [guest.id]


@pytest.mark.parametrize(
    "statement",
    [
        # an empty pick; a moderator's addition waiting for review
        f"{PICK} VALUES (1, 'added', '  ', 'approved', 'x')",
        f"{PICK} VALUES (1, 'added', 'a', 'pending', 'x')",
        # a sent issue without a number; a scheduled announcement with no next time
        "INSERT INTO newsletter_issues (community_id, number, state, since, until, texts, summaries, items,"
        " created_at) VALUES (1, NULL, 'sent', 'a', 'b', '{}', '{}', 1, 'x')",
        "INSERT INTO announcements (community_id, text, at, whatsapp, channel, state, next_at, created_at)"
        " VALUES (1, 'hi', 'a', 0, 'c', 'scheduled', NULL, 'x')",
    ],
)
async def test_the_database_refuses_what_breaks_an_invariant(store: Store, statement: str) -> None:
    assert await Raw(store).refused(statement) == "CHECK"


async def test_an_announcement_is_scheduled_until_posted_or_cancelled(store: Store) -> None:
    repo = store.repository(NEWSLETTER)
    draft = AnnouncementDraft("Doors open", NOW, "0 9 * * mon", False, "announcements")
    async with store.transaction():
        made = await repo.add_announcement(draft, None, NOW)
        await repo.posted(made.id, NOW + timedelta(days=7), NOW)
    again = await repo.announcement(made.id)
    assert again is not None and again.times == 1 and again.next_at == NOW + timedelta(days=7)
    async with store.transaction():
        assert await repo.cancel_announcement(made.id)
        assert not await repo.cancel_announcement(made.id)
        assert not await repo.edit_announcement(made.id, "too late")
    assert await repo.scheduled() == []


async def test_merged_members_keep_one_delivery_per_broadcast(store: Store) -> None:
    broadcasts = store.repository(BROADCASTS)
    async with store.transaction():
        one = await store.members.create(Identity.parse("console:a"), "a", "a", MemberStatus.MEMBER, NOW)
        two = await store.members.create(
            Identity.parse("whatsapp:+33600000001"), "b", "b", MemberStatus.MEMBER, NOW
        )
        first, _ = await broadcasts.open("t:1", "whatsapp", MessageKind.NEWSLETTER, {}, NOW)
        second, _ = await broadcasts.open("t:2", "whatsapp", MessageKind.NEWSLETTER, {}, NOW)
        await broadcasts.record(first.id, [one.id, two.id], NOW)
        await broadcasts.record(second.id, [two.id], NOW)
        await store.members.merge(two.id, one.id, NOW)
    rows = await store.db.fetch_all("SELECT broadcast_id, member_id FROM broadcast_deliveries ORDER BY 1")
    assert [tuple(r) for r in rows] == [(first.id, one.id), (second.id, one.id)]
