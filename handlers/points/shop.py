"""The reward shop: SHOP, REDEEM and the moderators' SHOP ADD/REMOVE/CODES/LIMIT/PENDING/FULFIL."""

from __future__ import annotations

import re

from handlers.context import Context
from handlers.errors import Conflict, NotFound, UsageError
from handlers.models import MemberStatus, Reply, Role
from handlers.points.engine import PointsEngine
from handlers.points.format import record_number
from handlers.points.models import Kind, ShopItem
from handlers.points.rules import KEY_PATTERN
from handlers.registry import Arg, ArgKind, Registry

MAX_CODES_AT_ONCE = 500


def describe(item: ShopItem, currency: str) -> str:
    left = item.available
    parts = [
        f"{item.key} — {item.name} · {item.cost} {currency}",
        "unlimited" if left is None else ("sold out" if left <= 0 else f"{left} left"),
    ]
    if item.per_member_limit:
        parts.append(f"limit {item.per_member_limit} per member")
    line = " · ".join(parts)
    return f"{line}\n  {item.description}" if item.description else line


async def _item(ctx: Context, key: str) -> ShopItem:
    item = await ctx.services.shop.item(key)
    if item is None or not item.active:
        raise NotFound(f"There is no item “{key[:32]}” in the shop. SHOP lists what there is.")
    return item


