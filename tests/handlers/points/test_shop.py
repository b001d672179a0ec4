"""The reward shop: atomic redemptions, codes, manual fulfilment and the moderators' commands."""

from __future__ import annotations

import asyncio

from handlers.core import Core
from handlers.models import Identity
from handlers.points._ports import POINTS
from handlers.shop._ports import SHOP
from storage.store import Store
from tests.conftest import say
from tests.fakes import RecordingMessenger
from tests.handlers.points.conftest import give, members


async def test_shop_lists_configured_items(core: Core) -> None:
    await members(core, "alice")
    text = (await say(core, "console:alice", "SHOP")).text
    assert "discount — 10% off · 5 credits · 2 left · limit 1 per member" in text
    assert "mug — Community mug · 10 credits · 1 left" in text
    assert "call — 30 min with the founder · 8 credits · unlimited" in text
    assert text.endswith("Your balance: 0 credits")


async def test_a_code_is_delivered_privately_and_used_once(core: Core, store: Store) -> None:
    await members(core, "alice", "bob")
    await give(core, "alice", 20)
    reply = await say(core, "console:alice", "REDEEM discount")
    assert reply.private
    assert reply.text.startswith("You redeemed 10% off for 5 credits. Your code: CODE-A")
    assert (await store.repository(POINTS).standing(1)).balance == 15
    assert "the limit is 1 per member" in (await say(core, "console:alice", "REDEEM discount")).text
    await give(core, "bob", 20)
    assert "Your code: CODE-B" in (await say(core, "console:bob", "redeem DISCOUNT")).text


async def test_not_enough_points_or_stock_changes_nothing(core: Core, store: Store) -> None:
    await members(core, "alice", "bob")
    await give(core, "alice", 4)
    assert (
        await say(core, "console:alice", "REDEEM discount")
    ).text == "10% off costs 5 credits; you have 4."
    assert "no item “hat”" in (await say(core, "console:alice", "REDEEM hat")).text
    await give(core, "bob", 30)
    await say(core, "console:bob", "REDEEM mug")
    await give(core, "alice", 30)
    assert (await say(core, "console:alice", "REDEEM mug")).text == "Community mug is sold out."
    assert (await store.repository(POINTS).standing(1)).balance == 34
    shop = {item.key: item for item in await store.repository(SHOP).items()}
    assert shop["mug"].redeemed == 1 and shop["discount"].codes_left == 2


async def test_two_members_racing_for_the_last_item_cannot_both_get_it(core: Core, store: Store) -> None:
    await members(core, "alice", "bob")
    await give(core, "alice", 10)
    await give(core, "bob", 10)
    replies = await asyncio.gather(
        say(core, "console:alice", "REDEEM mug"), say(core, "console:bob", "REDEEM mug")
    )
    texts = sorted(r.text for r in replies)
    assert texts[0] == "Community mug is sold out."
    assert texts[1].startswith("You redeemed Community mug")
    balances = sorted([(await store.repository(POINTS).standing(m)).balance for m in (1, 2)])
    assert balances == [0, 10]


async def test_manual_rewards_notify_moderators_and_are_fulfilled_once(
    core: Core, messenger: RecordingMessenger
) -> None:
    await members(core, "alice")
    await give(core, "alice", 10)
    reply = await say(core, "console:alice", "REDEEM call")
    assert reply.text == (
        "You redeemed 30 min with the founder for 8 credits (redemption #1). A moderator will be in touch. "
        "Balance: 2 credits."
    )
    assert messenger.posts_in("moderators") == [
        "Redemption #1: @alice redeemed 30 min with the founder. Fulfil it, then send SHOP FULFIL 1."
    ]
    assert "#1 @alice: 30 min with the founder" in (await say(core, "console:mod", "SHOP PENDING")).text
    done = await say(core, "console:mod", "SHOP FULFIL 1")
    assert done.text == "Redemption #1 (30 min with the founder for @alice) is fulfilled."
    assert any("is on its way" in t for t in messenger.texts_to("console:alice"))
    assert (await say(core, "console:mod", "SHOP FULFIL 1")).text == "Redemption #1 is already fulfilled."
    assert "no redemption #7" in (await say(core, "console:mod", "SHOP FULFIL 7")).text


async def test_moderators_manage_their_items(core: Core) -> None:
    await members(core, "alice")
    await give(core, "alice", 100)
    added = await say(core, "console:mod", "SHOP ADD tee 40 2 Community t-shirt")
    assert "tee — Community t-shirt · 40 credits · 2 left · limit 1 per member" in added.text
    assert (
        "Stock must be a number or unlimited"
        in (await say(core, "console:mod", "SHOP ADD hat 5 lots Hat")).text
    )
    assert "comes from community.toml" in (await say(core, "console:mod", "SHOP ADD mug 1 1 Mug")).text
    assert "comes from community.toml" in (await say(core, "console:mod", "SHOP REMOVE mug")).text
    coded = await say(core, "console:mod", "SHOP CODES tee T1, T2 T2")
    assert coded.text == "Added 2 new codes to Community t-shirt (1 already known); 2 unused."
    assert "Your code: T1" in (await say(core, "console:alice", "REDEEM tee")).text
    assert (
        await say(core, "console:mod", "SHOP LIMIT tee 2")
    ).text == "Community t-shirt: limit 2 per member."
    assert "Your code: T2" in (await say(core, "console:alice", "REDEEM tee")).text
    assert "no longer in the shop" in (await say(core, "console:mod", "SHOP REMOVE tee")).text
    assert "no item “tee”" in (await say(core, "console:alice", "REDEEM tee")).text
    assert (await say(core, "console:alice", "SHOP ADD x 1 1 X")).text == "SHOP ADD is for moderators only."


async def test_the_ledger_export_matches_the_balances(core: Core, store: Store) -> None:
    from storage.sqlite.export import export_table

    await members(core, "alice", "bob")
    await give(core, "alice", 30)
    await say(core, "console:alice", "KUDOS @bob thanks")
    await say(core, "console:alice", "REDEEM discount")
    await say(core, "console:mod", "REVOKE 1 oops")
    columns, rows = await export_table(store.db, store.community_id, "ledger")
    totals: dict[str, int] = {}
    for row in rows:
        record = dict(zip(columns, row, strict=True))
        totals[record["handle"]] = totals.get(record["handle"], 0) + record["delta"]
    bcolumns, brows = await export_table(store.db, store.community_id, "balances")
    balances = {
        dict(zip(bcolumns, r, strict=True))["handle"]: dict(zip(bcolumns, r, strict=True))["balance"]
        for r in brows
    }
    assert totals == balances == {"alice": -5, "bob": 5}
    assert Identity.parse("console:alice")
