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
from handlers.shop._shop import NO_LIMIT, UNLIMITED, Shop, describe

MAX_CODES_AT_ONCE = 500

commands: Commands[Shop] = Commands()


@commands.command("SHOP", "shop.cmd_shop", localized={"fr": "BOUTIQUE", "it": "NEGOZIO"})
async def shop(ctx: Context, shop: Shop) -> Reply:
    t = ctx.t
    items = await shop.repo.items()
    if not items:
        return Reply(t("shop.empty"))
    lines = [t("shop.listing_title"), *(describe(t, i, shop.ledger) for i in items)]
    if ctx.member is not None:
        balance = await shop.ledger.balance(ctx.member.id)
        lines.append(t("shop.your_balance", credits=shop.ledger.amount(t, balance)))
    return Reply("\n".join(lines))


@commands.command(
    "REDEEM",
    "shop.cmd_redeem",
    Arg("item", ArgKind.WORD, "shop.arg_redeem_item_help"),
    private=True,
    localized={"fr": "ECHANGER", "it": "RISCATTA"},
)
async def redeem(ctx: Context, shop: Shop, item: str) -> Reply:
    member = ctx.require_member()
    if member.status is not MemberStatus.MEMBER:
        raise ShopIsForMembers()
    found = await shop.item(item)
    t, ledger, repo = ctx.t, shop.ledger, shop.repo
    if found.per_member_limit and await repo.redeemed_by(found.id, member.id) >= found.per_member_limit:
        raise LimitReached(found.name, found.per_member_limit)
    balance = await ledger.balance(member.id)
    if balance < found.cost:
        raise NotEnoughPoints(found.name, ledger.amount(t, found.cost), balance)
    # Stock, points and code are taken in this one transaction: any refusal below undoes it all.
    if not await repo.take_stock(found.id):
        raise SoldOut(found.name)
    redemption = await repo.record_redemption(found, member.id, None, ctx.now)
    # The ledger keeps the item's name: the entry's kind already says it was redeemed (HISTORY tells it).
    entry = await ledger.spend(ctx, member.id, found.cost, Kind.REDEEM, found.name, f"redeem:{redemption}")
    if entry is None:
        raise NotEnoughPoints(found.name, ledger.amount(t, found.cost))
    await repo.attach_entry(redemption, entry)
    cost, left = ledger.amount(t, found.cost), ledger.amount(t, balance - found.cost)
    if found.fulfilment == "codes":
        code = await repo.claim_code(found.id, redemption)
        if code is None:
            raise SoldOut(found.name, codes=True)
        return Reply(t("shop.redeemed_code", item=found.name, cost=cost, code=code, balance=left))
    moderators = ctx.t_community
    ctx.post(
        ctx.config.channels.moderators,
        Reply(
            moderators(
                "shop.redemption_to_fulfil",
                number=str(redemption),
                member=member.mention(),
                item=found.name,
            )
        ),
        kind=MessageKind.MODERATION,
    )
    return Reply(t("shop.redeemed_manual", item=found.name, cost=cost, number=str(redemption), balance=left))


@commands.command(
    "SHOP ADD",
    "shop.cmd_shop_add",
    Arg("item", ArgKind.WORD, "shop.arg_add_item_help"),
    Arg("cost", ArgKind.INTEGER, "shop.arg_cost_help", min=1, max=10_000_000),
    Arg("stock", ArgKind.WORD, "shop.arg_stock_help"),
    Arg("name", ArgKind.TEXT, "shop.arg_name_help"),
    permission=Role.MODERATOR,
    localized={"fr": "BOUTIQUE AJOUTER", "it": "NEGOZIO AGGIUNGI"},
)
async def shop_add(ctx: Context, shop: Shop, item: str, cost: int, stock: str, name: str) -> Reply:
    key = item.lower()
    if not is_item_key(key):
        raise BadItemKey()
    if stock.lower() in UNLIMITED:
        amount = None
    elif re.fullmatch(r"[0-9]{1,7}", stock):
        amount = int(stock)
    else:
        raise BadStock()
    existing = await shop.repo.item(key)
    if existing is not None and existing.origin == "config":
        raise ConfiguredItem(key)
    added = await shop.repo.add(key, name[:80], cost, amount, 1, ctx.now)
    t = ctx.t
    return Reply(t("shop.item_saved") + "\n" + describe(t, added, shop.ledger))


