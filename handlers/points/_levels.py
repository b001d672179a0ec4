"""Levels (tiers) from points earned."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from handlers.delivery import MessageKind, Outgoing
from handlers.i18n import Translator
from handlers.models import Member, Reply, RoleUpdate
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
    levels: LevelsConfig,
    crossings: Sequence[Crossing],
    who: Mapping[int, Member],
    t_for: Callable[[Member], Translator],
    t_community: Translator,
) -> list[Outgoing]:
    """What tells of levels reached (on the way up only): a post in the community's language, or a
    message to the member in theirs."""
    out: list[Outgoing] = []
    if levels.announce is Announce.OFF:
        return out
    for member_id, old, new in crossings:
        if new.threshold <= old.threshold:
            continue
        member = who[member_id]
        if levels.announce is Announce.CHANNEL:
            t = t_community
            text = t("points.level_reached_post", handle=member.handle, level=levels.name_of(new, t))
            out.append(Outgoing(Reply(text), channel=levels.channel, kind=MessageKind.LEVEL_UP))
        else:
            t = t_for(member)
            text = t("points.level_reached", level=levels.name_of(new, t))
            out.append(
                Outgoing(Reply(text, language=t.language), member_id=member_id, kind=MessageKind.LEVEL_UP)
            )
    return out


async def role_updates(
    members: MemberRepository, levels: LevelsConfig, crossings: Sequence[Crossing], t: Translator
) -> list[RoleUpdate]:
    """The platform roles of the levels left and reached (both ways), on each of the member's identities;
    the reason (the platform's audit log) in `t`, the community's language."""
    updates: list[RoleUpdate] = []
    for member_id, old, new in crossings:
        if not (old.role and old.role != new.role) and not new.role:
            continue
        reason = t("points.role_reason", level=levels.name_of(new, t))
        for identity in await members.identities(member_id):
            if old.role and old.role != new.role:
                updates.append(RoleUpdate(identity, old.role, False, reason))
            if new.role:
                updates.append(RoleUpdate(identity, new.role, True, reason))
    return updates
