"""The reward shop: SHOP, REDEEM and the moderators' SHOP ADD/REMOVE/CODES/LIMIT/PENDING/FULFIL."""

from __future__ import annotations

import re

from handlers.context import Context
from handlers.delivery import MessageKind
from handlers.feature import Commands
from handlers.keys import is_item_key, record_number
from handlers.ledger import Kind
from handlers.models import MemberStatus, Reply, Role
from handlers.registry import Arg, ArgKind
from handlers.shop._errors import (
    BadItemKey,
    BadLimit,
    BadStock,
    ConfiguredItem,
    LimitReached,
    NoSuchRedemption,
    NotARedemptionNumber,
    NotEnoughPoints,
    RedemptionClosed,
    ShopIsForMembers,
    SoldOut,
    TooManyCodes,
)
from handlers.shop._shop import Shop, describe

MAX_CODES_AT_ONCE = 500

commands: Commands[Shop] = Commands()


@commands.command("SHOP", "the rewards you can redeem with your points")
async def shop(ctx: Context, shop: Shop) -> Reply:
    items = await shop.repo.items()
    if not items:
        return Reply("The shop is empty for now.")
    currency = shop.ledger.currency
    lines = ["Shop (REDEEM <item> to get one):", *(describe(i, currency) for i in items)]
    if ctx.member is not None:
        lines.append(f"Your balance: {await shop.ledger.balance(ctx.member.id)} {currency}")
    return Reply("\n".join(lines))


@commands.command(
    "REDEEM", "spend points on a shop item", Arg("item", ArgKind.WORD, "the item's key"), private=True
)
async def redeem(ctx: Context, shop: Shop, item: str) -> Reply:
    member = ctx.require_member()
    if member.status is not MemberStatus.MEMBER:
        raise ShopIsForMembers()
    found = await shop.item(item)
    currency = shop.ledger.currency
    repo = shop.repo
    if found.per_member_limit and await repo.redeemed_by(found.id, member.id) >= found.per_member_limit:
        raise LimitReached(found.name, found.per_member_limit)
    balance = await shop.ledger.balance(member.id)
    if balance < found.cost:
        raise NotEnoughPoints(found.name, found.cost, currency, balance)
    # Stock, points and code are taken in this one transaction: any refusal below undoes it all.
    if not await repo.take_stock(found.id):
        raise SoldOut(found.name)
    redemption = await repo.record_redemption(found, member.id, None, ctx.now)
    entry = await shop.ledger.spend(
        ctx, member.id, found.cost, Kind.REDEEM, f"shop: {found.name}", f"redeem:{redemption}"
    )
    if entry is None:
        raise NotEnoughPoints(found.name, found.cost, currency)
    await repo.attach_entry(redemption, entry)
    left = balance - found.cost
    if found.fulfilment == "codes":
        code = await repo.claim_code(found.id, redemption)
        if code is None:
            raise SoldOut(found.name, codes=True)
        return Reply(
            f"You redeemed {found.name} for {found.cost} {currency}. Your code: {code}\n"
            f"Keep it private. Balance: {left} {currency}."
        )
    ctx.post(
        ctx.config.channels.moderators,
        Reply(
            f"Redemption #{redemption}: {member.mention()} redeemed {found.name}. "
            f"Fulfil it, then send SHOP FULFIL {redemption}."
        ),
        kind=MessageKind.MODERATION,
    )
    return Reply(
        f"You redeemed {found.name} for {found.cost} {currency} (redemption #{redemption}). "
        f"A moderator will be in touch. Balance: {left} {currency}."
    )


@commands.command(
    "SHOP ADD",
    "add or change a shop item fulfilled by moderators",
    Arg("item", ArgKind.WORD, "a short key, e.g. call"),
    Arg("cost", ArgKind.INTEGER, "price in points", min=1, max=10_000_000),
    Arg("stock", ArgKind.WORD, "how many, or unlimited"),
    Arg("name", ArgKind.TEXT, "what members get"),
    permission=Role.MODERATOR,
)
async def shop_add(ctx: Context, shop: Shop, item: str, cost: int, stock: str, name: str) -> Reply:
    key = item.lower()
    if not is_item_key(key):
        raise BadItemKey()
    if stock.lower() == "unlimited":
        amount = None
    elif re.fullmatch(r"[0-9]{1,7}", stock):
        amount = int(stock)
    else:
        raise BadStock()
    existing = await shop.repo.item(key)
    if existing is not None and existing.origin == "config":
        raise ConfiguredItem(key)
    added = await shop.repo.add(key, name[:80], cost, amount, 1, ctx.now)
    return Reply(
        "Shop item saved (limit 1 per member; SHOP LIMIT changes it):\n"
        + describe(added, shop.ledger.currency)
    )


