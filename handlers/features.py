"""The features this bot is made of, in install order (a feature comes after those it requires), and
the community file's model assembled from their sections.

Adding a feature: its package under `handlers/` (the declaration in `__init__.py`), its storage module
`storage/sqlite/<name>.py` with its migration, and one line here.
"""

from __future__ import annotations

from typing import Any

from handlers import (
    challenges,
    circles,
    consent,
    feedback,
    health,
    help,
    linking,
    members,
    newsletter,
    nps,
    onboarding,
    points,
    polls,
    schedule,
    sessions,
    shop,
    unlocks,
)
from handlers.feature import Feature
from handlers.settings import CommunityConfig, assemble

FEATURES: tuple[Feature[Any], ...] = (
    members.FEATURE,
    help.FEATURE,
    points.FEATURE,
    shop.FEATURE,
    sessions.FEATURE,  # before consent, whose CANCEL <session> it answers
    consent.FEATURE,
    linking.FEATURE,
    onboarding.FEATURE,
    polls.FEATURE,
    unlocks.FEATURE,
    challenges.FEATURE,
    feedback.FEATURE,
    nps.FEATURE,
    newsletter.FEATURE,
    schedule.FEATURE,
    health.FEATURE,
    circles.FEATURE,
)

Community = assemble("Community", CommunityConfig, [s for f in FEATURES for s in f.sections])
"""The core's part of `community.toml`: the kernel's sections and every feature's."""


def community_config(data: dict[str, Any] | None = None) -> CommunityConfig:
    """The community configuration from the file's tables (defaults for everything left out)."""
    return Community.model_validate(data or {})
