"""Activity points and kudos in chat: the rules, the limits, replays and races."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.formats import TEXTS
from handlers.core import Core
from handlers.events import ChatMessage
from handlers.ledger import LEDGER
from handlers.models import Identity
from handlers.points._engine import PointsEngine
from handlers.points._ports import POINTS
from storage.store import Store
from tests.conftest import chat, say
from tests.engines import failing
from tests.fakes import FakeClock
from tests.handlers.points.conftest import members


async def balance(store: Store, core: Core, name: str) -> int:
    from handlers.models import Identity

    member = await store.members.by_identity(Identity.parse(f"console:{name}"))
    assert member is not None
    return (await store.repository(POINTS).standing(member.id)).balance


async def test_activity_has_a_minimum_length_a_cooldown_and_a_daily_cap(
    core: Core, store: Store, clock: FakeClock
) -> None:
    await members(core, "alice")
    await chat(core, "console:alice", "hey")  # too short
    assert await balance(store, core, "alice") == 0
    await chat(core, "console:alice", "hello everyone")
    await chat(core, "console:alice", "still cooling down")
    assert await balance(store, core, "alice") == 2
    for _ in range(5):
        clock.advance(seconds=61)
        await chat(core, "console:alice", "another message")
    assert await balance(store, core, "alice") == 6  # the daily cap
    await chat(core, "console:alice", "in the announcements", channel="announcements")
    assert await balance(store, core, "alice") == 6


async def test_direct_commands_and_strangers_earn_nothing(core: Core, store: Store) -> None:
    await members(core, "alice")
    await say(core, "console:alice", "HELP me with something long")
    assert await balance(store, core, "alice") == 0
    assert await chat(core, "console:stranger", "hello there everyone") == []


async def test_the_daily_cap_resets_at_local_midnight(core: Core, store: Store, clock: FakeClock) -> None:
    await members(core, "alice")
    clock.set(datetime(2026, 3, 2, 22, 0, tzinfo=UTC))  # 23:00 in Paris
    for _ in range(4):
        await chat(core, "console:alice", "late night chat")
        clock.advance(seconds=61)
    assert await balance(store, core, "alice") == 6
    clock.set(datetime(2026, 3, 2, 23, 0, 30, tzinfo=UTC))  # 00:00:30 in Paris: a new day
    await chat(core, "console:alice", "good morning all")
    assert await balance(store, core, "alice") == 8


async def test_kudos_forms_and_refusals(core: Core, store: Store, messenger) -> None:
    await members(core, "alice", "bob", "carol")
    assert await chat(core, "console:alice", "thanks @bob and @carol for the help!") == []
    # confirmed privately once the entries are durable, not by the chat handler itself
    confirmation = [m for m in messenger.sent if m.reply.text.startswith("Kudos sent")]
    assert [m.reply.text for m in confirmation] == [
        "Kudos sent to @bob, @carol (+5 each). You have 1 of 3 left today."
    ]
    assert confirmation[0].reply.private and str(confirmation[0].to) == "console:alice"
    assert await balance(store, core, "bob") == 5 and await balance(store, core, "carol") == 5
    texts = [r.text for r in await chat(core, "console:bob", "@bob++ @bot++ @nobody++ wow")]
    assert "You can't give kudos to yourself." in texts
    assert "Kudos are for members, not for bots or whole groups (but thank you!)." in texts
    assert "I don't know @nobody here, so no kudos were given." in texts


async def test_kudos_budget_says_how_many_are_left_and_when_it_resets(core: Core, clock: FakeClock) -> None:
    await members(core, "alice", "bob")
    clock.set(datetime(2026, 3, 2, 20, 0, tzinfo=UTC))  # 21:00 in Paris: 3 h to midnight
    for _ in range(3):
        await chat(core, "console:alice", "@bob++")
    refused = await chat(core, "console:alice", "@bob++ once more")
    assert refused[-1].text == "You have 0 of 3 kudos left today (resets in 3 h), so @bob got none this time."
    by_command = await say(core, "console:alice", "THANKS @bob again")
    assert by_command.text == "You have 0 of 3 kudos left today (resets in 3 h), so none was given."


async def test_the_budget_error_holds_the_budget_and_the_local_midnight(core: Core, clock: FakeClock) -> None:
    """The refusal is made from values: the budget, now and the next midnight in the community's zone."""
    await members(core, "alice", "bob")
    clock.set(datetime(2026, 3, 28, 22, 30, tzinfo=UTC))  # 23:30 in Paris, the night clocks go forward
    engine = core.port(LEDGER)
    assert isinstance(engine, PointsEngine)
    spent = engine.budget_spent(clock.now(), "@bob")
    assert (spent.budget, spent.now, spent.missed) == (3, clock.now(), "@bob")
    assert spent.resets_at == datetime(2026, 3, 28, 23, 0, tzinfo=UTC)  # local midnight, still CET
    for _ in range(3):
        await chat(core, "console:alice", "@bob++")
    assert (await chat(core, "console:alice", "@bob++"))[-1].text == spent.text(TEXTS.translator("en"))


