"""Forgetting a member: every feature's forget steps erase what identifies them, in one transaction, and
every sum stays as it was (the ledger keeps its amounts; other members keep all they had)."""

from __future__ import annotations

from handlers.core import Core
from handlers.models import Identity
from storage.store import Store
from tests.conftest import say
from tests.engines import Raw
from tests.fakes import FakeClock

ANA = "whatsapp:+15550001234"


async def sums(store: Store) -> tuple[dict[int, int], dict[int, int]]:
    ledger = await store.db.fetch_all("SELECT member_id, sum(delta) FROM ledger GROUP BY member_id")
    balances = await store.db.fetch_all("SELECT member_id, balance FROM balances WHERE balance <> 0")
    return {r[0]: r[1] for r in ledger}, {r[0]: r[1] for r in balances}


async def test_forgetting_erases_a_member_and_keeps_every_sum(
    core: Core, store: Store, clock: FakeClock
) -> None:
    await say(core, ANA, "JOIN")
    await say(core, "console:bob", "JOIN")
    await say(core, ANA, "THANKS @bob for the lemon cake recipe")
    await say(core, "console:mod", "AWARD @bob 20 for helping Ana with her order 1234")
    await say(core, "console:bob", "THANKS @member_1234 for the photos")  # Ana's handle from her number
    await say(core, ANA, "INTRO me I am Ana, I live in Lyon and I bake for my kids")
    await say(core, ANA, "REFERRAL")
    ana = await store.members.by_identity(Identity.parse(ANA))
    bob = await store.members.by_handle("bob")
    assert ana is not None and bob is not None
    before = await sums(store)

    async with store.transaction():
        await store.members.forget(ana.id, clock.now())

    assert await store.members.by_identity(Identity.parse(ANA)) is None
    forgotten = await store.members.by_id(ana.id)
    assert forgotten is not None
    assert (forgotten.display_name, forgotten.handle, forgotten.status.value) == (
        "forgotten member",
        f"forgotten{ana.id}",
        "left",
    )
    assert await sums(store) == before  # amounts, balances and everyone's totals are untouched
    texts = await store.db.fetch_all(
        "SELECT reason, actor_identity FROM ledger WHERE member_id = ? OR actor_id = ?", (ana.id, ana.id)
    )
    assert texts and all(reason == "" for reason, _ in texts)
    assert all(actor != ANA for _, actor in texts)
    for table, column in (
        ("identities", "identity"),
        ("consent_events", "identity"),
        ("offered_choices", "identity"),
        ("inbox", "identity"),
        ("outbox", "recipient"),
    ):
        row = await store.db.fetch_one(f"SELECT count(*) FROM {table} WHERE {column} = ?", (ANA,))
        assert row is not None and row[0] == 0, table
    intro = await store.db.fetch_one("SELECT count(*) FROM introductions WHERE why LIKE '%Lyon%'")
    codes = await store.db.fetch_one("SELECT count(*) FROM referral_codes WHERE member_id = ?", (ana.id,))
    assert intro is not None and intro[0] == 0 and codes is not None and codes[0] == 0
    still = await store.db.fetch_one(
        "SELECT count(*) FROM ledger WHERE member_id = ? AND reason <> ''", (bob.id,)
    )
    assert still is not None and still[0] >= 1  # bob's own history keeps its words (the award to bob)


async def test_the_ledger_still_refuses_every_other_change(core: Core, store: Store) -> None:
    await say(core, "console:bob", "JOIN")
    await say(core, "console:mod", "AWARD @bob 20 welcome gift")
    raw = Raw(store)
    append_only, only_erased = "the ledger is append-only", "ledger texts can only be erased"
    for statement, why in (
        ("UPDATE ledger SET delta = 99", append_only),
        ("UPDATE ledger SET reason = 'rewritten'", only_erased),
        ("UPDATE ledger SET actor_identity = 'console:someone'", only_erased),
        ("DELETE FROM ledger", append_only),
    ):
        assert why in await raw.refused(statement), statement
    async with store.transaction():
        await store.db.execute("UPDATE ledger SET reason = '', actor_identity = NULL")  # erasing is allowed