@commands.command(
    "SHOP REMOVE",
    "take an item out of the shop",
    Arg("item", ArgKind.WORD, "the key"),
    permission=Role.MODERATOR,
)
async def shop_remove(ctx: Context, shop: Shop, item: str) -> Reply:
    found = await shop.item(item)
    if found.origin == "config":
        raise ConfiguredItem(found.key, removing=True)
    await shop.repo.deactivate(found.id)
    return Reply(f"{found.name} is no longer in the shop (past redemptions are kept).")


@commands.command(
    "SHOP LIMIT",
    "set how many of an item one member may redeem",
    Arg("item", ArgKind.WORD, "the key"),
    Arg("limit", ArgKind.WORD, "a number, or none"),
    permission=Role.MODERATOR,
)
async def shop_limit(ctx: Context, shop: Shop, item: str, limit: str) -> Reply:
    found = await shop.item(item)
    if limit.lower() == "none":
        value = None
    elif re.fullmatch(r"[0-9]{1,4}", limit) and int(limit) > 0:
        value = int(limit)
    else:
        raise BadLimit()
    await shop.repo.set_limit(found.id, value)
    return Reply(f"{found.name}: " + (f"limit {value} per member." if value else "no limit per member."))


@commands.command(
    "SHOP CODES",
    "add codes delivered privately, one per redemption",
    Arg("item", ArgKind.WORD, "the key"),
    Arg("codes", ArgKind.TEXT, "codes, by spaces or commas"),
    permission=Role.MODERATOR,
)
async def shop_codes(ctx: Context, shop: Shop, item: str, codes: str) -> Reply:
    found = await shop.item(item)
    given = [c for c in re.split(r"[\s,]+", codes) if c]
    if len(given) > MAX_CODES_AT_ONCE or any(len(c) > 64 for c in given):
        raise TooManyCodes(MAX_CODES_AT_ONCE)
    added = await shop.repo.add_codes(found.id, given)
    refreshed = await shop.item(found.key)
    return Reply(
        f"Added {added} new code(s) to {found.name} ({len(given) - added} already known); "
        f"{refreshed.codes_left} unused."
    )


@commands.command("SHOP PENDING", "redemptions waiting for a moderator", permission=Role.MODERATOR)
async def shop_pending(ctx: Context, shop: Shop) -> Reply:
    pending = await shop.repo.pending_redemptions(20)
    if not pending:
        return Reply("No redemption is waiting.")
    lines = ["Waiting for fulfilment (SHOP FULFIL <number> when done):"]
    lines += [f"#{r.id} @{r.member_handle}: {r.item_name}" for r in pending]
    return Reply("\n".join(lines))


@commands.command(
    "SHOP FULFIL",
    "mark a redemption as fulfilled and tell the member",
    Arg("redemption", ArgKind.WORD, "its number, e.g. 12"),
    permission=Role.MODERATOR,
)
async def shop_fulfil(ctx: Context, shop: Shop, redemption: str) -> Reply:
    number = record_number(redemption)
    if number is None:
        raise NotARedemptionNumber()
    found = await shop.repo.redemption(number)
    if found is None:
        raise NoSuchRedemption(number)
    if not await shop.repo.fulfil(number, ctx.member.id if ctx.member else None, ctx.now):
        raise RedemptionClosed(number, found.state)
    member = await ctx.members.by_id(found.member_id)
    if member is not None:
        ctx.send_to_member(
            member,
            Reply(f"Your {found.item_name} is on its way: a moderator has fulfilled redemption #{number}."),
            MessageKind.NOTICE,
        )
    return Reply(f"Redemption #{number} ({found.item_name} for @{found.member_handle}) is fulfilled.")