async def test_a_replayed_message_counts_once_and_uses_no_budget(core: Core, store: Store) -> None:
    await members(core, "alice", "bob")
    for _ in range(3):
        await chat(core, "console:alice", "thanks @bob, great stuff", message_id="same-id")
    assert await balance(store, core, "bob") == 5
    assert await balance(store, core, "alice") == 2
    reply = await say(core, "console:alice", "POINTS")
    assert "Kudos left to give today: 2 of 3" in reply.text


async def test_parallel_kudos_cannot_exceed_the_budget(core: Core, store: Store) -> None:
    await members(core, "alice", "bob")
    await asyncio.gather(*(chat(core, "console:alice", "@bob++") for _ in range(10)))
    assert await balance(store, core, "bob") == 15


async def test_pending_members_neither_earn_nor_receive(core: Core, store: Store) -> None:
    from handlers.models import Identity, MemberStatus

    await members(core, "alice")
    async with store.transaction():
        await store.members.create(
            Identity.parse("console:pat"), "pat", "pat", MemberStatus.PENDING, store_now()
        )
    assert await chat(core, "console:pat", "hello everyone here") == []
    told = await chat(core, "console:pat", "thanks @alice!")
    assert [r.text for r in told] == [
        "You haven't accepted the rules yet, so your kudos don't count: send AGREE first."
    ]
    replies = await chat(core, "console:alice", "@pat++")
    assert replies[-1].text == "@pat hasn't finished joining yet, so no kudos were given."


def store_now() -> datetime:
    from tests.fakes import START

    return START


async def test_counters_survive_a_restart(store: Store, clock: FakeClock, community, messenger) -> None:
    from tests.conftest import make_core

    first = make_core(store, clock, messenger, community)
    await first.start()
    await members(first, "alice", "bob")
    await chat(first, "console:alice", "@bob++ thanks a lot")
    second = make_core(store, clock, messenger, community)  # a new process on the same database
    await second.start()
    assert await chat(second, "console:alice", "cooling down still") == []
    reply = await say(second, "console:alice", "POINTS")
    assert "Kudos left to give today: 2 of 3" in reply.text


async def test_a_failed_write_gives_back_the_limits_and_says_sorry(
    core: Core, store: Store, messenger
) -> None:
    await members(core, "alice", "bob")
    async with failing(store, "ledger"):
        await chat(core, "console:alice", "thanks @bob for the launch notes")
    alice = Identity.parse("console:alice")
    told = [m.reply.text for m in messenger.sent if m.to == alice]
    assert told[-1] == "Sorry, your kudos could not be recorded. Please try again."
    assert await balance(store, core, "bob") == 0
    # Nothing was spent: the budget and the activity cooldown are whole again.
    await chat(core, "console:alice", "thanks @bob for the launch notes")
    assert await balance(store, core, "bob") == 5 and await balance(store, core, "alice") == 2
    reply = await say(core, "console:alice", "POINTS")
    assert "Kudos left to give today: 2 of 3" in reply.text


async def test_a_full_batch_makes_its_writers_wait_until_it_is_durable(core: Core, store: Store) -> None:
    await members(core, "alice", "bob")
    written = "SELECT count(*) FROM ledger WHERE kind = 'activity'"

    async def post(who: str, message_id: str) -> None:
        text = "hello everyone, the launch went well"
        await core.handle_chat(ChatMessage(Identity.parse(who), text, "general", event_id=message_id))

    await post("console:alice", "m1")
    assert (await store.db.fetch_one(written))[0] == 0  # an open batch: the handler did not wait for it
    await core.settle()
    store.repository(POINTS).writer.full_rows = 1  # the next message's entry fills its batch
    await post("console:bob", "m2")
    assert (await store.db.fetch_one(written))[0] == 2  # it waited until its batch was durable