def install(registry: Registry, engine: PointsEngine) -> None:
    currency = engine.config.points.currency

    @registry.command("SHOP", "the rewards you can redeem with your points")
    async def shop(ctx: Context) -> Reply:
        items = await ctx.services.shop.items()
        if not items:
            return Reply("The shop is empty for now.")
        lines = ["Shop (REDEEM <item> to get one):", *(describe(i, currency) for i in items)]
        if ctx.member is not None:
            standing = await ctx.services.points.standing(ctx.member.id)
            lines.append(f"Your balance: {standing.balance} {currency}")
        return Reply("\n".join(lines))

    @registry.command(
        "REDEEM", "spend points on a shop item", Arg("item", ArgKind.WORD, "the item's key"), private=True
    )
    async def redeem(ctx: Context, item: str) -> Reply:
        member = ctx.require_member()
        if member.status is not MemberStatus.MEMBER:
            raise Conflict("Finish joining first: the shop is for members.")
        found = await _item(ctx, item)
        shop = ctx.services.shop
        if found.per_member_limit and await shop.redeemed_by(found.id, member.id) >= found.per_member_limit:
            raise Conflict(
                f"You already have {found.name}: the limit is {found.per_member_limit} per member."
            )
        standing = await ctx.services.points.standing(member.id)
        if standing.balance < found.cost:
            raise Conflict(f"{found.name} costs {found.cost} {currency}; you have {standing.balance}.")
        # Stock, points and code are taken in this one transaction: any refusal below undoes it all.
        if not await shop.take_stock(found.id):
            raise Conflict(f"{found.name} is sold out.")
        redemption = await shop.record_redemption(found, member.id, None, ctx.now)
        entry = await ctx.services.points.spend(
            engine.entry(
                ctx,
                member.id,
                -found.cost,
                Kind.REDEEM,
                f"shop: {found.name}",
                f"redeem:{redemption}",
                actor_id=member.id,
            )
        )
        if entry is None:
            raise Conflict(f"{found.name} costs {found.cost} {currency}; you don't have enough.")
        await shop.attach_entry(redemption, entry)
        left = standing.balance - found.cost
        if found.fulfilment == "codes":
            code = await shop.claim_code(found.id, redemption)
            if code is None:
                raise Conflict(f"{found.name} is sold out (no codes left).")
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
            kind="moderation",
        )
        return Reply(
            f"You redeemed {found.name} for {found.cost} {currency} (redemption #{redemption}). "
            f"A moderator will be in touch. Balance: {left} {currency}."
        )

    @registry.command(
        "SHOP ADD",
        "add or change a shop item fulfilled by moderators",
        Arg("item", ArgKind.WORD, "a short key, e.g. call"),
        Arg("cost", ArgKind.INTEGER, "price in points", min=1, max=10_000_000),
        Arg("stock", ArgKind.WORD, "how many, or unlimited"),
        Arg("name", ArgKind.TEXT, "what members get"),
        permission=Role.MODERATOR,
    )
    async def shop_add(ctx: Context, item: str, cost: int, stock: str, name: str) -> Reply:
        key = item.lower()
        usage = "Usage: SHOP ADD <item> <cost> <stock|unlimited> <name>"
        if not re.fullmatch(KEY_PATTERN, key):
            raise UsageError(f"An item key is 1-32 letters, digits, - or _. {usage}")
        if stock.lower() == "unlimited":
            amount = None
        elif re.fullmatch(r"[0-9]{1,7}", stock):
            amount = int(stock)
        else:
            raise UsageError(f"Stock must be a number or unlimited. {usage}")
        existing = await ctx.services.shop.item(key)
        if existing is not None and existing.origin == "config":
            raise Conflict(f"{key} comes from community.toml: change it there.")
        added = await ctx.services.shop.add(key, name[:80], cost, amount, 1, ctx.now)
        return Reply(
            f"Shop item saved (limit 1 per member; SHOP LIMIT changes it):\n{describe(added, currency)}"
        )

    @registry.command(
        "SHOP REMOVE",
        "take an item out of the shop",
        Arg("item", ArgKind.WORD, "the key"),
        permission=Role.MODERATOR,
    )
    async def shop_remove(ctx: Context, item: str) -> Reply:
        found = await _item(ctx, item)
        if found.origin == "config":
            raise Conflict(f"{found.key} comes from community.toml: remove it there.")
        await ctx.services.shop.deactivate(found.id)
        return Reply(f"{found.name} is no longer in the shop (past redemptions are kept).")

    @registry.command(
        "SHOP LIMIT",
        "set how many of an item one member may redeem",
        Arg("item", ArgKind.WORD, "the key"),
        Arg("limit", ArgKind.WORD, "a number, or none"),
        permission=Role.MODERATOR,
    )
    async def shop_limit(ctx: Context, item: str, limit: str) -> Reply:
        found = await _item(ctx, item)
        if limit.lower() == "none":
            value = None
        elif re.fullmatch(r"[0-9]{1,4}", limit) and int(limit) > 0:
            value = int(limit)
        else:
            raise UsageError("The limit is a number from 1 or none. Usage: SHOP LIMIT <item> <n|none>")
        await ctx.services.shop.set_limit(found.id, value)
        return Reply(f"{found.name}: " + (f"limit {value} per member." if value else "no limit per member."))

    @registry.command(
        "SHOP CODES",
        "add codes delivered privately, one per redemption",
        Arg("item", ArgKind.WORD, "the key"),
        Arg("codes", ArgKind.TEXT, "codes, by spaces or commas"),
        permission=Role.MODERATOR,
    )
    async def shop_codes(ctx: Context, item: str, codes: str) -> Reply:
        found = await _item(ctx, item)
        given = [c for c in re.split(r"[\s,]+", codes) if c]
        if len(given) > MAX_CODES_AT_ONCE or any(len(c) > 64 for c in given):
            raise UsageError(f"At most {MAX_CODES_AT_ONCE} codes of up to 64 characters at once.")
        added = await ctx.services.shop.add_codes(found.id, given)
        refreshed = await _item(ctx, found.key)
        return Reply(
            f"Added {added} new code(s) to {found.name} ({len(given) - added} already known); "
            f"{refreshed.codes_left} unused."
        )

    @registry.command("SHOP PENDING", "redemptions waiting for a moderator", permission=Role.MODERATOR)
    async def shop_pending(ctx: Context) -> Reply:
        pending = await ctx.services.shop.pending_redemptions(20)
        if not pending:
            return Reply("No redemption is waiting.")
        lines = ["Waiting for fulfilment (SHOP FULFIL <number> when done):"]
        lines += [f"#{r.id} @{r.member_handle}: {r.item_name}" for r in pending]
        return Reply("\n".join(lines))

    @registry.command(
        "SHOP FULFIL",
        "mark a redemption as fulfilled and tell the member",
        Arg("redemption", ArgKind.WORD, "its number, e.g. 12"),
        permission=Role.MODERATOR,
    )
    async def shop_fulfil(ctx: Context, redemption: str) -> Reply:
        number = record_number(redemption)
        if number is None:
            raise UsageError("Usage: SHOP FULFIL <redemption number>, e.g. SHOP FULFIL 12")
        found = await ctx.services.shop.redemption(number)
        if found is None:
            raise NotFound(f"There is no redemption #{number}. SHOP PENDING lists open ones.")
        if not await ctx.services.shop.fulfil(number, ctx.member.id if ctx.member else None, ctx.now):
            raise Conflict(f"Redemption #{number} is already {found.state}.")
        member = await ctx.services.members.by_id(found.member_id)
        if member is not None:
            await ctx.send_to_member(
                member,
                Reply(
                    f"Your {found.item_name} is on its way: a moderator has fulfilled redemption #{number}."
                ),
                kind="notice",
            )
        return Reply(f"Redemption #{number} ({found.item_name} for @{found.member_handle}) is fulfilled.")
