"""Levels (tiers) from points earned."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from handlers.delivery import MessageKind, Outgoing
from handlers.models import Reply, RoleUpdate
from handlers.points._settings import Announce, LevelsConfig, Tier
from handlers.ports import MemberRepository


def level_of(levels: LevelsConfig, earned: int) -> Tier:
    current = levels.tiers[0]
    for tier in levels.tiers:
        if earned >= tier.threshold:
            current = tier
    return current


def next_level(levels: LevelsConfig, earned: int) -> Tier | None:
    for tier in levels.tiers:
        if tier.threshold > earned:
            return tier
    return None


Crossing = tuple[int, Tier, Tier]
"""A member whose level changed: (member, old level, new level)."""


def announcements(
    levels: LevelsConfig, crossings: Sequence[Crossing], handles: Mapping[int, str]
) -> list[Outgoing]:
    """What tells of levels reached (on the way up only): a post, or a message to the member."""
    out: list[Outgoing] = []
    if levels.announce is Announce.OFF:
        return out
    for member_id, old, new in crossings:
        if new.threshold <= old.threshold:
            continue
        if levels.announce is Announce.CHANNEL:
            text = f"🎉 @{handles[member_id]} reached level {new.name}!"
            out.append(Outgoing(Reply(text), channel=levels.channel, kind=MessageKind.LEVEL_UP))
        else:
            text = f"🎉 You reached level {new.name}!"
            out.append(Outgoing(Reply(text), member_id=member_id, kind=MessageKind.LEVEL_UP))
    return out


async def role_updates(members: MemberRepository, crossings: Sequence[Crossing]) -> list[RoleUpdate]:
    """The platform roles of the levels left and reached (both ways), on each of the member's identities."""
    updates: list[RoleUpdate] = []
    for member_id, old, new in crossings:
        if not (old.role and old.role != new.role) and not new.role:
            continue
        for identity in await members.identities(member_id):
            if old.role and old.role != new.role:
                updates.append(RoleUpdate(identity, old.role, False, f"level {new.name}"))
            if new.role:
                updates.append(RoleUpdate(identity, new.role, True, f"level {new.name}"))
    return updates
