"""A new community configuration applied to a running core (the dashboard's save): between units of work,
with nothing in flight lost, counted twice or judged half by the old rules and half by the new."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest

from handlers.core import Core
from handlers.events import ChatMessage, DirectMessage
from handlers.features import FEATURES, community_config
from handlers.install import reconfigure
from handlers.models import Identity
from handlers.pausing import UnitsInFlight
from handlers.settings import CommunityConfig
from storage.store import Store
from tests.conftest import say

MEMBERS = ("alice", "bob", "carol", "dave")


def settings(activity: int, kudos: int, **extra: Any) -> dict[str, Any]:
    return {
        "community": {"name": "Test Club", "timezone": "Europe/Paris"},
        "roles": {"admins": ["console:root"], "moderators": ["console:mod"]},
        "points": {
            "activity": {"points": activity, "min_length": 1, "cooldown_seconds": 0, "daily_cap": 100_000},
            "kudos": {"points": kudos, "daily_budget": 1000},
        },
        **extra,
    }


@pytest.fixture
def community() -> CommunityConfig:
    return community_config(settings(activity=2, kudos=5))


async def joined(core: Core) -> None:
    for name in MEMBERS:
        await say(core, f"console:{name}", "JOIN")


async def ledger(store: Store) -> dict[tuple[str, int], int]:
    rows = await store.db.fetch_all("SELECT kind, delta, COUNT(*) AS n FROM ledger GROUP BY kind, delta")
    return {(row["kind"], row["delta"]): row["n"] for row in rows}


async def test_work_in_flight_finishes_under_the_old_rules_and_what_follows_gets_the_new(
    core: Core, store: Store
) -> None:
    await joined(core)

    async def talk(n: int) -> None:
        who = Identity("console", MEMBERS[n % 4])
        await core.handle_chat(ChatMessage(who, f"message {n}", "general", event_id=uuid.uuid4().hex))

    async def thank(n: int) -> None:
        giver, taker = MEMBERS[n % 4], MEMBERS[(n + 1) % 4]
        asked = DirectMessage(Identity("console", giver), f"KUDOS @{taker} thanks {n}", event_id=f"k{n}")
        assert (await core.handle_direct(asked))[0].text.startswith("Kudos sent")

    work = [talk(n) if n % 5 else thank(n) for n in range(300)]
    new = community_config(settings(activity=3, kudos=7))
    tasks = [asyncio.ensure_future(w) for w in work[:150]]
    applying = asyncio.ensure_future(reconfigure(core, new, FEATURES))
    tasks += [asyncio.ensure_future(w) for w in work[150:]]
    await asyncio.gather(applying, *tasks)
    await core.settle()

    counted = await ledger(store)
    chat = {delta: n for (kind, delta), n in counted.items() if kind == "activity"}
    kudos = {delta: n for (kind, delta), n in counted.items() if kind == "kudos"}
    assert sum(chat.values()) == 240 and sum(kudos.values()) == 60  # every one, once
    assert set(chat) == {2, 3} and set(kudos) == {5, 7}  # each judged by one rule set, old or new
    assert chat[2] + kudos[5] == 150  # the work that started first ran before the new configuration
    # Balances are the ledger's sums.
    mismatched = await store.db.fetch_all(
        "SELECT b.member_id FROM balances b LEFT JOIN ledger l ON l.member_id = b.member_id"
        " GROUP BY b.member_id, b.balance HAVING b.balance <> COALESCE(SUM(l.delta), 0)"
    )
    assert not mismatched
    assert core.services.config.points.kudos.points == 7
    assert (await say(core, "console:alice", "KUDOS @bob again")).text.startswith("Kudos sent")
    assert (await ledger(store))[("kudos", 7)] == kudos[7] + 1


async def test_a_configuration_a_feature_refuses_leaves_the_core_as_it_was(
    core: Core, store: Store, community: CommunityConfig
) -> None:
    await joined(core)
    commands = sorted(command.name for command in core.registry.all())
    refused = community_config(settings(activity=3, kudos=7, newsletter={"cron": "99 99 * * *"}))
    with pytest.raises(ValueError, match=r"newsletter\.cron"):
        await reconfigure(core, refused, FEATURES)
    assert core.services.config is community
    assert sorted(command.name for command in core.registry.all()) == commands
    await say(core, "console:alice", "KUDOS @bob thanks")
    assert (await ledger(store))[("kudos", 5)] == 1  # the rules it had
    # Then a good one applies.
    await reconfigure(core, community_config(settings(activity=3, kudos=7)), FEATURES)
    await say(core, "console:alice", "KUDOS @bob thanks again")
    assert (await ledger(store))[("kudos", 7)] == 1


async def test_a_pause_waits_for_the_units_in_flight_and_holds_new_ones_back() -> None:
    units = UnitsInFlight()
    order: list[str] = []
    release = asyncio.Event()

    async def unit(name: str, inner: bool = False) -> None:
        async with units:
            order.append(f"{name} starts")
            if inner:
                async with units:  # a unit inside another (a due job running a command) never waits
                    order.append(f"{name} inner")
            await release.wait()
            order.append(f"{name} ends")

    async def pause() -> None:
        async with units.paused():
            order.append("paused")
            assert units.running == 0
            release.set()  # units started now would run at once, were they let in
            await asyncio.sleep(0)
            order.append("resumes")

    first = asyncio.ensure_future(unit("first", inner=True))
    await asyncio.sleep(0)
    pausing = asyncio.ensure_future(pause())
    await asyncio.sleep(0)
    second = asyncio.ensure_future(unit("second"))
    await asyncio.sleep(0)
    assert order == ["first starts", "first inner"]
    release.set()
    await asyncio.gather(first, pausing, second)
    assert order == [
        "first starts",
        "first inner",
        "first ends",
        "paused",
        "resumes",
        "second starts",
        "second ends",
    ]


async def test_a_unit_cannot_pause_the_core() -> None:
    units = UnitsInFlight()
    async with units:
        with pytest.raises(RuntimeError, match="wait for itself"):
            async with units.paused():
                pass
    async with units.paused():  # outside a unit it can
        assert units.running == 0
