"""The `[health]` section of `community.toml`: when a member counts as inactive, the engagement segments'
thresholds, their optional platform roles, and the win-back nudge."""

from __future__ import annotations

from pydantic import Field, model_validator

from handlers.keys import ChannelKey
from handlers.kpis import Segment
from handlers.section import Section


class SegmentRoles(Section):
    """Optional platform role per segment (a Discord role id), granted while a member is in it."""

    new: str | None = Field(default=None, min_length=1, max_length=64)
    active: str | None = Field(default=None, min_length=1, max_length=64)
    champion: str | None = Field(default=None, min_length=1, max_length=64)
    at_risk: str | None = Field(default=None, min_length=1, max_length=64)
    dormant: str | None = Field(default=None, min_length=1, max_length=64)

    def of(self, segment: Segment) -> str | None:
        return {
            Segment.NEW: self.new,
            Segment.ACTIVE: self.active,
            Segment.CHAMPION: self.champion,
            Segment.AT_RISK: self.at_risk,
            Segment.DORMANT: self.dormant,
        }[segment]


class HealthConfig(Section):
    inactive_days: int = Field(default=30, ge=1, le=365)
    """A member with no activity (a message, a command, a click) for this many days counts as churning."""
    new_days: int = Field(default=14, ge=1, le=90)
    """Members who joined fewer days ago than this are `new`."""
    champion_days: int = Field(default=12, ge=1, le=30)
    """Active on at least this many of the last 30 days: `champion`."""
    at_risk_days: int = Field(default=14, ge=1, le=180)
    """Last active more than this many days ago (and active before): `at_risk`; else `active`."""
    dormant_days: int = Field(default=45, ge=2, le=365)
    """Last active this many days ago or more, or never: `dormant`."""
    roles: SegmentRoles = Field(default_factory=SegmentRoles)
    winback: bool = False
    """Send a member who becomes at risk one friendly nudge (at most once in 30 days; not after STOP);
    STATS shows how many came back within 14 days."""
    channel: ChannelKey | None = None
    """Where the daily list of members who became at risk is posted; by default [channels] moderators.
    Nothing is posted on a day when nobody did."""

    @model_validator(mode="after")
    def _ordered(self) -> HealthConfig:
        if self.dormant_days <= self.at_risk_days:
            raise ValueError(
                f"dormant_days ({self.dormant_days}) must be more than at_risk_days ({self.at_risk_days})"
            )
        return self
