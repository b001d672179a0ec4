"""Product feedback through the core: ideas, backing once, status changes told once to everyone involved."""

from __future__ import annotations

import sqlite3

import pytest

from handlers.core import Core
from handlers.delivery import MessageKind
from handlers.features import community_config
from handlers.models import Identity
from handlers.settings import CommunityConfig
from storage.sqlite.store import SqliteStore
from tests.conftest import make_core, say
from tests.fakes import FakeClock, RecordingMessenger

COMMUNITY = {
    "community": {"name": "Test Club", "timezone": "Europe/Paris"},
    "roles": {"moderators": ["console:mod"]},
    "feedback": {"planned_points": 5, "shipped_points": 20},
}


@pytest.fixture
def community() -> CommunityConfig:
    return community_config(COMMUNITY)


async def join(core: Core, *names: str) -> None:
    for name in names:
        await say(core, f"console:{name}", "JOIN")


def notices(messenger: RecordingMessenger) -> list[tuple[str, str]]:
    return [(str(m.to), m.reply.text) for m in messenger.sent if m.kind is MessageKind.NOTICE]


async def test_an_idea_reaches_the_moderators_and_is_backed_once_not_by_its_author(
    core: Core, store: SqliteStore, messenger: RecordingMessenger
) -> None:
    await join(core, "alice", "bob", "carol")
    thanks = await say(core, "console:alice", "FEEDBACK Refillable coffee pods, please")
    assert thanks.text.startswith("Thank you! Your idea #1 is with the team")
    [triage] = [m for m in messenger.sent if m.channel == "moderators"]
    assert triage.reply.text == "💡 Idea #1 from @alice: “Refillable coffee pods, please”"
    assert [c.command for c in triage.reply.choices] == [
        "IDEA STATUS 1 planned",
        "IDEA STATUS 1 shipped",
        "IDEA STATUS 1 declined",
    ]
    assert "is yours" in (await say(core, "console:alice", "BACK 1")).text
    assert "1 backer now" in (await say(core, "console:bob", "BACK 1")).text
    assert "already" in (await say(core, "console:bob", "BACK 1")).text
    await say(core, "console:carol", "FEEDBACK A smaller espresso mug")
    listing = await say(core, "console:carol", "IDEAS")
    assert listing.text.splitlines()[1:3] == [
        "#1 Refillable coffee pods, please · 1 backer · new",
        "#2 A smaller espresso mug · 0 backers · new",
    ]
    assert [c.command for c in listing.choices] == ["BACK 1"]  # not their own
    row = await store.db.fetch_one("SELECT backers FROM ideas WHERE id = 1")
    assert row is not None and row[0] == 1


async def test_a_status_change_tells_the_author_and_backers_once_and_credits_the_author_once(
    core: Core, store: SqliteStore, messenger: RecordingMessenger
) -> None:
    await join(core, "alice", "bob")
    await say(core, "console:alice", "FEEDBACK Refillable coffee pods")
    await say(core, "console:bob", "BACK 1")
    assert (
        "3 members told"
        not in (await say(core, "console:mod", "IDEA STATUS 1 planned Coming in spring")).text
    )
    told = notices(messenger)
    assert [to for to, _ in told] == ["console:alice", "console:bob"]
    assert [text.splitlines()[0] for _, text in told] == [
        "Your idea #1 (“Refillable coffee pods”) is now planned.",
        "Idea #1 you backed (“Refillable coffee pods”) is now planned.",
    ]
    assert told[0][1].endswith("The team says: Coming in spring\nYou earned 5 credits.")
    assert (
        "planned already: nobody is told again"
        in (await say(core, "console:mod", "IDEA STATUS 1 planned")).text
    )
    await say(core, "console:mod", "IDEA STATUS 1 shipped")
    assert len(notices(messenger)) == 4
    await say(core, "console:mod", "IDEA STATUS 1 planned")  # back and forth: credited once per status
    await say(core, "console:mod", "IDEA STATUS 1 shipped")
    rows = await store.db.fetch_all("SELECT delta, source FROM ledger WHERE kind = 'feedback' ORDER BY id")
    assert [tuple(r) for r in rows] == [(5, "idea:1:planned"), (20, "idea:1:shipped")]
    assert "has shipped already" in (await say(core, "console:bob", "BACK 1")).text


async def test_members_who_opted_out_are_not_told(core: Core, messenger: RecordingMessenger) -> None:
    await join(core, "alice", "bob")
    await say(core, "console:alice", "FEEDBACK Refillable coffee pods")
    await say(core, "console:bob", "BACK 1")
    await say(core, "console:bob", "STOP")
    await say(core, "console:mod", "IDEA STATUS 1 declined")
    told = [m for m in messenger.sent if m.kind is MessageKind.NOTICE]
    assert [m.to for m in told] == [Identity("console", "alice")]


async def test_bad_input_is_refused_and_nothing_is_stored(core: Core, store: SqliteStore) -> None:
    await join(core, "alice")
    assert "at most 1,000 characters" in (await say(core, "console:alice", "FEEDBACK " + "x" * 1001)).text
    assert "There is no idea #9" in (await say(core, "console:alice", "BACK 9")).text
    assert "not an idea number" in (await say(core, "console:alice", "BACK pods")).text
    row = await store.db.fetch_one("SELECT count(*) FROM ideas")
    assert row is not None and row[0] == 0


async def test_the_database_allows_one_backing_each(core: Core, store: SqliteStore) -> None:
    await join(core, "alice", "bob")
    await say(core, "console:alice", "FEEDBACK Pods")
    await say(core, "console:bob", "BACK 1")
    raw = sqlite3.connect(store.db.path)
    bob = raw.execute("SELECT id FROM members WHERE handle = 'bob'").fetchone()[0]
    with pytest.raises(sqlite3.IntegrityError):
        raw.execute("INSERT INTO idea_backers VALUES (1, ?, 'x')", (bob,))
    raw.close()


async def test_pending_members_cannot_send_ideas(
    store: SqliteStore, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    core = make_core(
        store, clock, messenger, community_config({**COMMUNITY, "onboarding": {"rules": ["Be kind."]}})
    )
    await core.start()
    await say(core, "console:newbie", "JOIN")
    assert "AGREE" in (await say(core, "console:newbie", "FEEDBACK Pods")).text
