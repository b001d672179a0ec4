"""Installs the points feature into the core: engine, chat, reactions, member events and commands."""

from __future__ import annotations

from typing import TYPE_CHECKING

from handlers.context import Context
from handlers.models import Identity, Member, Role
from handlers.points import commands, shop
from handlers.points.chat import ChatPoints
from handlers.points.engine import PointsEngine
from handlers.points.models import Kind

if TYPE_CHECKING:
    from handlers.core import Core


def install(core: Core) -> None:
    engine = PointsEngine(core)
    core.features["points"] = engine
    core.hooks.chat.append(ChatPoints(engine).on_chat)
    commands.install(core.registry, engine)
    shop.install(core.registry, engine)

    async def start() -> None:
        services = core.services
        async with services.transactions.transaction():
            await services.shop.sync_configured(services.config.shop.items, services.clock.now())
        await engine.warm()

    async def joined(ctx: Context, member: Member) -> None:
        await listed(ctx, member, True)

    async def left(ctx: Context, member: Member) -> None:
        await listed(ctx, member, False)

    async def listed(ctx: Context, member: Member, on_boards: bool) -> None:
        await ctx.services.points.set_listed(member.id, on_boards)
        actor = ctx.actor

        def after() -> None:
            if actor is not None:
                engine.forget(actor, member)
            engine.set_listed(member.id, on_boards)

        ctx.after_commit.append(after)

    async def reaction(ctx: Context, author: Identity, emoji: str) -> None:
        rules = ctx.config.points.reactions
        if emoji != rules.emoji or rules.points <= 0 or ctx.role < Role.MODERATOR:
            return
        target = await ctx.services.members.by_identity(author)
        if target is None or ctx.message is None or not ctx.message.message_id:
            return
        actor = ctx.member.id if ctx.member else None
        await engine.credit(
            ctx,
            target.id,
            rules.points,
            Kind.REACTION,
            f"{emoji} from a moderator",
            f"reaction:{ctx.message.identity.platform}:{ctx.message.message_id}",
            actor_id=actor,
        )

    core.hooks.startup.append(start)
    core.hooks.settle.append(engine.settle)
    core.hooks.joined.append(joined)
    core.hooks.left.append(left)
    core.hooks.reactions.append(reaction)