@commands.command(
    "SHOP REMOVE",
    "shop.cmd_shop_remove",
    Arg("item", ArgKind.WORD, "shop.arg_item_help"),
    permission=Role.MODERATOR,
    localized={"fr": "BOUTIQUE SUPPRIMER", "it": "NEGOZIO RIMUOVI"},
)
async def shop_remove(ctx: Context, shop: Shop, item: str) -> Reply:
    found = await shop.item(item)
    if found.origin == "config":
        raise ConfiguredItem(found.key, removing=True)
    await shop.repo.deactivate(found.id)
    return Reply(ctx.t("shop.item_removed", item=found.name))


@commands.command(
    "SHOP LIMIT",
    "shop.cmd_shop_limit",
    Arg("item", ArgKind.WORD, "shop.arg_item_help"),
    Arg("limit", ArgKind.WORD, "shop.arg_limit_help"),
    permission=Role.MODERATOR,
    localized={"fr": "BOUTIQUE LIMITE", "it": "NEGOZIO LIMITE"},
)
async def shop_limit(ctx: Context, shop: Shop, item: str, limit: str) -> Reply:
    found = await shop.item(item)
    if limit.lower() in NO_LIMIT:
        value = None
    elif re.fullmatch(r"[0-9]{1,4}", limit) and int(limit) > 0:
        value = int(limit)
    else:
        raise BadLimit()
    await shop.repo.set_limit(found.id, value)
    if value is None:
        return Reply(ctx.t("shop.limit_removed", item=found.name))
    return Reply(ctx.t("shop.limit_set", count=value, item=found.name))


@commands.command(
    "SHOP CODES",
    "shop.cmd_shop_codes",
    Arg("item", ArgKind.WORD, "shop.arg_item_help"),
    Arg("codes", ArgKind.TEXT, "shop.arg_codes_help"),
    permission=Role.MODERATOR,
    localized={"fr": "BOUTIQUE CODES", "it": "NEGOZIO CODICI"},
)
async def shop_codes(ctx: Context, shop: Shop, item: str, codes: str) -> Reply:
    found = await shop.item(item)
    given = [c for c in re.split(r"[\s,]+", codes) if c]
    if len(given) > MAX_CODES_AT_ONCE or any(len(c) > 64 for c in given):
        raise TooManyCodes(MAX_CODES_AT_ONCE)
    added = await shop.repo.add_codes(found.id, given)
    refreshed = await shop.item(found.key)
    return Reply(
        ctx.t(
            "shop.codes_added",
            count=added,
            item=found.name,
            known=len(given) - added,
            unused=refreshed.codes_left,
        )
    )


@commands.command(
    "SHOP PENDING",
    "shop.cmd_shop_pending",
    permission=Role.MODERATOR,
    localized={"fr": "BOUTIQUE ATTENTE", "it": "NEGOZIO ATTESA"},
)
async def shop_pending(ctx: Context, shop: Shop) -> Reply:
    t = ctx.t
    pending = await shop.repo.pending_redemptions(20)
    if not pending:
        return Reply(t("shop.pending_none"))
    lines = [t("shop.pending_title")]
    lines += [
        t("shop.pending_line", number=str(r.id), handle=r.member_handle, item=r.item_name) for r in pending
    ]
    return Reply("\n".join(lines))


@commands.command(
    "SHOP FULFIL",
    "shop.cmd_shop_fulfil",
    Arg("redemption", ArgKind.WORD, "shop.arg_redemption_help"),
    permission=Role.MODERATOR,
    localized={"fr": "BOUTIQUE LIVRER", "it": "NEGOZIO CONSEGNA"},
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
        told = ctx.t_for(member)("shop.fulfilled_notice", item=found.item_name, number=str(number))
        ctx.send_to_member(member, Reply(told), MessageKind.NOTICE)
    return Reply(
        ctx.t("shop.fulfilled", number=str(number), item=found.item_name, handle=found.member_handle)
    )
