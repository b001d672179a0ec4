"""The newsletter's port: what each feature's week was, as one section of the weekly digest.

A feature contributes with a hook (`Hooks(digest=(week,))`, `async def week(state, week, t)`), the
installer collects them in install order, and the newsletter asks each one, in every language it writes the
issue in. A hook answers None when its feature has nothing to tell for the week (the section is left out);
it reads outcomes (results, winners, what shipped), never chatter.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum
from zoneinfo import ZoneInfo

from handlers.i18n import Translator


class Place(IntEnum):
    """Where a section goes in the issue, top first (its feature picks it)."""

    MEMBERS = 10
    """New members and introductions."""
    CONTRIBUTORS = 20
    """Top contributors and kudos."""
    POLLS = 30
    CHALLENGES = 40
    UNLOCKS = 50
    FEEDBACK = 60
    SESSIONS = 70
    """Upcoming founder sessions."""
    SHOP = 80
    PICKS = 90
    """What moderators added and the guest posts they approved."""


@dataclass(frozen=True)
class Week:
    """The week an issue covers: outcomes from `since` (included) to `until` (excluded); `until` is also
    the moment it is compiled, so what is "upcoming" starts there. `tz` is the community's."""

    since: datetime
    until: datetime
    tz: ZoneInfo


@dataclass(frozen=True)
class DigestSection:
    place: Place
    title: str
    lines: tuple[str, ...]
    """One line per item (a winner, a result, a new member...)."""
    headline: str
    """A few words for the issue's one-line summary (`3 new members`)."""
    items: int = 1
    """How many things it tells: a week telling fewer than `[newsletter] min_items` is skipped."""


DigestSource = Callable[[Week, Translator], Awaitable[DigestSection | None]]
"""A feature's digest hook bound to its state (what the newsletter calls)."""
