"""The `[nps]` section of `community.toml`: when surveys start, whom they ask, and how long answers are
taken."""

from __future__ import annotations

from pydantic import Field

from handlers.keys import ChannelKey
from handlers.section import Section


class NpsConfig(Section):
    enabled: bool = True
    """Run the surveys; off, none starts (and a survey under way asks nobody more)."""
    cron: str = "0 10 1 1,4,7,10 *"
    """When a survey starts: a crontab expression in the community's time zone; by default quarterly, on
    the first of January, April, July and October at 10:00. Checked at start."""
    min_member_days: int = Field(default=14, ge=0, le=3650)
    """Only members who joined at least this many days before the survey starts are asked."""
    every_days: int = Field(default=90, ge=1, le=3650)
    """A member is asked at most once in this many days (counted in the community's calendar days)."""
    spread_days: int = Field(default=7, ge=1, le=60)
    """The questions of one survey go out over this many days, a share each day, not all at once."""
    answer_days: int = Field(default=14, ge=1, le=90)
    """How long after being asked a member may answer; later answers are refused."""
    channel: ChannelKey | None = None
    """Where detractors' follow-ups are posted for the moderators; by default [channels] moderators."""
