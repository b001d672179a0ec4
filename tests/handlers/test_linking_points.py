"""LINK merges two members' points exactly: every entry kept once, balances and monthly totals summed."""

from __future__ import annotations

import re

import pytest

from handlers.core import Core
from handlers.events import ChatMessage
from handlers.features import community_config
from handlers.models import Identity
from handlers.points._ports import POINTS
from handlers.settings import CommunityConfig
from storage.store import Store
from tests.conftest import say
from tests.handlers.points.conftest import POINTS_COMMUNITY
from tests.handlers.test_linking import code_for

PHONE = "whatsapp:+15550001234"


@pytest.fixture
def community() -> CommunityConfig:
    return community_config(POINTS_COMMUNITY)


async def ledger_agrees_with_balances(store: Store) -> bool:
    rows = await store.db.fetch_all(
        "SELECT b.member_id, b.balance, b.earned,"
        " (SELECT coalesce(sum(delta), 0) FROM ledger l WHERE l.member_id = b.member_id) AS total,"
        " (SELECT coalesce(sum(earned), 0) FROM monthly_points p WHERE p.member_id = b.member_id) AS monthly"
        " FROM balances b"
    )
    return all(row["balance"] == row["total"] and row["earned"] == row["monthly"] for row in rows)


async def test_balances_and_history_are_merged_exactly_without_double_counting(
    core: Core, store: Store, clock
) -> None:
    await core.start()
    for who in ("console:alice", "console:bob", PHONE):
        await say(core, who, "JOIN")
    phone_member = await store.members.by_identity(Identity.parse(PHONE))
    assert phone_member is not None
    assert (await say(core, "console:mod", "AWARD @alice 30 launch party")).text.startswith("Awarded")
    assert (await say(core, "console:mod", f"AWARD @{phone_member.handle} 12 feedback")).text.startswith(
        "Awarded"
    )
    assert (await say(core, PHONE, "THANKS @bob for the tip")).text  # the phone member gave kudos
    assert (await say(core, PHONE, "REDEEM call")).text  # spends 8 of the 12
    await core.handle_chat(
        ChatMessage(Identity.parse(PHONE), "hello everyone, glad to be here", "general", event_id="c1")
    )
    await core.settle()  # chat points land a moment after the message
    before = {
        row[0]: row[1]
        for row in await store.db.fetch_all("SELECT member_id, count(*) FROM ledger GROUP BY 1")
    }
    alice = await store.members.by_handle("alice")
    assert alice is not None
    source_standing = await store.repository(POINTS).standing(phone_member.id)
    alice_standing = await store.repository(POINTS).standing(alice.id)

    code = await code_for(core, "console:alice")
    assert (await say(core, PHONE, f"LINK {code}")).text.startswith("Linked: you are @alice here too")

    merged = await store.repository(POINTS).standing(alice.id)
    assert merged.balance == alice_standing.balance + source_standing.balance
    assert merged.earned == alice_standing.earned + source_standing.earned
    after = {
        row[0]: row[1]
        for row in await store.db.fetch_all("SELECT member_id, count(*) FROM ledger GROUP BY 1")
    }
    assert after == {
        alice.id: before[alice.id] + before[phone_member.id],
        **{k: v for k, v in before.items() if k not in (alice.id, phone_member.id)},
    }
    assert await store.db.fetch_one("SELECT 1 FROM balances WHERE member_id = ?", (phone_member.id,)) is None
    assert await ledger_agrees_with_balances(store)
    kudos_actor = await store.db.fetch_one("SELECT actor_id FROM ledger WHERE kind = 'kudos'")
    assert kudos_actor is not None and kudos_actor[0] == alice.id
    redemption = await store.db.fetch_one("SELECT member_id FROM redemptions")
    assert redemption is not None and redemption[0] == alice.id

    points = (await say(core, PHONE, "POINTS")).text
    assert re.match(rf"@alice: {merged.balance} \S+ \({merged.earned} earned in all\)", points), points
    history = (await say(core, PHONE, "HISTORY")).text
    assert "launch party" in history and "feedback" in history
    # the points engine's cache follows the merge: chat from WhatsApp now earns for @alice, under one
    # cooldown for the one member (c1 was just now, so wait it out first)
    clock.advance(seconds=61)
    await core.handle_chat(
        ChatMessage(Identity.parse(PHONE), "another long enough message here", "general", event_id="c2")
    )
    await core.settle()
    chat = await store.db.fetch_all("SELECT member_id, source FROM ledger WHERE kind = 'activity'")
    assert [tuple(r) for r in chat] == [
        (alice.id, "activity:whatsapp:c1"),
        (alice.id, "activity:whatsapp:c2"),
    ]
    assert await ledger_agrees_with_balances(store)


async def test_after_a_merge_levels_count_both_members_points(core: Core, store: Store, messenger) -> None:
    for who in ("console:alice", PHONE):
        await say(core, who, "JOIN")
    phone_member = await store.members.by_identity(Identity.parse(PHONE))
    assert phone_member is not None
    await say(core, "console:mod", "AWARD @alice 6 one")
    await say(core, "console:mod", f"AWARD @{phone_member.handle} 3 two")
    code = await code_for(core, "console:alice")
    await say(core, PHONE, f"LINK {code}")
    await say(core, "console:mod", "AWARD @alice 1 three")  # 6 + 3 + 1 = 10: the Regular threshold
    assert messenger.posts_in("announcements") == ["🎉 @alice reached level Regular!"]
    # and today's kudos budget is shared: the phone identity's giving counts for @alice
    assert "Kudos left to give today: 3 of 3" in (await say(core, PHONE, "POINTS")).text
