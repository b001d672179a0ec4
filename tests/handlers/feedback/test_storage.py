"""Ideas in a real database: the rules it holds by itself, linked identities, forgetting an author."""

from __future__ import annotations

from handlers.core import Core
from handlers.models import Identity
from storage.store import Store
from tests.conftest import say
from tests.engines import Raw
from tests.fakes import FakeClock
from tests.handlers.feedback.conftest import join, scalar, send_idea

PHONE = "whatsapp:+33600000001"


async def member_id(store: Store, who: str) -> int:
    found = await store.members.by_identity(Identity.parse(who))
    assert found is not None
    return found.id


async def merge(core: Core, store: Store, source: str, target: str) -> None:
    """What LINK does once both sides confirmed: `source`'s member becomes part of `target`'s."""
    source_id, target_id = await member_id(store, source), await member_id(store, target)
    async with core.services.transactions.transaction():
        await core.services.members.merge(source_id, target_id, core.services.clock.now())


async def recount_matches(store: Store) -> bool:
    rows = await store.db.fetch_all(
        "SELECT i.backers, (SELECT count(*) FROM idea_backers b WHERE b.idea_id = i.id) FROM ideas i"
    )
    return all(kept == counted for kept, counted in rows)


async def test_the_database_itself_allows_one_backing_each_and_none_of_ones_own_or_a_closed_idea(
    core: Core, store: Store
) -> None:
    await join(core, "alice", "bob")
    number = await send_idea(core, "alice", "Pods")
    await say(core, "console:bob", f"BACK {number}")
    raw = Raw(store)
    alice = await raw.value("SELECT id FROM members WHERE handle = 'alice'")
    bob = await raw.value("SELECT id FROM members WHERE handle = 'bob'")
    backing = "INSERT INTO idea_backers VALUES (?, ?, 'x')"
    assert await raw.refused(backing, (number, bob)) == "UNIQUE"
    assert "cannot back their own idea" in await raw.refused(backing, (number, alice))
    await raw.execute("DELETE FROM idea_backers")
    await raw.execute("UPDATE ideas SET status = 'shipped' WHERE id = ?", (number,))
    # bob (not the author) backs the shipped idea: only the rule "open ideas only" is broken
    assert "idea is not open" in await raw.refused(backing, (number, bob))


async def test_the_backers_count_the_database_keeps_equals_a_recount(core: Core, store: Store) -> None:
    names = [f"m{n}" for n in range(5)]
    await join(core, *names)
    ideas = [await send_idea(core, name, f"Idea of {name}") for name in names[:3]]
    moves = ["BACK", "BACK", "UNBACK", "BACK", "UNBACK", "UNBACK", "BACK"]
    for step, move in enumerate(moves * 3):
        await say(core, f"console:{names[step % len(names)]}", f"{move} {ideas[step % len(ideas)]}")
    assert await scalar(store, "SELECT count(*) FROM idea_backers") > 0
    assert await recount_matches(store)


async def test_linked_identities_keep_one_backing_per_idea(core: Core, store: Store) -> None:
    await join(core, "alice", "bob", "carol")
    await say(core, PHONE, "JOIN")
    pods = await send_idea(core, "bob", "Pods")
    mug = await send_idea(core, "carol", "Mug")
    await say(core, "console:alice", f"BACK {pods}")
    await say(core, PHONE, f"BACK {pods}")  # the same person, on WhatsApp, before linking
    await say(core, PHONE, f"BACK {mug}")
    await merge(core, store, PHONE, "console:alice")
    alice = await member_id(store, "console:alice")
    rows = await store.db.fetch_all(
        "SELECT idea_id FROM idea_backers WHERE member_id = ? ORDER BY 1", (alice,)
    )
    assert [r[0] for r in rows] == [pods, mug]
    assert await scalar(store, "SELECT count(*) FROM idea_backers") == 2
    assert await scalar(store, "SELECT backers FROM ideas WHERE id = ?", pods) == 1
    assert await recount_matches(store)
    assert (await say(core, PHONE, f"BACK {pods}")).text == f"You back idea #{pods} already."


async def test_a_merged_member_no_longer_backs_what_became_their_own_idea(core: Core, store: Store) -> None:
    await join(core, "alice")
    await say(core, PHONE, "JOIN")
    number = await send_idea(core, "alice", "Pods")
    await say(core, PHONE, f"BACK {number}")
    await merge(core, store, "console:alice", PHONE)  # alice's idea now belongs to the phone's member
    owner = await scalar(store, "SELECT member_id FROM ideas WHERE id = ?", number)
    assert owner == await member_id(store, PHONE)
    assert await scalar(store, "SELECT count(*) FROM idea_backers") == 0
    assert await scalar(store, "SELECT backers FROM ideas WHERE id = ?", number) == 0
    assert (
        await say(core, PHONE, f"BACK {number}")
    ).text == f"Idea #{number} is yours: ask others to back it."


async def test_forgetting_an_author_erases_their_words_and_keeps_the_idea(
    core: Core, store: Store, clock: FakeClock
) -> None:
    await join(core, "alice", "bob")
    number = await send_idea(core, "alice", "Pods for my machine in Lyon")
    await say(core, "console:bob", f"BACK {number}")
    async with store.transaction():
        await store.members.forget(await member_id(store, "console:alice"), clock.now())
    row = await store.db.fetch_one("SELECT text, backers, status FROM ideas WHERE id = ?", (number,))
    assert row is not None and tuple(row) == ("", 1, "new")
    assert (await say(core, "console:bob", "IDEAS")).text.startswith("No idea is open yet")
    shown = await say(core, "console:bob", f"IDEA {number}")
    assert shown.text == f"#{number} (words erased at the author's request) · 1 backer · new · you back it"
