"""What points do besides commands: chat, a moderator's reaction, joins and leaves, start-up."""

from __future__ import annotations

from handlers.book import MemberChanges
from handlers.context import Context
from handlers.events import ReactionAdded
from handlers.feature import ChatListener
from handlers.ledger import Kind
from handlers.membership import Joining
from handlers.models import Member, Role
from handlers.points._engine import PointsEngine
from handlers.points._format import REACTION_REASON


def chat(engine: PointsEngine) -> ChatListener:
    return engine.chat.on_chat


async def start(engine: PointsEngine) -> None:
    await engine.warm()


async def settle(engine: PointsEngine) -> None:
    await engine.settle()


def members_changed(engine: PointsEngine, changes: MemberChanges) -> None:
    engine.follow(changes)


async def joined(ctx: Context, engine: PointsEngine, member: Member, joining: Joining) -> None:
    await _listed(ctx, engine, member, True)


async def left(ctx: Context, engine: PointsEngine, member: Member) -> None:
    await _listed(ctx, engine, member, False)


async def _listed(ctx: Context, engine: PointsEngine, member: Member, on_boards: bool) -> None:
    """Members who left are kept off the leaderboards (and put back when they return)."""
    await engine.repo.set_listed(member.id, on_boards)
    ctx.on_commit(engine.boards.set_listed, member.id, on_boards)


async def reaction(ctx: Context, engine: PointsEngine, event: ReactionAdded) -> None:
    """A moderator's configured emoji on a member's message awards its points, once per reaction."""
    rules = engine.rules.reactions
    if event.emoji != rules.emoji or rules.points <= 0 or ctx.role < Role.MODERATOR:
        return
    target = await ctx.members.by_identity(event.author)
    if target is None:
        return
    actor = ctx.member.id if ctx.member else None
    await engine.credit(
        ctx,
        target.id,
        rules.points,
        Kind.REACTION,
        event.emoji + REACTION_REASON,
        f"reaction:{event.identity.platform}:{event.event_id}",
        actor_id=actor,
    )
