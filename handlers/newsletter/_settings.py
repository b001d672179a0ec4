"""The `[newsletter]` and `[announcements]` sections of `community.toml`: when the weekly digest goes out,
when a week is too quiet for one, and where scheduled announcements are posted."""

from __future__ import annotations

from pydantic import Field

from handlers.keys import ChannelKey
from handlers.section import Section


class NewsletterConfig(Section):
    cron: str = "0 9 * * mon"
    """When the issue goes out: a crontab expression (minute hour day month weekday) in the community's time
    zone; by default Mondays at 09:00. Checked at start. Weekdays by name (`mon`) read the same everywhere;
    APScheduler's crontab reading counts numbered weekdays from Monday = 0."""
    min_items: int = Field(default=3, ge=0, le=100)
    """A week telling fewer things (new members, results, winners, picks...) is skipped; moderators are
    told."""
    channel: ChannelKey | None = None
    """Where the issue is posted; by default [channels] announcements."""
    whatsapp: bool = True
    """Send each issue to the opted-in WhatsApp members too (free-form inside their 24-hour window, else the
    `newsletter` template of [whatsapp.templates] with its summary line)."""


class AnnouncementsConfig(Section):
    channel: ChannelKey | None = None
    """Where scheduled announcements are posted; by default [channels] announcements."""
    whatsapp: bool = False
    """Send every scheduled announcement to opted-in WhatsApp members too (else only those whose ANNOUNCE
    ends with `| whatsapp`)."""
