"""Levels (tiers) from points earned."""

from __future__ import annotations

from handlers.models import Outgoing, Reply, RoleUpdate
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


async def level_messages(
    members: MemberRepository,
    levels: LevelsConfig,
    crossings: list[tuple[int, Tier, Tier]],
    out: list[Outgoing],
    roles: list[RoleUpdate],
) -> None:
    """Announcements (on the way up) to `out` and role updates (both ways) to `roles` for members whose
    level changed."""
    for member_id, old, new in crossings:
        member = await members.by_id(member_id)
        if member is None:
            continue
        identities = await members.identities(member_id)
        for identity in identities:
            if old.role and old.role != new.role:
                roles.append(RoleUpdate(identity, old.role, False, f"level {new.name}"))
            if new.role:
                roles.append(RoleUpdate(identity, new.role, True, f"level {new.name}"))
        if new.threshold > old.threshold and levels.announce is not Announce.OFF:
            if levels.announce is Announce.CHANNEL:
                text = f"🎉 {member.mention()} reached level {new.name}!"
                out.append(Outgoing(Reply(text), channel=levels.channel, kind="level_up"))
            elif identities:
                text = f"🎉 You reached level {new.name}!"
                out.append(Outgoing(Reply(text), to=identities[0], kind="level_up"))
