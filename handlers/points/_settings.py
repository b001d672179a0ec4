"""The `[points]` and `[levels]` sections of `community.toml`: earning, and the levels it leads to."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, field_validator

from handlers.i18n import Translator
from handlers.keys import ChannelKey
from handlers.section import Section


class ActivityRules(Section):
    """Points for taking part in channel chat (never for commands to the bot)."""

    enabled: bool = True
    points: int = Field(default=1, ge=1, le=1000)
    min_length: int = Field(default=10, ge=0, le=2000)
    """Characters a message needs (after trimming) to earn anything."""
    cooldown_seconds: int = Field(default=60, ge=0, le=86_400)
    daily_cap: int = Field(default=20, ge=0, le=100_000)
    """Most activity points a member earns per day (community time zone)."""
    excluded_channels: list[str] = Field(default_factory=list)
    """Channel keys (or Discord channel names) where chat earns nothing."""


class KudosRules(Section):
    """Peer kudos: `THANKS @name`, `@name++`, the KUDOS command."""

    enabled: bool = True
    points: int = Field(default=5, ge=1, le=1000)
    """Points the receiver gets per kudos; giving costs nothing but budget."""
    daily_budget: int = Field(default=5, ge=0, le=1000)
    """Kudos each member may give per day; resets at midnight in the community time zone."""


class ReactionRules(Section):
    """A moderator reacting with `emoji` awards `points` to the message's author."""

    emoji: str = Field(default="⭐", min_length=1, max_length=64)
    points: int = Field(default=10, ge=0, le=100_000)


class PointsRules(Section):
    currency: str | None = Field(default=None, min_length=1, max_length=30)
    """What the community calls its points. Unset: "credits" in each member's language, with its plural
    forms ("1 crédit", "2 crédits"; the `points.credits` and `points.currency` texts, which `[texts.<lang>]`
    may override per language). A word set here is used as is, in every language and after any number
    ("1 gems")."""
    max_award: int = Field(default=1000, ge=1, le=1_000_000)
    """The largest AWARD a moderator may give at once."""
    activity: ActivityRules = Field(default_factory=ActivityRules)
    kudos: KudosRules = Field(default_factory=KudosRules)
    reactions: ReactionRules = Field(default_factory=ReactionRules)


class Announce(StrEnum):
    OFF = "off"
    CHANNEL = "channel"
    DM = "dm"


class Tier(Section):
    name: str | None = Field(default=None, min_length=1, max_length=40)
    """The level's name, used as is in every language. Without one, the first four levels are named from
    the catalogs in each reader's language (Newcomer, Regular, Insider, Champion: `points.level_*`)."""
    threshold: int = Field(ge=0, le=100_000_000)
    """Points earned (spending does not lower it) to reach this level."""
    role: str | None = Field(default=None, min_length=1, max_length=64)
    """Optional platform role granted at this level (a Discord role id)."""


LEVEL_NAMES = (
    "points.level_newcomer",
    "points.level_regular",
    "points.level_insider",
    "points.level_champion",
)
"""The catalogs' names of the first levels, in order, for levels the community does not name."""


def _default_tiers() -> list[Tier]:
    return [Tier(threshold=threshold) for threshold in (0, 50, 250, 1000)]


class LevelsConfig(Section):
    announce: Announce = Announce.CHANNEL
    channel: ChannelKey = "announcements"
    tiers: list[Tier] = Field(default_factory=_default_tiers, min_length=1, max_length=50)

    @field_validator("tiers")
    @classmethod
    def _ordered(cls, tiers: list[Tier]) -> list[Tier]:
        if any(t.name is None for t in tiers[len(LEVEL_NAMES) :]):
            raise ValueError(f"name every level after the first {len(LEVEL_NAMES)} (the catalogs name those)")
        thresholds = [t.threshold for t in tiers]
        if thresholds != sorted(set(thresholds)):
            raise ValueError("thresholds must increase from one tier to the next")
        if thresholds[0] != 0:
            raise ValueError("the first tier must have threshold = 0")
        return tiers

    def name_of(self, tier: Tier, t: Translator) -> str:
        """The level's name as `t`'s reader reads it: the community's, else the catalogs' for its place."""
        if tier.name is not None:
            return tier.name
        place = next(n for n, known in enumerate(self.tiers) if known.threshold == tier.threshold)
        return t(LEVEL_NAMES[place])
